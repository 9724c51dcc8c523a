package dev.embedconsent.preview;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a preview fetch may never connect to: everything that is not a public unicast address, so that a
 * provider's DNS answer (or a hostile redirect) cannot make the server talk to itself, its own network or a cloud
 * metadata service.
 *
 * <p>Forbidden IPv4: {@code 0.0.0.0/8} (unspecified), {@code 10/8}, {@code 172.16/12}, {@code 192.168/16}
 * (private), {@code 100.64/10} (carrier-grade NAT), {@code 127/8} (loopback), {@code 169.254/16} (link-local, where
 * metadata services live), {@code 192.0.0.0/24} (IETF protocol assignments), {@code 198.18/15} (benchmarking),
 * {@code 224/4} (multicast), {@code 240/4} (reserved, with the broadcast address {@code 255.255.255.255}).
 *
 * <p>Forbidden IPv6: {@code ::} and {@code ::1}, {@code fc00::/7} (unique-local), {@code fe80::/10} (link-local),
 * {@code fec0::/10} (site-local), {@code ff00::/8} (multicast), {@code 64:ff9b:1::/48} (local-use NAT64) and
 * {@code 2001::/32} (Teredo, whose IPv4 addresses are obfuscated). Forms that carry an IPv4 address are judged by
 * that address: IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96} and
 * 6to4 {@code 2002::/16}.
 *
 * <p>The documentation ranges ({@code 192.0.2/24}, {@code 198.51.100/24}, {@code 203.0.113/24},
 * {@code 2001:db8::/32}) are allowed: tests use them as stand-ins for public addresses.
 */
public final class AddressRules {

    private record Range(byte[] network, int prefixBits, String name) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            if (!Arrays.equals(address, 0, full, network, 0, full)) {
                return false;
            }
            int rest = prefixBits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[full] & mask) == (network[full] & mask);
        }
    }

    private static final List<Range> IPV4 = List.of(
            range("0.0.0.0", 8, "unspecified"),
            range("10.0.0.0", 8, "private"),
            range("100.64.0.0", 10, "carrier-grade NAT"),
            range("127.0.0.0", 8, "loopback"),
            range("169.254.0.0", 16, "link-local"),
            range("172.16.0.0", 12, "private"),
            range("192.0.0.0", 24, "IETF protocol assignments"),
            range("192.168.0.0", 16, "private"),
            range("198.18.0.0", 15, "benchmarking"),
            range("224.0.0.0", 4, "multicast"),
            range("240.0.0.0", 4, "reserved"));

    private static final List<Range> IPV6 = List.of(
            range("::", 128, "unspecified"),
            range("::1", 128, "loopback"),
            range("fc00::", 7, "unique-local"),
            range("fe80::", 10, "link-local"),
            range("fec0::", 10, "site-local"),
            range("ff00::", 8, "multicast"),
            range("64:ff9b:1::", 48, "local-use NAT64"),
            range("2001::", 32, "Teredo"));

    /** IPv6 prefixes whose last 32 bits are an IPv4 address. */
    private static final List<Range> IPV4_IN_LAST_32_BITS = List.of(
            range("::ffff:0:0", 96, "IPv4-mapped"),
            range("::", 96, "IPv4-compatible"),
            range("64:ff9b::", 96, "NAT64"));

    private static final Range SIX_TO_FOUR = range("2002::", 16, "6to4");

    private AddressRules() {}

    /** Whether a preview fetch must not connect to {@code address}. */
    public static boolean isForbidden(InetAddress address) {
        return reason(address) != null;
    }

    /**
     * Why {@code address} is forbidden, for messages ("private", "IPv4-mapped 127.0.0.1: loopback"), or
     * {@code null} if it is allowed.
     */
    public static @Nullable String reason(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return reasonIpv4(bytes);
        }
        for (Range range : IPV6) {
            if (range.contains(bytes)) {
                return range.name();
            }
        }
        for (Range range : IPV4_IN_LAST_32_BITS) {
            if (range.contains(bytes)) {
                return embedded(range, Arrays.copyOfRange(bytes, 12, 16));
            }
        }
        return SIX_TO_FOUR.contains(bytes) ? embedded(SIX_TO_FOUR, Arrays.copyOfRange(bytes, 2, 6)) : null;
    }

    private static @Nullable String reasonIpv4(byte[] bytes) {
        for (Range range : IPV4) {
            if (range.contains(bytes)) {
                return range.name();
            }
        }
        return null;
    }

    private static @Nullable String embedded(Range form, byte[] ipv4) {
        String reason = reasonIpv4(ipv4);
        return reason == null ? null : form.name() + " " + (ipv4[0] & 0xff) + "." + (ipv4[1] & 0xff) + "."
                + (ipv4[2] & 0xff) + "." + (ipv4[3] & 0xff) + ": " + reason;
    }

    private static Range range(String literal, int prefixBits, String name) {
        // parsed here: InetAddress.getByName would turn "::ffff:0:0" into the IPv4 address 0.0.0.0
        byte[] network = literal.contains(":") ? ipv6Bytes(literal) : ipv4Bytes(literal);
        return new Range(network, prefixBits, name);
    }

    private static byte[] ipv4Bytes(String literal) {
        String[] parts = literal.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    private static byte[] ipv6Bytes(String literal) {
        String[] halves = literal.split("::", -1);
        List<String> head = halves[0].isEmpty() ? List.of() : List.of(halves[0].split(":"));
        List<String> tail = halves.length < 2 || halves[1].isEmpty() ? List.of() : List.of(halves[1].split(":"));
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            putGroup(bytes, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            putGroup(bytes, 8 - tail.size() + i, tail.get(i));
        }
        return bytes;
    }

    private static void putGroup(byte[] bytes, int group, String hex) {
        int value = Integer.parseInt(hex, 16);
        bytes[2 * group] = (byte) (value >> 8);
        bytes[2 * group + 1] = (byte) value;
    }
}

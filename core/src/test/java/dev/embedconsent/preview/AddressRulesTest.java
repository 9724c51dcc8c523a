package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRulesTest {

    /** Literals only, so no look-up; IPv4-mapped IPv6 literals come back as IPv4 (see {@link #v6}). */
    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** An {@link Inet6Address} from 32 hex digits, also for the IPv4-mapped form the JDK would turn into IPv4. */
    private static InetAddress v6(String hex) throws UnknownHostException {
        return Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex), -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "0.255.255.255",
        "10.0.0.0", "10.1.2.3", "10.255.255.255",
        "100.64.0.0", "100.127.255.255",
        "127.0.0.0", "127.0.0.1", "127.255.255.255",
        "169.254.0.0", "169.254.169.254", "169.254.255.255",
        "172.16.0.0", "172.31.255.255",
        "192.0.0.0", "192.0.0.255",
        "192.168.0.0", "192.168.255.255",
        "198.18.0.0", "198.19.255.255",
        "224.0.0.0", "239.255.255.255",
        "240.0.0.0", "255.255.255.254", "255.255.255.255"})
    void forbidsIpv4InsideEachRange(String literal) throws UnknownHostException {
        assertTrue(AddressRules.isForbidden(ip(literal)), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.0.0.0", "8.8.8.8",
        "9.255.255.255", "11.0.0.0",
        "100.63.255.255", "100.128.0.0",
        "126.255.255.255", "128.0.0.0",
        "169.253.255.255", "169.255.0.0",
        "172.15.255.255", "172.32.0.0",
        "191.255.255.255", "192.0.1.0",
        "192.167.255.255", "192.169.0.0",
        "198.17.255.255", "198.20.0.0",
        "223.255.255.255",
        "192.0.2.1", "198.51.100.7", "203.0.113.10"})
    void allowsIpv4JustOutsideEachRangeAndDocumentationAddresses(String literal) throws UnknownHostException {
        assertFalse(AddressRules.isForbidden(ip(literal)), literal);
        assertNull(AddressRules.reason(ip(literal)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "::", "::1",
        "fc00::", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "64:ff9b:1::1", "2001::1", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff"})
    void forbidsIpv6InsideEachRange(String literal) throws UnknownHostException {
        assertTrue(AddressRules.isForbidden(ip(literal)), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2001:db8::1", "2001:db8:ffff::1", "2a00:1450:4001::200e",
        "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "::2:0:0:1", "64:ff9b:0:1::1", "64:ff9b:2::1", "2001:1::1", "2003::1"})
    void allowsIpv6OutsideEachRange(String literal) throws UnknownHostException {
        assertFalse(AddressRules.isForbidden(ip(literal)), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00000000000000000000ffff7f000001",  // ::ffff:127.0.0.1
        "00000000000000000000ffff0a010203",  // ::ffff:10.1.2.3
        "00000000000000000000ffffa9fea9fe",  // ::ffff:169.254.169.254
        "0000000000000000000000007f000001",  // ::127.0.0.1 (IPv4-compatible)
        "0000000000000000000000000a000001",  // ::10.0.0.1
        "0064ff9b0000000000000000a9fea9fe",  // 64:ff9b::169.254.169.254 (NAT64)
        "0064ff9b0000000000000000c0a80001",  // 64:ff9b::192.168.0.1
        "20027f00000100000000000000000000",  // 2002:7f00:1:: (6to4 of 127.0.0.1)
        "20020a01020300000000000000000001"}) // 2002:a01:203::1 (6to4 of 10.1.2.3)
    void judgesIpv6FormsByTheIpv4AddressTheyCarry(String hex) throws UnknownHostException {
        InetAddress address = v6(hex);
        assertInstanceOf(Inet6Address.class, address);
        assertTrue(AddressRules.isForbidden(address), address.getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00000000000000000000ffffcb00710a",  // ::ffff:203.0.113.10
        "000000000000000000000000cb00710a",  // ::203.0.113.10
        "0064ff9b0000000000000000cb00710a",  // 64:ff9b::203.0.113.10
        "2002cb00710a00000000000000000001"}) // 6to4 of 203.0.113.10
    void allowsIpv6FormsOfPublicIpv4Addresses(String hex) throws UnknownHostException {
        assertFalse(AddressRules.isForbidden(v6(hex)), v6(hex).getHostAddress());
    }

    @Test
    void mappedLiteralsThatTheJdkTurnsIntoIpv4AreForbiddenToo() throws UnknownHostException {
        InetAddress mapped = ip("::ffff:127.0.0.1");
        assertTrue(AddressRules.isForbidden(mapped));
        assertEquals("loopback", AddressRules.reason(mapped));
    }

    @Test
    void reasonsNameTheRangeAndTheEmbeddedAddress() throws UnknownHostException {
        assertEquals("link-local", AddressRules.reason(ip("169.254.169.254")));
        assertEquals("unique-local", AddressRules.reason(ip("fd00::1")));
        assertEquals("IPv4-mapped 10.1.2.3: private", AddressRules.reason(v6("00000000000000000000ffff0a010203")));
        assertEquals("6to4 127.0.0.1: loopback", AddressRules.reason(v6("20027f00000100000000000000000000")));
    }
}

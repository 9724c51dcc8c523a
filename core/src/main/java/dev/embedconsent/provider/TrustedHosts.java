package dev.embedconsent.provider;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Hosts whose frames are never blocked as unknown third parties: {@code video.example.org} is that host,
 * {@code *.example.org} any of its subdomains. Immutable and thread-safe; matching does not allocate.
 *
 * <pre>{@code
 * TrustedHosts trusted = TrustedHosts.parse("*.example.org, player.partner.example");
 * trusted.matches("media.example.org");   // true
 * trusted.matches("example.org");         // false: list it as well to trust the bare domain
 * }</pre>
 *
 * Patterns are lower-cased; internationalised names are turned into punycode ({@code xn--...}) as URL parsing does.
 */
public final class TrustedHosts {
    /** No trusted hosts. */
    public static final TrustedHosts NONE = new TrustedHosts(List.of());

    private final List<String> patterns;
    private final HostTable<Boolean> table;

    private TrustedHosts(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        Map<String, Boolean> map = new LinkedHashMap<>();
        patterns.forEach(p -> map.put(p, Boolean.TRUE));
        this.table = HostTable.of(map);
    }

    /**
     * The hosts in a comma- or whitespace-separated list, e.g. {@code "*.example.org, cdn.example.net"}.
     *
     * @throws IllegalArgumentException naming the first entry that is not a host pattern
     */
    public static TrustedHosts parse(String list) {
        Objects.requireNonNull(list, "list");
        List<String> patterns = new ArrayList<>();
        for (String entry : list.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                patterns.add(entry);
            }
        }
        return of(patterns);
    }

    /**
     * These host patterns.
     *
     * @throws IllegalArgumentException naming the first entry that is not a host pattern
     */
    public static TrustedHosts of(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        List<String> normalized = new ArrayList<>();
        for (String pattern : patterns) {
            normalized.add(normalize(Objects.requireNonNull(pattern, "pattern")));
        }
        return normalized.isEmpty() ? NONE : new TrustedHosts(normalized);
    }

    /** Whether {@code host} (ASCII, any case, a trailing dot ignored) is one of these hosts. */
    public boolean matches(String host) {
        int end = host.endsWith(".") ? host.length() - 1 : host.length();
        return end > 0 && table.get(host, 0, end) != null;
    }

    /** The patterns, normalized, in the order given. */
    public List<String> patterns() {
        return patterns;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedHosts other && patterns.equals(other.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", patterns);
    }

    private static String normalize(String pattern) {
        String trimmed = pattern.strip();
        boolean wildcard = trimmed.startsWith("*.");
        String host = wildcard ? trimmed.substring(2) : trimmed;
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw notAHost(pattern);
        }
        String result = wildcard ? "*." + ascii : ascii;
        if (!Provider.isUnknownHostName(ascii) || ascii.startsWith("[")) {
            throw notAHost(pattern);
        }
        return result;
    }

    private static IllegalArgumentException notAHost(String pattern) {
        return new IllegalArgumentException("trusted host \"" + pattern
                + "\" is not a host name: use a name like \"video.example.org\" or \"*.example.org\"");
    }
}

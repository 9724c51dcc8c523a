package dev.embedconsent.provider;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads the host of an attribute value the way a browser's URL parser would, without allocating on the common path.
 * Only {@code http}, {@code https} and protocol-relative ({@code //host}) URLs have a host here: relative URLs load
 * from the page's own origin, and other schemes ({@code data:}, {@code javascript:}, {@code ftp:}) never reach a
 * provider's host over HTTP, so they are not matches.
 *
 * <p>Browser leniencies honoured: leading and trailing C0 controls and spaces are ignored, tabs and newlines anywhere
 * are removed, {@code \} counts as {@code /}, any number of slashes may follow the scheme, scheme and host are
 * case-insensitive, userinfo and port are skipped, a trailing dot on the host is ignored, and percent-encoded or
 * non-ASCII hosts are mapped with IDNA.
 */
final class UrlView {

    static final long NONE = -1L;

    private UrlView() {}

    /** Whether the value holds a tab or newline, which browsers remove from URLs before parsing. */
    static boolean hasTabOrNewline(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    static String withoutTabsAndNewlines(String s, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** First index in {@code [from, to)} that is not a C0 control or space. */
    static int trimStart(String s, int from, int to) {
        while (from < to && s.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    /** End of {@code [from, to)} without trailing C0 controls and spaces. */
    static int trimEnd(String s, int from, int to) {
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        return to;
    }

    /**
     * The host range of an http(s) or protocol-relative URL in {@code s[from, to)}, packed as
     * {@code start << 32 | end}, or {@link #NONE}. The range excludes userinfo, port and a trailing dot.
     */
    static long locateHost(String s, int from, int to) {
        int i = from;
        if (i + 1 < to && isSlash(s.charAt(i)) && isSlash(s.charAt(i + 1))) {
            i += 2;
        } else {
            int j = i;
            while (j < to && isSchemeChar(s.charAt(j), j == i)) {
                j++;
            }
            if (j == i || j >= to || s.charAt(j) != ':') {
                return NONE;
            }
            int length = j - i;
            boolean http = (length == 4 && s.regionMatches(true, i, "http", 0, 4))
                    || (length == 5 && s.regionMatches(true, i, "https", 0, 5));
            if (!http) {
                return NONE;
            }
            i = j + 1;
        }
        while (i < to && isSlash(s.charAt(i))) {
            i++;
        }
        int authorityEnd = authorityEnd(s, i, to);
        int hostStart = i;
        for (int k = i; k < authorityEnd; k++) {
            if (s.charAt(k) == '@') {
                hostStart = k + 1;
            }
        }
        int hostEnd = hostStart;
        while (hostEnd < authorityEnd && s.charAt(hostEnd) != ':') {
            hostEnd++;
        }
        if (hostEnd > hostStart && s.charAt(hostEnd - 1) == '.') {
            hostEnd--;
        }
        if (hostEnd <= hostStart || s.charAt(hostStart) == '[') {
            return NONE;
        }
        return ((long) hostStart << 32) | hostEnd;
    }

    static int start(long range) {
        return (int) (range >>> 32);
    }

    static int end(long range) {
        return (int) range;
    }

    /** End of the authority that starts at {@code from}: the first {@code / \ ? #} or {@code to}. */
    static int authorityEnd(String s, int from, int to) {
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '/' || c == '\\' || c == '?' || c == '#') {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * The host {@code s[from, to)} as the browser resolves it: lower case, or {@link #mappedHost} when it holds percent
     * escapes or non-ASCII characters; {@code null} when a browser would reject it.
     */
    static @Nullable String host(String s, int from, int to) {
        return needsMapping(s, from, to) ? mappedHost(s, from, to) : s.substring(from, to).toLowerCase(Locale.ROOT);
    }

    /** Whether the host needs {@link #mappedHost}: it holds percent escapes or non-ASCII characters. */
    static boolean needsMapping(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c >= 0x80) {
                return true;
            }
        }
        return false;
    }

    /**
     * The host as a browser resolves it: percent-decoded (UTF-8), IDNA-mapped (full-width letters and dots, case) and
     * lowercased; {@code null} when a browser would reject it.
     */
    static @Nullable String mappedHost(String s, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < to) {
                    encoded = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        try {
            String ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            if (ascii.endsWith(".")) {
                ascii = ascii.substring(0, ascii.length() - 1);
            }
            return ascii.isEmpty() ? null : ascii;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The absolute {@code https} form of the URL in {@code s[.., to)} whose host ends at {@code hostEnd}: the given
     * (normalised) host, a non-default port kept, backslashes in the path turned into slashes, and a {@code /} path
     * when empty.
     */
    static String toHttps(String s, String host, int hostEnd, int to) {
        int authorityEnd = authorityEnd(s, hostEnd, to);
        StringBuilder url = new StringBuilder(16 + host.length() + (to - authorityEnd)).append("https://").append(host);
        int colon = s.indexOf(':', hostEnd);
        if (colon >= 0 && colon < authorityEnd) {
            String port = s.substring(colon + 1, authorityEnd);
            if (!port.isEmpty() && !port.equals("443") && !port.equals("80")) {
                url.append(':').append(port);
            }
        }
        if (authorityEnd == to || s.charAt(authorityEnd) == '?' || s.charAt(authorityEnd) == '#') {
            url.append('/');
        }
        // Backslashes in the path are slashes; the query and fragment are kept as they are.
        int i = authorityEnd;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '?' || c == '#') {
                break;
            }
            url.append(c == '\\' ? '/' : c);
            i++;
        }
        return url.append(s, i, to).toString();
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }

    private static boolean isSchemeChar(char c, boolean first) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return true;
        }
        return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

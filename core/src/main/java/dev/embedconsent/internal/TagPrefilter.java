package dev.embedconsent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A byte-level test the rewriter runs on a start tag's raw attribute values before it decodes them and asks the
 * provider catalogue ({@code ProviderCatalogue.match}): most tags on a page ({@code <img>} from the site's own host,
 * {@code <div>} without a widget class) cannot match, and saying so on bytes costs no allocation.
 *
 * <p>The answer is conservative: {@code false} only where the catalogue would certainly find no match, {@code true}
 * ("ask the catalogue") otherwise. It rests on two facts. A URL without a ':' and without two slashes in a row is
 * relative: it resolves against the page and has no host of its own. In any other URL, a host on a provider's list
 * ({@code youtube.com} or a subdomain of it) puts that list entry into the value, starting at a label boundary, unless
 * character references, percent-escapes or removed tabs and line breaks assemble it; those are decoded where that is
 * cheap and exact, and answer {@code true} otherwise. Web components always go to the catalogue, and frames do when
 * they carry {@code srcdoc} or a {@code data:} or {@code javascript:} URL. The rewriter does not use the prefilter on
 * a page with a {@code <base href>}, where relative URLs may resolve to a provider.
 *
 * <p>Plain data in, no provider types: the catalogue builds it from its match index (one {@link Plan} per element
 * name, every rule host, every marker class) and hands it to the rewriter, which indexes it by element id.
 *
 * <pre>{@code
 * TagPrefilter filter = new TagPrefilter(Map.of("img", new Plan(false, List.of("src"), false, false)),
 *         Set.of("*.ytimg.com"), Set.of());
 * filter.urlMayMatch(bytes, from, to); // false for "/logo.png" and "https://example.org/a.jpg"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TagPrefilter {
    private static final int BUCKETS = 256;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** What to test, by lowercase element name; elements without rules are absent. */
    private final Map<String, Plan> plans;
    /** Lowercase host-list entries (without {@code *.}), bucketed by the hash of their first label. */
    private final byte[][][] keysByFirstLabel = new byte[BUCKETS][][];
    /** Lowercase widget marker class names. */
    private final byte[][] markers;
    /** Bit {@code n} set when a marker is {@code n} bytes long (for {@code n < 64}). */
    private final long markerLengths;
    /** Whether a marker is 64 bytes or longer. */
    private final boolean longMarkers;

    /**
     * What the rewriter tests for one element.
     *
     * @param always every tag of this element goes to the catalogue
     * @param urlAttributes lowercase names of the attributes whose values {@link #urlMayMatch} tests
     * @param classMarkers whether the {@code class} attribute is tested with {@link #classMayMatch}
     * @param inlineDocuments whether the element is a frame or plugin whose document may come inline: a
     *     {@code srcdoc} attribute, or a URL attribute for which {@link #isInlineDocument} holds, goes to the catalogue
     */
    public record Plan(boolean always, List<String> urlAttributes, boolean classMarkers, boolean inlineDocuments) {
        public Plan {
            urlAttributes = List.copyOf(urlAttributes);
        }
    }

    /**
     * @param plans what to test, by lowercase element name
     * @param hostPatterns every host pattern of every URL rule ({@code *.} for subdomains)
     * @param markerClasses every widget marker class
     */
    public TagPrefilter(Map<String, Plan> plans, Set<String> hostPatterns, Set<String> markerClasses) {
        this.plans = Map.copyOf(plans);
        List<List<byte[]>> buckets = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            buckets.add(new ArrayList<>());
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String pattern : hostPatterns) {
            keys.add((pattern.startsWith("*.") ? pattern.substring(2) : pattern).toLowerCase(Locale.ROOT));
        }
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.US_ASCII);
            int end = 0;
            while (end < bytes.length && isLabelByte(bytes[end])) {
                end++;
            }
            buckets.get(labelHash(bytes, 0, end) & (BUCKETS - 1)).add(bytes);
        }
        for (int b = 0; b < BUCKETS; b++) {
            keysByFirstLabel[b] = buckets.get(b).toArray(byte[][]::new);
        }
        markers = markerClasses.stream().map(m -> m.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
                .toArray(byte[][]::new);
        long lengths = 0;
        for (byte[] marker : markers) {
            lengths |= marker.length < 64 ? 1L << marker.length : 0;
        }
        markerLengths = lengths;
        longMarkers = Arrays.stream(markers).anyMatch(m -> m.length >= 64);
    }

    /** What to test for start tags of this lowercase element name; {@code null} when no rule names it. */
    public @Nullable Plan plan(String element) {
        return plans.get(element);
    }

    /**
     * Whether the raw (undecoded) attribute value {@code b[from, to)} may hold a URL on a provider's host; {@code false}
     * is certain.
     *
     * <p>The value is read as runs of label bytes (letters, digits, {@code -}, {@code _}) between delimiters, and a
     * host-list entry must start at the beginning of a run. What a browser would decode is handled where it is cheap
     * to be exact: {@code &amp;}, and numeric references and percent-escapes of bytes that cannot be part of a host
     * name, are delimiters; tabs and line breaks, which URL parsing removes, are delimiters unless they join host
     * bytes. Everything else that decoding could turn into part of a host name answers {@code true}.
     */
    public boolean urlMayMatch(byte[] b, int from, int to) {
        if (!mayHaveHost(b, from, to)) {
            return false;
        }
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (isLabelByte(c)) {
                int start = i;
                int h = 0;
                while (i < to && isLabelByte(b[i])) {
                    h = h * 31 + lower(b[i]);
                    i++;
                }
                for (byte[] key : keysByFirstLabel[h & (BUCKETS - 1)]) {
                    if (startsWithIgnoreCase(b, start, to, key)) {
                        return true;
                    }
                }
                continue;
            }
            if (c == '&') {
                int next = skipHarmlessReference(b, i, to);
                if (next < 0) {
                    return true;
                }
                i = next;
            } else if (c == '%') {
                if (i + 2 < to && Character.digit(b[i + 1], 16) >= 0 && Character.digit(b[i + 2], 16) >= 0) {
                    if (mayBeHostByte(Character.digit(b[i + 1], 16) * 16 + Character.digit(b[i + 2], 16))) {
                        return true;
                    }
                    i += 3;
                } else {
                    // A '%' that starts no escape stays as it is, and no host name holds one.
                    i++;
                }
            } else if (c == '\t' || c == '\n' || c == '\r') {
                int end = i;
                while (end < to && (b[end] == '\t' || b[end] == '\n' || b[end] == '\r')) {
                    end++;
                }
                // URL parsing removes them, joining what is on either side.
                if (i > from && end < to && joinsHost(b[i - 1]) && joinsHost(b[end])) {
                    return true;
                }
                i = end;
            } else if (c < 0 || c == 0 || c == 0x1B) {
                // Non-ASCII (decoded and IDNA-mapped in a host), NUL, ESC (ISO-2022-JP shifts): the catalogue decides.
                return true;
            } else {
                i++;
            }
        }
        return false;
    }

    /**
     * Whether the raw value may hold an absolute or scheme-relative URL, the only kind with a host of its own: one
     * with a ':' or two slashes in a row (a backslash counts as {@code /}, and tabs and line breaks between them are
     * removed by URL parsing), or a character reference that could decode to either. Everything else resolves
     * against the page.
     */
    private static boolean mayHaveHost(byte[] b, int from, int to) {
        // Eight bytes at a time through the common case, a relative URL: no ':', '&' or '\\', no tab, line break or
        // other control character below 0x0E, and no two slashes in a row (across words too). A word with any of
        // these (or, rarely, a false alarm) hands the whole value to the exact loop.
        int i = from;
        long slashBefore = 0;
        for (; i <= to - 8; i += 8) {
            long word = (long) LONGS.get(b, i);
            long slashes = zeroBytes(word ^ (ONES * '/')) & HIGHS;
            long others = zeroBytes(word ^ (ONES * ':')) | zeroBytes(word ^ (ONES * '&'))
                    | zeroBytes(word ^ (ONES * '\\')) | ((word - ONES * 0x0E) & ~word);
            if (((others & HIGHS) | (slashes & (slashes << 8 | slashBefore))) != 0) {
                return mayHaveHostExactly(b, from, to);
            }
            slashBefore = slashes >>> 56;
        }
        // The rest: byte i - 1 is read again, so that a slash there pairs with one at i.
        return mayHaveHostExactly(b, Math.max(from, i - 1), to);
    }

    private static boolean mayHaveHostExactly(byte[] b, int from, int to) {
        boolean slash = false;
        for (int i = from; i < to; i++) {
            switch (b[i]) {
                case ':', '&':
                    return true;
                case '/', '\\':
                    if (slash) {
                        return true;
                    }
                    slash = true;
                    break;
                case '\t', '\n', '\r':
                    break;
                default:
                    slash = false;
            }
        }
        return false;
    }

    /**
     * Whether a URL attribute's raw value is a {@code data:} or {@code javascript:} URL, whose document a frame loads
     * inline (and which the catalogue searches for provider URLs). Leading whitespace and C0
     * controls are skipped as URL parsing does; a character reference, tab or line break in the scheme answers
     * {@code true}.
     */
    public static boolean isInlineDocument(byte[] b, int from, int to) {
        int i = from;
        while (i < to && (b[i] & 0xFF) <= ' ') {
            i++;
        }
        for (int k = i; k < to && k < i + JAVASCRIPT.length; k++) {
            if (b[k] == '&' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
                return true;
            }
        }
        return startsWithIgnoreCase(b, i, to, DATA) || startsWithIgnoreCase(b, i, to, JAVASCRIPT);
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] JAVASCRIPT = {'j', 'a', 'v', 'a', 's', 'c', 'r', 'i', 'p', 't', ':'};

    /**
     * For the {@code &} at {@code b[at]}: the index after the character reference when what it decodes to cannot be
     * part of a host name ({@code &amp;}, or a numeric reference to such a character), else -1.
     */
    private static int skipHarmlessReference(byte[] b, int at, int to) {
        int i = at + 1;
        if (i + 4 <= to && b[i + 3] == ';' && ((b[i] == 'a' && b[i + 1] == 'm' && b[i + 2] == 'p')
                || (b[i] == 'A' && b[i + 1] == 'M' && b[i + 2] == 'P'))) {
            // &amp; and &AMP; (named references are case-sensitive; both of these exist).
            return i + 4;
        }
        if (i >= to || b[i] != '#') {
            return -1;
        }
        i++;
        boolean hexadecimal = i < to && (b[i] == 'x' || b[i] == 'X');
        if (hexadecimal) {
            i++;
        }
        int digitsStart = i;
        int value = 0;
        while (i < to && digit(b[i], hexadecimal) >= 0) {
            if (i - digitsStart == 6) {
                return -1;
            }
            value = value * (hexadecimal ? 16 : 10) + digit(b[i], hexadecimal);
            i++;
        }
        if (i == digitsStart) {
            return -1;
        }
        // Non-ASCII, NUL (U+FFFD), tab and line breaks (removed by URL parsing) and '%' (an escape after decoding)
        // may all end up in a host name.
        if (mayBeHostByte(value) || value == 0 || value == '\t' || value == '\n' || value == '\r' || value == '%') {
            return -1;
        }
        return i < to && b[i] == ';' ? i + 1 : i;
    }

    /** The digit's value, or -1; a negative (non-ASCII) byte is no digit. */
    private static int digit(byte c, boolean hexadecimal) {
        return Character.digit(c, hexadecimal ? 16 : 10);
    }

    /** A decoded character that could be part of a host name: a label byte, a dot, or anything non-ASCII. */
    private static boolean mayBeHostByte(int c) {
        return c >= 0x80 || c == '.' || isLabelByte((byte) c);
    }

    /** Bytes that, joined across removed tabs or line breaks, can continue a host name. */
    private static boolean joinsHost(byte c) {
        return c < 0 || c == '.' || c == '%' || c == '&' || isLabelByte(c);
    }

    /** Whether the raw {@code class} value {@code b[from, to)} may hold a widget marker; {@code false} is certain. */
    public boolean classMayMatch(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            while (i < to && isWhitespace(b[i])) {
                i++;
            }
            int start = i;
            while (i < to && !isWhitespace(b[i])) {
                if (b[i] < 0 || b[i] == '&' || b[i] == 0) {
                    // Decoded, or compared with Unicode case folding: the catalogue decides.
                    return true;
                }
                i++;
            }
            int length = i - start;
            if (length >= 64 ? longMarkers : (markerLengths & (1L << length)) != 0) {
                for (byte[] marker : markers) {
                    if (marker.length == length && startsWithIgnoreCase(b, start, i, marker)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The high bit of each zero byte of {@code x}, and maybe of bytes above the first; see {@link #mayHaveHost}. */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int from, int to, byte[] key) {
        if (to - from < key.length) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            if (lower(b[from + k]) != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static int labelHash(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = h * 31 + lower(b[i]);
        }
        return h;
    }

    private static boolean isLabelByte(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }
}

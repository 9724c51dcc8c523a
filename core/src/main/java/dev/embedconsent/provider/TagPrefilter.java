package dev.embedconsent.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A byte-level test the rewriter runs on a start tag's raw attribute values before it decodes them and asks
 * {@link ProviderCatalogue#match}: most tags on a page ({@code <img>} from the site's own host, {@code <div>} without
 * a widget class) cannot match, and saying so on bytes costs no allocation.
 *
 * <p>The answer is conservative: {@code false} only where {@link ProviderCatalogue#match} would certainly return
 * {@code null}, {@code true} ("ask the catalogue") otherwise. It rests on one fact: where a URL's value is plain ASCII
 * without character references, percent-escapes, tabs or line breaks, its host is a substring of the value, so a host
 * on a provider's list ({@code youtube.com} or a subdomain of it) puts that list entry into the value, starting at a
 * label boundary. Anything else, and every element whose match does not depend on the attribute values alone (frames
 * with inline documents, web components), is passed on.
 *
 * <p>Used by the rewriter; obtained from {@link ProviderCatalogue#prefilter()}. Immutable and thread-safe.
 */
public final class TagPrefilter {
    private static final int BUCKETS = 256;

    /** Per element: the attributes to test, or {@code null} when every tag of the element goes to the catalogue. */
    private final java.util.Map<String, Plan> plans;
    /** Lowercase host-list entries (without {@code *.}), bucketed by the hash of their first label. */
    private final byte[][][] keysByFirstLabel = new byte[BUCKETS][][];
    /** Lowercase widget marker class names. */
    private final byte[][] markers;

    /**
     * What the rewriter tests for one element.
     *
     * @param always every tag of this element goes to the catalogue
     * @param urlAttributes lowercase names of the attributes whose values {@link #urlMayMatch} tests
     * @param classMarkers whether the {@code class} attribute is tested with {@link #classMayMatch}
     */
    public record Plan(boolean always, List<String> urlAttributes, boolean classMarkers) {
        public Plan {
            urlAttributes = List.copyOf(urlAttributes);
        }
    }

    TagPrefilter(java.util.Map<String, Plan> plans, Set<String> hostPatterns, Set<String> markerClasses) {
        this.plans = java.util.Map.copyOf(plans);
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
    }

    /** What to test for start tags of this lowercase element name; {@code null} when no rule names it. */
    public Plan plan(String element) {
        return plans.get(element);
    }

    /**
     * Whether the raw (undecoded) attribute value {@code b[from, to)} may hold a URL on a provider's host; {@code false}
     * is certain.
     */
    public boolean urlMayMatch(byte[] b, int from, int to) {
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
            if (mayChangeHost(c)) {
                return true;
            }
            i++;
        }
        return false;
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
            for (byte[] marker : markers) {
                if (marker.length == i - start && startsWithIgnoreCase(b, start, i, marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Bytes after which the host is not a plain substring of the value: a character reference, a percent-escape, a
     * tab or line break (removed by URL parsing), a non-ASCII byte (decoded and IDNA-mapped), ESC (ISO-2022-JP).
     */
    private static boolean mayChangeHost(byte c) {
        return c < 0 || c == '&' || c == '%' || c == '\t' || c == '\n' || c == '\r' || c == 0x1B || c == 0;
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

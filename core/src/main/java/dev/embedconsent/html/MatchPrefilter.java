package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.internal.TagPrefilter;
import java.nio.charset.StandardCharsets;

/**
 * The catalogue's {@link TagPrefilter} ({@code ProviderCatalogue.prefilter()}) indexed by element id: tells, from a
 * start tag's raw bytes and the tokenizer's attribute spans, whether the tag can match at all, before any value is
 * decoded. Shared by all sessions of an {@link EmbedRewriter}.
 */
final class MatchPrefilter {
    private final TagPrefilter filter;
    private final boolean[] always;
    private final byte[][][] urlAttributes;
    private final boolean[] classMarkers;
    private final boolean[] inlineDocuments;
    /**
     * By element id, bit {@code n} set when an attribute name the element's test looks at ({@link #urlAttributes},
     * {@code class}, {@code srcdoc}) is {@code n} bytes long: most attributes ({@code alt}, {@code width},
     * {@code loading}) are passed over on their length alone. -1 (every length) when a name is 64 bytes or longer.
     */
    private final long[] testedNameLengths;
    private static final byte[] CLASS = {'c', 'l', 'a', 's', 's'};
    private static final byte[] SRCDOC = {'s', 'r', 'c', 'd', 'o', 'c'};

    MatchPrefilter(TagPrefilter filter, ElementNames names) {
        this.filter = filter;
        int n = names.size();
        always = new boolean[n];
        urlAttributes = new byte[n][][];
        classMarkers = new boolean[n];
        inlineDocuments = new boolean[n];
        testedNameLengths = new long[n];
        for (int id = 1; id < n; id++) {
            // In HTML content the tree builder turns <image> into an img, and the catalogue is asked about "img".
            String element = names.name(id).equals("image") ? "img" : names.name(id);
            TagPrefilter.Plan plan = filter.plan(element);
            if (plan == null) {
                // No rule names it (an element added with candidateElements): the catalogue decides.
                always[id] = true;
                urlAttributes[id] = new byte[0][];
                continue;
            }
            always[id] = plan.always();
            urlAttributes[id] = plan.urlAttributes().stream()
                    .map(a -> a.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
            classMarkers[id] = plan.classMarkers();
            inlineDocuments[id] = plan.inlineDocuments();
            long lengths = (classMarkers[id] ? 1L << CLASS.length : 0)
                    | (inlineDocuments[id] ? 1L << SRCDOC.length : 0);
            for (byte[] url : urlAttributes[id]) {
                if (url.length >= 64) {
                    lengths = -1;
                    break;
                }
                lengths |= 1L << url.length;
            }
            testedNameLengths[id] = lengths;
        }
        urlAttributes[ElementNames.OTHER] = new byte[0][];
        always[ElementNames.OTHER] = true;
    }

    /**
     * Whether the start tag the tokenizer just reported, whose {@code <} is {@code b[tagStart]}, may match in HTML
     * content; {@code false} is certain.
     */
    boolean mayMatch(int id, byte[] b, int tagStart, HtmlTokenizer t) {
        if (always[id]) {
            return true;
        }
        byte[][] urls = urlAttributes[id];
        boolean markers = classMarkers[id];
        boolean inline = inlineDocuments[id];
        long lengths = testedNameLengths[id];
        for (int k = 0, n = t.attributeCount(); k < n; k++) {
            int nameStart = tagStart + t.attributeNameStart(k);
            int nameEnd = tagStart + t.attributeNameEnd(k);
            int length = nameEnd - nameStart;
            if (length >= 64 ? lengths != -1 : (lengths & (1L << length)) == 0) {
                continue;
            }
            if (inline && nameIs(b, nameStart, nameEnd, SRCDOC)) {
                return true;
            }
            int valueStart = t.attributeValueStart(k);
            if (valueStart < 0) {
                continue;
            }
            int from = tagStart + valueStart;
            int to = tagStart + t.attributeValueEnd(k);
            if (markers && nameIs(b, nameStart, nameEnd, CLASS)) {
                if (filter.classMayMatch(b, from, to)) {
                    return true;
                }
                continue;
            }
            for (byte[] url : urls) {
                if (nameIs(b, nameStart, nameEnd, url)) {
                    if (filter.urlMayMatch(b, from, to) || (inline && TagPrefilter.isInlineDocument(b, from, to))) {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    /** ASCII case-insensitive; {@code expected} is lowercase ASCII. */
    private static boolean nameIs(byte[] b, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != expected[i]) {
                return false;
            }
        }
        return true;
    }
}

package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The html5lib tree-construction corpus through the rewriter: documents without embeds come out byte-identical, and a
 * YouTube iframe injected at many positions never loads from YouTube in the output wherever it would have loaded in
 * the input, as an independent HTML5 parser (jsoup) sees it. The one exception to byte identity: where a noscript's
 * content leaves a browser without scripting inside a comment, tag or text element at the {@code </noscript>} that
 * ends it for browsers with scripting ({@code <noscript><!--</noscript>X}), the rewriter closes it right there, so that
 * both read what follows alike; the corpus tests exactly this in a few documents.
 */
class TreeConstructionCorpusTest {
    static final String IFRAME = "<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" title=\"t\"></iframe>";
    private static final PageContext UTF8 = new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null);

    private List<String> documents;

    @BeforeEach
    void corpus() {
        SharedTestData.requireHtml5lib(Html5libCorpus.SUITE);
        documents = Html5libCorpus.documents();
    }

    @Test
    void everyDocumentComesOutByteIdentical() {
        Random random = new Random(7);
        List<String> changed = new ArrayList<>();
        int noscriptsClosed = 0;
        for (String doc : documents) {
            byte[] in = doc.getBytes(StandardCharsets.UTF_8);
            Rewrites.Recorder recorder = new Rewrites.Recorder();
            byte[] whole = Rewrites.rewrite(Rewrites.DEFAULT, in, UTF8, null, recorder);
            byte[] chunked = Rewrites.rewrite(Rewrites.DEFAULT, in, UTF8, random);
            if (!java.util.Arrays.equals(whole, chunked)) {
                changed.add(doc);
            } else if (!java.util.Arrays.equals(in, whole)) {
                if (onlyNoscriptsClosed(in, whole, recorder)) {
                    noscriptsClosed++;
                } else {
                    changed.add(doc);
                }
            }
        }
        System.out.printf("tree-construction corpus: %d documents, %d byte-identical, %d with a noscript closed%n",
                documents.size(), documents.size() - changed.size() - noscriptsClosed, noscriptsClosed);
        assertTrue(documents.size() > 1000, "corpus too small: " + documents.size());
        assertEquals(List.of(), changed);
        assertTrue(noscriptsClosed > 0 && noscriptsClosed < 20, "noscripts closed in " + noscriptsClosed);
    }

    /** Whether {@code out} is {@code in} with nothing but closers inserted, each right before a {@code </noscript}. */
    private static boolean onlyNoscriptsClosed(byte[] in, byte[] out, Rewrites.Recorder recorder) {
        String text = new String(out, StandardCharsets.ISO_8859_1);
        StringBuilder without = new StringBuilder();
        int from = 0;
        for (int k = 0; k < recorder.insertions.size(); k++) {
            String closer = recorder.insertions.get(k);
            int at = recorder.insertedAt.get(k);
            if (!closer.matches("(-->|>|\">|'>|]]>)?( </[a-z]+>)*")
                    || !text.startsWith("</noscript", at + closer.length())) {
                return false;
            }
            without.append(text, from, at);
            from = at + closer.length();
        }
        without.append(text, from, text.length());
        return without.toString().equals(new String(in, StandardCharsets.ISO_8859_1));
    }

    @Test
    void injectedIframeNeverLoadsFromYouTube() {
        int positions = 0;
        int loadingInInput = 0;
        List<String> leaks = new ArrayList<>();
        List<String> jsoupDeviations = new ArrayList<>();
        for (String doc : documents) {
            int stride = Math.max(1, doc.length() / 150);
            for (int at = 0; at <= doc.length(); at += stride) {
                if (at > 0 && at < doc.length() && Character.isLowSurrogate(doc.charAt(at))) {
                    continue;
                }
                String input = doc.substring(0, at) + IFRAME + doc.substring(at);
                positions++;
                if (!loadsFromYouTube(Jsoup.parse(input))) {
                    continue;
                }
                loadingInInput++;
                String output = new String(Rewrites.rewrite(Rewrites.DEFAULT, input.getBytes(StandardCharsets.UTF_8),
                        UTF8, null), StandardCharsets.UTF_8);
                if (!loadsFromYouTube(Jsoup.parse(output))) {
                    continue;
                }
                if (jsoupPutsPlaintextInHeadNoscript(input)) {
                    // jsoup keeps <plaintext> inside a <noscript> in <head> and parses what follows as markup;
                    // browsers (and the spec) pop the noscript and head first and read the rest as plain text
                    // (scripting off), or read it all as the noscript's raw text (scripting on): nothing loads.
                    jsoupDeviations.add(input);
                } else {
                    leaks.add(input);
                }
            }
        }
        System.out.printf("tree-construction injection: %d documents, %d positions, %d where the input loads from "
                + "YouTube, %d where the output still does; of those, %d are jsoup deviations (<plaintext> kept inside a "
                + "<noscript> in <head>, where browsers load nothing): %s%n", documents.size(), positions, loadingInInput, leaks.size(),
                jsoupDeviations.size(), jsoupDeviations);
        assertTrue(jsoupDeviations.size() < 10, "unexpectedly many jsoup deviations: " + jsoupDeviations);
        assertTrue(loadingInInput > positions / 4, "too few loading positions: " + loadingInInput);
        assertEquals(List.of(), leaks.subList(0, Math.min(20, leaks.size())), leaks.size() + " leaks");
    }

    private static boolean jsoupPutsPlaintextInHeadNoscript(String input) {
        return !Jsoup.parse(input).select("head noscript plaintext").isEmpty();
    }

    static boolean loadsFromYouTube(Document doc) {
        return Loads.from(doc, "youtube.com");
    }
}

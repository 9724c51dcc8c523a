package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the byte rewriter (Jazzer). Seeds in {@code RewriterChunkingFuzzTestInputs/}; a plain
 * test run replays them, {@code JAZZER_FUZZ=1} fuzzes. The page comes from the fuzzer, a YouTube frame is injected at a
 * position it picks (or not), and it is rewritten with the default and with tiny limits. Properties, as in
 * {@link RewriterFuzzTest}: the output does not depend on how the page is chunked; every input byte is copied in order
 * or replaced by a placeholder that keeps it, and the rest are the rewriter's own known insertions. On top: a page
 * with nothing that could name another host ({@code :}, {@code //}, {@code \}, {@code &}) comes out byte-identical
 * unless it holds widget markers the catalogue claims by their class alone ({@code blockquote.twitter-tweet}, found
 * once the fuzzer had deleted the URLs of such a blockquote, {@code crash-3f2c130d...});
 * where jsoup says the input loads from YouTube, the output does not; and the output never loads from YouTube where
 * the input did not. {@link Loads} counts any {@code //youtube.com} inside a URL, also in a relative one such as
 * {@code src=XYps://www.youtube.com/...} that a browser resolves against the page (the fuzzer's first finding, kept
 * as {@code crash-595ef0b5...}) and a {@code <param>} outside any {@code <object>}; a remaining load is a leak only if {@link BrowserUrls}, which reads the URL as
 * browsers do, agrees.
 */
@Tag("fuzz")
class RewriterChunkingFuzzTest {
    private static final EmbedRewriter TINY = EmbedRewriter.builder().maxTagBytes(1024).maxCandidateBytes(1024).build();
    private static final String ASSETS = PlaceholderRenderer.defaults().assets(null);
    private static final byte[] IFRAME = TreeConstructionCorpusTest.IFRAME.getBytes(StandardCharsets.UTF_8);

    /** The page with the YouTube frame injected at {@code inject} (at most at the end), or the page if negative. */
    private static byte[] inject(byte[] page, int inject) {
        if (inject < 0) {
            return page;
        }
        int at = Math.min(inject, page.length);
        byte[] input = new byte[page.length + IFRAME.length];
        System.arraycopy(page, 0, input, 0, at);
        System.arraycopy(IFRAME, 0, input, at, IFRAME.length);
        System.arraycopy(page, at, input, at + IFRAME.length, page.length - at);
        return input;
    }

    /**
     * The page, as UTF-8 text, that the target rewrites for one of its kept inputs (for tests that have a browser judge
     * it). The values the target takes come off the end of the input, as Jazzer's {@code FuzzedDataProvider} takes
     * them (LLVM's rules: a boolean is the low bit of one byte, an integer in a range is built from as many bytes as the
     * range needs, last byte first, then taken modulo the range), and the rest is the page.
     */
    static String replayedInput(String name) throws java.io.IOException {
        byte[] data;
        try (var in = RewriterChunkingFuzzTest.class.getResourceAsStream("RewriterChunkingFuzzTestInputs/"
                + "rewritingKeepsBytesIgnoresChunkingAndLeavesNothingLoading/" + name)) {
            data = java.util.Objects.requireNonNull(in, name).readAllBytes();
        }
        return replayedInput(data);
    }

    /** {@link #replayedInput(String)} for the bytes of an input. */
    static String replayedInput(byte[] data) {
        int end = data.length;
        end -= Math.min(2, end); // two booleans
        long range = (1 << 16) + 1;
        long value = 0;
        for (int bits = 0; bits < 32 && (range >>> bits) > 0 && end > 0; bits += 8) {
            value = (value << 8) | (data[--end] & 0xFF);
        }
        int inject = (int) (-1 + value % (range + 1));
        end -= Math.min(8, end); // the chunking seed
        byte[] page = java.util.Arrays.copyOf(data, end);
        if (page.length >= 2 && (page[0] & 0xFF) >= 0xFE && (page[1] & 0xFF) >= 0xFE) {
            page[0] = ' ';
        }
        return new String(inject(page, inject), StandardCharsets.UTF_8);
    }

    @FuzzTest(maxDuration = "15s")
    void rewritingKeepsBytesIgnoresChunkingAndLeavesNothingLoading(FuzzedDataProvider data) {
        boolean tiny = data.consumeBoolean();
        boolean utf8 = data.consumeBoolean();
        int inject = data.consumeInt(-1, 1 << 16);
        long chunkSeed = data.consumeLong();
        byte[] page = data.consumeRemainingAsBytes();
        if (page.length >= 2 && (page[0] & 0xFF) >= 0xFE && (page[1] & 0xFF) >= 0xFE) {
            // A UTF-16 byte order mark sends the page down the transcoding path, which the recorder does not observe.
            page[0] = ' ';
        }
        byte[] input = inject(page, inject);
        PageContext context = utf8 ? new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE,
                null) : PageContext.defaults();
        EmbedRewriter rewriter = tiny ? TINY : Rewrites.DEFAULT;

        RewriterFuzzTest.check(rewriter, input, context, chunkSeed, 0, ASSETS);

        List<FoundEmbed> found = new ArrayList<>();
        PageContext collecting = new PageContext(utf8 ? StandardCharsets.UTF_8 : null, null, Set.of(), "/",
                found::add, null);
        byte[] output = Rewrites.rewrite(rewriter, input, collecting, null);
        String latin = new String(input, StandardCharsets.ISO_8859_1);
        if (inject < 0 && latin.indexOf(':') < 0 && latin.indexOf('\\') < 0 && latin.indexOf('&') < 0
                && !latin.contains("//")) {
            // Only widget markers the catalogue claims by their class alone (blockquote.twitter-tweet) may be found.
            assertTrue(found.stream().allMatch(e -> e.url().startsWith(e.element() + ".")),
                    () -> "an embed found in a page naming no other host: " + found + " in " + latin);
            if (found.isEmpty()) {
                // Where the rewriter cannot tell how foreign content ends, it makes common ground before a start tag
                // or closes a CDATA section at once (TreeBuilderSimulator); where a noscript's content leaves a
                // browser without scripting inside a token or text element at the </noscript> that ends it for us,
                // it is closed there (ByteRewriter), since an embed may follow. Nothing else may change.
                Rewrites.Recorder recorder = new Rewrites.Recorder();
                Rewrites.rewrite(rewriter, input, context, null, recorder);
                String copied = new String(recorder.input.toByteArray(), StandardCharsets.ISO_8859_1);
                for (int k = 0; k < recorder.insertions.size(); k++) {
                    String insertion = recorder.insertions.get(k);
                    int at = recorder.insertedAtInput.get(k);
                    boolean atNoscriptEnd = copied.regionMatches(true, at, "</noscript", 0, 10);
                    assertTrue(insertion.equals(TreeBuilderSimulator.COMMON_GROUND) || insertion.equals("]]>")
                            || atNoscriptEnd, () -> "a page naming no other host was changed (" + insertion + " at "
                            + at + "): " + latin);
                }
            }
        }
        String html = new String(input, StandardCharsets.UTF_8);
        String out = new String(output, StandardCharsets.UTF_8);
        Document before = Jsoup.parse(html);
        Document after = Jsoup.parse(out);
        boolean loadedBefore = Loads.from(before, "youtube.com");
        Rewrites.Recorder recorder = new Rewrites.Recorder();
        Rewrites.rewrite(rewriter, input, context, null, recorder);
        if (recorder.insertions.contains(TreeBuilderSimulator.COMMON_GROUND)) {
            // Where the rewriter made common ground in malformed foreign content, jsoup is no judge: it does not read
            // such content as browsers do (crash-db8eff94...), nor a <plaintext> in a <noscript> (crash-ef4dd2b9...).
            // ParserEdgeCasesBrowserIT has Chromium judge such pages; the properties above still hold for them.
            return;
        }
        if (after.select("body").stream().anyMatch(b -> b.parent() == null || !b.parent().normalName().equals("html"))) {
            // jsoup makes a second <body> tag an element of its own (inside a body, or a noscript in the head) where
            // browsers add its attributes to the one body, child of html, and its </body> then closes that element out
            // of an open template (crash-33ca1a77..., crash-5826cc16...: a template that holds an embed up to the end
            // of the page). ParserEdgeCasesBrowserIT has Chromium judge these pages.
            return;
        }
        // Both verdicts below count a load only where BrowserUrls agrees, so its loads are the ones that matter.
        List<org.jsoup.nodes.Element> remaining = BrowserUrls.loading(after, "youtube.com");
        if (!remaining.isEmpty() && remaining.stream()
                .allMatch(e -> e.parents().stream().anyMatch(p -> p.normalName().equals("noscript")))) {
            // jsoup parses as a browser without scripting, but not always as Chromium then: it keeps elements that
            // close a noscript in the head inside it, lets such a noscript's content close an open template
            // (crash-1f732406...: a frame held in a placeholder up to the end of the page, which Chromium loads
            // neither with scripting nor without) and reads an <svg> in a noscript as an HTML element (crash-e7e6ef35...).
            // Where every remaining load is inside a noscript by jsoup's tree, ParserEdgeCasesBrowserIT has Chromium
            // judge, with scripting on and off.
            return;
        }
        if (loadedBefore && before.select("head noscript plaintext").isEmpty()) {
            // (jsoup keeps <plaintext> inside a <noscript> in <head>, where browsers load nothing; see
            // TreeConstructionCorpusTest)
            assertFalse(Loads.from(after, "youtube.com") && BrowserUrls.loadsFrom(after, "youtube.com"),
                    () -> "still loads from YouTube:\n" + html + "\n->\n" + out);
        }
        if (!loadedBefore) {
            // As above, a load counts when the browser-like URL reading agrees (crash-e6f5a2c2...: a frame whose src is
            // "h" and broken UTF-8 before "//www.youtube.com", a relative URL to a browser).
            assertFalse(Loads.from(after, "youtube.com") && BrowserUrls.loadsFrom(after, "youtube.com"),
                    () -> "loads from YouTube only after rewriting:\n" + html + "\n->\n" + out);
        }
    }
}

package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.placeholder.PreviewSource;
import dev.embedconsent.provider.ProviderCatalogue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rewrite cache must never give a visitor other bytes than a rewrite of the same page would: replayed pages,
 * pages that changed somewhere after a replay started (the rewrite taking over drops what was sent), other consent,
 * other preview answers. Every expectation is a fresh rewrite of the same bytes with the same context.
 */
class RewriteMemoTest {
    private static final Path FIXTURES = Path.of("..", "core", "src", "test", "resources");
    private static final long SEED = Long.getLong("embedconsent.memo.seed", System.nanoTime());

    private final ProviderCatalogue catalogue = ProviderCatalogue.builder().addBuiltIns().build();
    private final Map<String, @Nullable Preview> answers = new ConcurrentHashMap<>();
    private final AtomicInteger previewCalls = new AtomicInteger();
    private final PreviewSource source = (provider, url) -> {
        previewCalls.incrementAndGet();
        return answers.getOrDefault(provider.id(), new Preview("/embed-consent/preview/" + provider.id() + "/still",
                null));
    };
    private final PinnablePreviews pinnable = new PinnablePreviews(source);
    private final EmbedRewriter rewriter = rewriter(pinnable);
    /** The same rewriter without the pinning wrapper, for the expectations. */
    private final EmbedRewriter plain = rewriter(source);

    private EmbedRewriter rewriter(PreviewSource previews) {
        return EmbedRewriter.builder().catalogue(catalogue)
                .placeholders(PlaceholderRenderer.builder().basePath("/embed-consent").previews(previews).build())
                .blockUnknownFrames(true).build();
    }

    @Test
    void aPageServedAgainIsReplayedByteForByteInAnyChunks() throws IOException {
        Random random = new Random(SEED);
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        List<byte[]> pages = pages();
        assertTrue(pages.size() > 300, "the fixtures are there: " + pages.size());
        int n = 0;
        for (byte[] page : pages) {
            PageContext context = context("/page/" + n++, random.nextBoolean() ? StandardCharsets.UTF_8 : null,
                    Set.of());
            byte[] expected = rewrite(plain, page, context);
            for (int time = 0; time < 4; time++) {
                assertArrayEquals(expected, feed(memo, page, context, random), "page " + n + ", time " + time
                        + " (seed " + SEED + ")");
            }
        }
        // each page: rewritten, recorded, then replayed twice
        assertEquals(2L * pages.size(), memo.replays(), memo.describe());
        assertEquals(pages.size(), memo.recorded(), memo.describe());
        assertEquals(0, memo.changed(), memo.describe());
    }

    /**
     * The heart of it: a replay sends the kept output as far as the input matched; when the page then differs, the
     * rewrite that takes over must come out at exactly the same bytes as a rewrite of the changed page.
     */
    @Test
    void aPageThatDiffersAfterTheReplayStartedComesOutAsItsOwnRewrite() throws IOException {
        Random random = new Random(SEED);
        List<byte[]> pages = pages();
        int trials = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] page = pages.get(random.nextInt(pages.size()));
            RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
            PageContext context = context("/changing", random.nextBoolean() ? StandardCharsets.UTF_8 : null,
                    Set.of());
            feed(memo, page, context, random);
            feed(memo, page, context, random); // recorded
            byte[] changed = change(page, random);
            byte[] expected = rewrite(plain, changed, context);
            assertArrayEquals(expected, feed(memo, changed, context, random), "trial " + i + " (seed " + SEED
                    + "): " + new String(changed, StandardCharsets.ISO_8859_1));
            assertEquals(1, memo.replays(), memo.describe());
            assertEquals(java.util.Arrays.equals(page, changed) ? 0 : 1, memo.changed(), memo.describe());
            trials++;
        }
        assertEquals(1500, trials);
    }

    @Test
    void aReplayIsOnlyForTheConsentTheRewriteWasMadeFor() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        Random random = new Random(SEED);
        for (Set<String> consent : List.of(Set.<String>of(), Set.of("youtube"), Set.of("youtube", "vimeo"))) {
            byte[] expected = rewrite(plain, page, context("/article", StandardCharsets.UTF_8, consent));
            for (int time = 0; time < 3; time++) {
                assertArrayEquals(expected, feed(memo, page, context("/article", StandardCharsets.UTF_8, consent),
                        random), consent + ", time " + time);
            }
        }
        // the other visitors' replays: each consent set replays its own rewrite
        for (Set<String> consent : List.of(Set.of("youtube"), Set.<String>of(), Set.of("youtube", "vimeo"))) {
            byte[] expected = rewrite(plain, page, context("/article", StandardCharsets.UTF_8, consent));
            assertArrayEquals(expected, feed(memo, page, context("/article", StandardCharsets.UTF_8, consent),
                    random), consent.toString());
        }
        assertTrue(memo.replays() >= 3, memo.describe());
    }

    @Test
    void aPageWithoutEmbedsIsReplayedWithoutAskingForTheVisitorsConsent() throws IOException {
        byte[] page = ("<!doctype html><html lang=en><title>t</title><main>"
                + "<p>Text, <a href=/x>a link</a> and <img src=/a.png alt=''>.</p>".repeat(400) + "</main>")
                .getBytes(StandardCharsets.UTF_8);
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        AtomicInteger asked = new AtomicInteger();
        Random random = new Random(SEED);
        for (int time = 0; time < 5; time++) {
            PageContext context = new PageContext(StandardCharsets.UTF_8, null, PageContext.lazyConsent(() -> {
                asked.incrementAndGet();
                return Set.of("youtube");
            }), "/plain", EmbedListener.NONE, null, "localhost");
            assertArrayEquals(page, feed(memo, page, context, random));
        }
        assertEquals(0, asked.get());
        assertEquals(3, memo.replays(), memo.describe());
    }

    @Test
    void aPreviewThatAnswersOtherwiseNowEndsTheReplay() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        Random random = new Random(SEED);
        PageContext context = context("/article", StandardCharsets.UTF_8, Set.of());
        feed(memo, page, context, random);
        feed(memo, page, context, random);
        int before = previewCalls.get();
        feed(memo, page, context, random);
        assertEquals(1, memo.replays());
        assertTrue(previewCalls.get() > before, "a replay asks the proxy as a rewrite would, so fetches start");

        // as a re-fetched still of a new version gets another signed address
        answers.put("youtube", new Preview("/embed-consent/preview/youtube/another-still", null));
        byte[] expected = rewrite(plain, page, context);
        assertTrue(new String(expected, StandardCharsets.UTF_8).contains("youtube/another-still"));
        assertArrayEquals(expected, feed(memo, page, context, random));
        assertEquals(1, memo.replays(), "the proxy's answer changed: no replay");
    }

    /**
     * The preview answers of the part a replay already sent are pinned for the rewrite that takes over, so that it
     * writes what was sent even if the proxy's answer changed in between (a title arriving).
     */
    @Test
    void aRewriteTakingOverGetsThePreviewAnswersOfWhatWasSent() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        AtomicInteger calls = new AtomicInteger();
        int[] flipAfter = {Integer.MAX_VALUE};
        PreviewSource flipping = (provider, url) -> calls.incrementAndGet() > flipAfter[0]
                ? new Preview("/embed-consent/preview/" + provider.id() + "/changed", null)
                : new Preview("/embed-consent/preview/" + provider.id() + "/still", null);
        PinnablePreviews pins = new PinnablePreviews(flipping);
        EmbedRewriter flippingRewriter = rewriter(pins);
        RewriteMemo memo = new RewriteMemo(flippingRewriter, pins, 64L << 20);
        Random random = new Random(SEED);
        PageContext context = context("/article", StandardCharsets.UTF_8, Set.of());
        feed(memo, page, context, random);
        feed(memo, page, context, random);
        int perPage = calls.get() / 2;
        assertTrue(perPage > 3, "the page asks for previews: " + perPage);
        // the replay's check at its start still sees the old answers; every later call gets the new one
        flipAfter[0] = calls.get() + perPage;
        byte[] changed = (new String(page, StandardCharsets.UTF_8) + "<!-- changed at the end -->")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = feed(memo, changed, context, new Random(SEED), page.length - 1);
        flipAfter[0] = Integer.MAX_VALUE;
        calls.set(0);
        assertArrayEquals(rewrite(rewriter(flipping), changed, context), out,
                "written as with the answers the replay was checked against");
        assertEquals(1, memo.changed(), memo.describe());
    }

    @Test
    void aPageWithACspNonceIsNeverKept() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        Random random = new Random(SEED);
        for (int time = 0; time < 4; time++) {
            PageContext context = new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/article",
                    EmbedListener.NONE, "nonce-" + time, "localhost");
            assertArrayEquals(rewrite(plain, page, context), feed(memo, page, context, random));
        }
        assertEquals(0, memo.replays() + memo.recorded(), memo.describe());
    }

    @Test
    void aPageThatChangesEveryTimeIsNoLongerRecordedAfterThreeChanges() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 64L << 20);
        Random random = new Random(SEED);
        PageContext context = context("/clock", StandardCharsets.UTF_8, Set.of());
        for (int time = 0; time < 12; time++) {
            byte[] stamped = (new String(page, StandardCharsets.UTF_8).replace("<main id=\"content\">",
                    "<main id=\"content\"><p>Served at " + (1000 + time) + "</p>")).getBytes(StandardCharsets.UTF_8);
            assertFalse(java.util.Arrays.equals(page, stamped));
            assertArrayEquals(rewrite(plain, stamped, context), feed(memo, stamped, context, random));
        }
        assertEquals(RewriteMemo.MAX_MISMATCHES, memo.changed(), memo.describe());
        assertEquals(RewriteMemo.MAX_MISMATCHES, memo.recorded(), memo.describe());
    }

    @Test
    void aPageLargerThanAnEighthOfTheCacheIsNotKept() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        byte[] big = new byte[page.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(page, 0, big, i * page.length, page.length);
        }
        RewriteMemo memo = new RewriteMemo(rewriter, pinnable, 1L << 20); // pages up to 128 KB
        Random random = new Random(SEED);
        PageContext context = context("/big", StandardCharsets.UTF_8, Set.of());
        for (int time = 0; time < 4; time++) {
            assertArrayEquals(rewrite(plain, big, context), feed(memo, big, context, random));
        }
        assertEquals(0, memo.recorded(), memo.describe());
        PageContext small = context("/small", StandardCharsets.UTF_8, Set.of());
        for (int time = 0; time < 4; time++) {
            assertArrayEquals(rewrite(plain, page, small), feed(memo, page, small, random));
        }
        assertEquals(1, memo.recorded(), memo.describe());
    }

    @Test
    void theOptionInEveryForm() {
        assertEquals(EmbedConsentConfig.DEFAULT_REWRITE_CACHE, EmbedConsentConfig.defaults().rewriteCache());
        assertEquals(0, EmbedConsentConfig.parse("rewrite-cache=off").rewriteCache());
        assertEquals(64L << 20, EmbedConsentConfig.parse("rewrite-cache=64MB").rewriteCache());
        IllegalArgumentException small = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> EmbedConsentConfig.parse("rewrite-cache=100KB"));
        assertTrue(small.getMessage().contains("rewrite-cache must be off or at least 1MB"), small.getMessage());
        assertFalse(EmbedConsentConfig.parse("rewrite-cache=off").toString().contains("rewrite-cache=1"));
    }

    /** A random change: a byte replaced, bytes inserted or removed, the page cut short or made longer. */
    private static byte[] change(byte[] page, Random random) {
        int at = random.nextInt(page.length + 1);
        String insert = switch (random.nextInt(6)) {
            case 0 -> "<iframe src=\"https://www.youtube.com/embed/abcdefghijk\"></iframe>";
            case 1 -> "<";
            case 2 -> "-->";
            case 3 -> "<script>";
            case 4 -> "x";
            default -> "</noscript></template>\"'";
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(5)) {
            case 0 -> { // cut short
                out.write(page, 0, at);
            }
            case 1 -> { // longer
                out.writeBytes(page);
                out.writeBytes(insert.getBytes(StandardCharsets.UTF_8));
            }
            case 2 -> { // a byte replaced
                out.writeBytes(page);
                byte[] b = out.toByteArray();
                if (at < b.length) {
                    b[at] = (byte) "<>\"' =/a-!"
                            .charAt(random.nextInt(10));
                }
                return b;
            }
            case 3 -> { // removed
                out.write(page, 0, at);
                int skip = Math.min(page.length - at, 1 + random.nextInt(40));
                out.write(page, at + skip, page.length - at - skip);
            }
            default -> { // inserted
                out.write(page, 0, at);
                out.writeBytes(insert.getBytes(StandardCharsets.UTF_8));
                out.write(page, at, page.length - at);
            }
        }
        return out.toByteArray();
    }

    private static PageContext context(String path, @Nullable Charset charset, Set<String> consent) {
        return new PageContext(charset, null, consent, path, EmbedListener.NONE, null, "localhost");
    }

    private static byte[] rewrite(EmbedRewriter rewriter, byte[] page, PageContext context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RewriteSession session = rewriter.open(out, context)) {
            session.write(page);
        }
        return out.toByteArray();
    }

    private static byte[] feed(RewriteMemo memo, byte[] page, PageContext context, Random random) throws IOException {
        return feed(memo, page, context, random, -1);
    }

    /** Writes {@code page} in random chunks (with a flush now and then), or in two at {@code cut} when it is set. */
    private static byte[] feed(RewriteMemo memo, byte[] page, PageContext context, Random random, int cut)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RewriteSession session = memo.open(out, context);
        if (cut >= 0) {
            session.write(page, 0, cut);
            session.write(page, cut, page.length - cut);
        } else {
            int max = switch (random.nextInt(3)) {
                case 0 -> 8192;
                case 1 -> 1 + random.nextInt(64);
                default -> page.length + 1;
            };
            for (int at = 0; at < page.length; ) {
                int n = Math.min(page.length - at, 1 + random.nextInt(max));
                session.write(page, at, n);
                at += n;
                if (random.nextInt(20) == 0) {
                    session.flush();
                }
            }
        }
        session.close();
        return out.toByteArray();
    }

    private static List<byte[]> pages() throws IOException {
        List<byte[]> pages = new ArrayList<>();
        pages.add(RewriterWarmUp.samplePage());
        try (Stream<Path> files = Files.walk(FIXTURES)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.toString();
                if (name.endsWith(".html") || name.contains("RewriterChunkingFuzzTestInputs")) {
                    pages.add(Files.readAllBytes(file));
                }
            }
        }
        return pages;
    }
}

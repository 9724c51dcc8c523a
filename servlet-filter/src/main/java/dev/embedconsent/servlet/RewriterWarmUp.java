package dev.embedconsent.servlet;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Has the JIT compile the rewriter before the first request ({@code warm-up}). A JVM runs new code interpreted, then
 * through a quick compiler, and only after thousands of pages through the optimizing one; the optimizing compiler runs
 * in threads of its own that, in a server already under load, share the cores with every request thread. Measured
 * with {@code FilterLoadBenchmark} on a 2-core machine: a Jetty started under 16 connections served the first page
 * with embeds at 0.07 and 0.12 of its unfiltered rate in its first 12 s without a warm-up, and at 0.30 and 0.20 after
 * one of 5 s.
 *
 * <p>So the filter's start rewrites a sample page made for the purpose (every kind of embed the rewriter handles,
 * between ordinary article markup) in 8 KB writes, like a response, into a sink that discards it: until the JIT has
 * been quiet for a second, or at most the configured time. It happens once per class loader (the compiled code is
 * shared by every filter of it), with a rewriter without previews, so nothing is fetched, recorded or reported.
 */
final class RewriterWarmUp {
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final int WRITE = 8192;
    /** Pages per timed batch. */
    private static final int BATCH = 4;
    /** How long the JIT must have been quiet, and the time per page without a gain of 5 %, to end it early. */
    private static final long QUIET_NANOS = Duration.ofMillis(1000).toNanos();
    private static final double GAIN = 0.95;
    /** Compilation time (ms) the JIT may add within {@link #QUIET_NANOS} and still count as quiet: small C1 work. */
    private static final long QUIET_COMPILE_MILLIS = 10;

    /** What a warm-up did. */
    record Result(int pages, long nanos, long firstPageNanos, long bestPageNanos, boolean settled) {
        @Override
        public String toString() {
            return pages + " sample pages in " + nanos / 1_000_000 + " ms, " + firstPageNanos / 1000 + " µs per page "
                    + "at first, " + bestPageNanos / 1000 + " µs at best"
                    + (settled ? " (the JIT settled)" : " (time limit reached)");
        }
    }

    private RewriterWarmUp() {}

    /** Runs {@link #run} unless a filter of this class loader already did; {@code null} when it was done. */
    static @Nullable Result once(EmbedRewriter rewriter, Duration budget) {
        if (budget.isZero() || !DONE.compareAndSet(false, true)) {
            return null;
        }
        return run(rewriter, budget);
    }

    /**
     * Rewrites the sample page for at most {@code budget}; it ends sooner once the JIT has compiled nothing of weight
     * for a second and the time per page has not improved by 5 % in that second.
     */
    static Result run(EmbedRewriter rewriter, Duration budget) {
        byte[] page = samplePage();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long limit = budget.toNanos();
        long best = Long.MAX_VALUE;
        long first = -1;
        long quietSince = start;
        long compiledAtQuiet = jitTimed ? jit.getTotalCompilationTime() : 0;
        long bestAtQuiet = Long.MAX_VALUE;
        int pages = 0;
        while (true) {
            long batchStart = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                rewriteOnce(rewriter, page);
            }
            pages += BATCH;
            long now = System.nanoTime();
            long perPage = (now - batchStart) / BATCH;
            if (first < 0) {
                first = perPage;
            }
            best = Math.min(best, perPage);
            long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
            if (compiled - compiledAtQuiet > QUIET_COMPILE_MILLIS || best < bestAtQuiet * GAIN) {
                // still compiling, or still getting faster: the quiet second starts again
                quietSince = now;
                compiledAtQuiet = compiled;
                bestAtQuiet = best;
            }
            long elapsed = now - start;
            if (elapsed >= limit) {
                return new Result(pages, elapsed, first, best, false);
            }
            if (now - quietSince >= QUIET_NANOS) {
                return new Result(pages, elapsed, first, best, true);
            }
        }
    }

    private static void rewriteOnce(EmbedRewriter rewriter, byte[] page) {
        PageContext context = new PageContext(StandardCharsets.UTF_8, null, PageContext.lazyConsent(Set::of),
                "/warm-up", EmbedListener.NONE, null, "localhost");
        try (RewriteSession session = rewriter.open(OutputStream.nullOutputStream(), context)) {
            for (int off = 0; off < page.length; off += WRITE) {
                session.write(page, off, Math.min(WRITE, page.length - off));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a sink that discards everything failed", e);
        }
    }

    /**
     * An article page of about 60 KB: head with styles, scripts and hints to providers; sections of ordinary text,
     * links, lists, images, tables and inline SVG; embeds of the common providers as iframes, widget markers with
     * their loader scripts, a frame from an unknown host, a noscript and a template.
     */
    static byte[] samplePage() {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Sample article</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/assets/site.css?v=42\">\n")
                .append("<link rel=\"preconnect\" href=\"https://www.youtube.com\">\n")
                .append("<link rel=\"dns-prefetch\" href=\"https://player.vimeo.com\">\n")
                .append("<style>body{font:16px/1.5 sans-serif;margin:0}.card>a:hover{color:#036}"
                        + "@media (max-width:600px){nav ul{display:none}}</style>\n")
                .append("<script>window.dataLayer=window.dataLayer||[];if (a < b && c > d) { go('<p>'); }</script>\n")
                .append("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Sample\"}"
                        + "</script>\n</head>\n<body class=\"article\">\n<!-- header -->\n<header><nav><ul>");
        for (int i = 0; i < 12; i++) {
            html.append("<li><a href=\"/section/").append(i).append("\" class=\"nav-link\">Section ").append(i)
                    .append("</a></li>");
        }
        html.append("</ul></nav></header>\n<main id=\"content\">\n");
        String[] embeds = {
            "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/M7lc1UVf-VE?rel=0\" "
                    + "title=\"YouTube video player\" frameborder=\"0\" allow=\"autoplay; encrypted-media\" "
                    + "allowfullscreen></iframe>",
            "<iframe src=\"https://player.vimeo.com/video/76979871?h=8272103f6e\" width=\"640\" height=\"360\" "
                    + "allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen></iframe>",
            "<iframe src=\"https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2428.4!2d13.37!3d52.51\" "
                    + "width=\"600\" height=\"450\" style=\"border:0;\" loading=\"lazy\"></iframe>",
            "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">A post with a "
                    + "<a href=\"https://t.co/abc\">link</a></p>&mdash; Someone (@someone) "
                    + "<a href=\"https://twitter.com/someone/status/1234567890\">June 1, 2024</a></blockquote>\n"
                    + "<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>",
            "<blockquote class=\"instagram-media\" data-instgrm-permalink=\"https://www.instagram.com/p/C1a2b3c4d5e/\" "
                    + "data-instgrm-version=\"14\"><div><a href=\"https://www.instagram.com/p/C1a2b3c4d5e/\">"
                    + "View this post on Instagram</a></div></blockquote>\n"
                    + "<script async src=\"//www.instagram.com/embed.js\"></script>",
            "<iframe style=\"border-radius:12px\" src=\"https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC\" "
                    + "width=\"100%\" height=\"152\" allow=\"encrypted-media\" loading=\"lazy\"></iframe>",
            "<iframe width=\"100%\" height=\"166\" scrolling=\"no\" frameborder=\"no\" "
                    + "src=\"https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&amp;"
                    + "color=%23ff5500\"></iframe>",
            "<iframe src=\"https://widgets.example.net/poll/77\" width=\"400\" height=\"300\"></iframe>",
            "<iframe src=\"/local/frame.html\" width=\"300\" height=\"200\"></iframe>",
            "<noscript><img src=\"https://stats.example.org/pixel.gif\" alt=\"\"></noscript>",
            "<template id=\"card\"><div class=\"card\"><a href=\"#\">More</a></div></template>",
            "<svg width=\"24\" height=\"24\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5z\"/>"
                    + "<title>Icon</title></svg>",
        };
        for (int section = 0; section < 36; section++) {
            html.append("<section class=\"block\" id=\"s").append(section).append("\">\n<h2>Heading ")
                    .append(section).append("</h2>\n");
            for (int p = 0; p < 3; p++) {
                html.append("<p>Delegates met the <a href=\"https://example.org/people/").append(section)
                        .append("\" rel=\"noopener\">organisers</a> on day ").append(p)
                        .append(" &amp; discussed the programme, the <em>budget</em> and the next steps; "
                                + "questions &lt;in writing&gt; go to <a href=\"mailto:info@example.org\">"
                                + "info@example.org</a>.</p>\n");
            }
            html.append("<figure><img src=\"/images/photo-").append(section)
                    .append(".jpg\" alt=\"A photo\" width=\"800\" height=\"533\" loading=\"lazy\" "
                            + "srcset=\"/images/photo-small.jpg 400w, /images/photo.jpg 800w\">"
                            + "<figcaption>Caption</figcaption></figure>\n");
            if (section % 4 == 1) {
                html.append("<ul class=\"facts\"><li>One</li><li>Two</li><li>Three</li></ul>\n")
                        .append("<table><tr><th>Day</th><th>Place</th></tr><tr><td>1</td><td>Kyiv</td></tr></table>\n");
            }
            html.append("<div class=\"embed\">").append(embeds[section % embeds.length]).append("</div>\n");
            html.append("</section>\n");
        }
        html.append("</main>\n<footer><p>&copy; Sample</p><a href=\"/privacy\">Privacy</a></footer>\n")
                .append("<script src=\"/assets/site.js\" defer></script>\n</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }
}

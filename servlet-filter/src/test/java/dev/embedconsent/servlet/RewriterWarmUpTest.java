package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.FoundEmbed;
import dev.embedconsent.html.PageContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class RewriterWarmUpTest {

    /** The sample page must take the rewriter through the paths real pages take, or the JIT warms the wrong code. */
    @Test
    void theSamplePageHoldsEveryKindOfEmbedBetweenOrdinaryMarkup() throws IOException {
        byte[] page = RewriterWarmUp.samplePage();
        assertTrue(page.length > 40_000 && page.length < 100_000, "size " + page.length);
        List<FoundEmbed> found = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmbedRewriter.withDefaults().rewrite(new ByteArrayInputStream(page), out,
                new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", found::add, null, "localhost"));
        Set<String> providers = found.stream().map(FoundEmbed::provider).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(providers.containsAll(Set.of("youtube", "vimeo", "google-maps", "x", "instagram", "spotify",
                "soundcloud", "host:widgets.example.net")), providers.toString());
        assertTrue(found.stream().allMatch(FoundEmbed::neutralized), found.toString());
        // held widget markers (blockquotes), loader scripts and resource hints are among them
        assertTrue(found.stream().anyMatch(e -> e.element().equals("blockquote")), found.toString());
        assertTrue(found.stream().anyMatch(e -> e.element().equals("script")), found.toString());
        assertTrue(found.stream().anyMatch(e -> e.element().equals("link")), found.toString());
        // the page is well-formed HTML around them: every section survives, and the same-origin frame stays live
        Document rewritten = Jsoup.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(36, rewritten.select("main > section").size());
        assertEquals(3, rewritten.select("iframe[src=/local/frame.html]").size());
        // the provider's frames are kept only inside the placeholders' inert templates
        assertEquals(3, rewritten.select("iframe[src^=https://www.youtube.com]").size());
        assertTrue(rewritten.select("iframe[src^=https://www.youtube.com]").stream()
                .allMatch(e -> e.parents().stream().anyMatch(p -> p.normalName().equals("template"))));
    }

    @Test
    void itStopsAtItsBudget() {
        Duration budget = Duration.ofMillis(400);
        long start = System.nanoTime();
        RewriterWarmUp.Result result = RewriterWarmUp.run(EmbedRewriter.withDefaults(), budget);
        long took = System.nanoTime() - start;
        assertTrue(result.pages() > 0, result.toString());
        assertTrue(result.bestPageNanos() > 0 && result.bestPageNanos() <= result.firstPageNanos(), result.toString());
        // one batch of four sample pages may run over; even interpreted, one page takes well under a second
        assertTrue(took < budget.toNanos() + Duration.ofSeconds(4).toNanos(), took + " ns: " + result);
        assertTrue(result.settled() || result.nanos() >= budget.toNanos(), result.toString());
    }

    @Test
    void itRunsOncePerClassLoaderAndNotAtAllWhenOff() {
        assertNull(RewriterWarmUp.once(EmbedRewriter.withDefaults(), Duration.ZERO));
        RewriterWarmUp.once(EmbedRewriter.withDefaults(), Duration.ofMillis(100)); // this one, or an earlier filter's
        assertNull(RewriterWarmUp.once(EmbedRewriter.withDefaults(), Duration.ofMillis(100)));
    }
}

package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the servlet filter's look-ahead relies on: the count of embeds found, and consent looked up only when needed. */
class EmbedsFoundTest {
    private static final String YT = "<iframe src=\"https://www.youtube.com/embed/abcdefghijk\"></iframe>";
    private static final String VIMEO = "<iframe src=\"https://player.vimeo.com/video/1\"></iframe>";

    private static int found(String html, Set<String> consented, ByteArrayOutputStream out) throws IOException {
        try (RewriteSession session = EmbedRewriter.withDefaults().open(out,
                new PageContext(StandardCharsets.UTF_8, null, consented, "/", EmbedListener.NONE, null))) {
            byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
            session.write(bytes, 0, bytes.length);
            session.close();
            return session.embedsFound();
        }
    }

    @Test
    void aPageWithoutEmbedsFindsNoneAndComesOutAsItWent() throws IOException {
        String page = "<!DOCTYPE html><p>text <a href=\"https://www.youtube.com/watch?v=x\">a link</a></p>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, found(page, Set.of(), out));
        assertEquals(page, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void neutralizedAndConsentedEmbedsBothCount() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, found("<p>" + YT + VIMEO + "</p>", Set.of(), out));
        ByteArrayOutputStream consented = new ByteArrayOutputStream();
        assertEquals(2, found("<p>" + YT + VIMEO + "</p>", Set.of("youtube", "vimeo"), consented));
        assertEquals("<p>" + YT + VIMEO + "</p>", consented.toString(StandardCharsets.UTF_8),
                "consented embeds are left as they are, yet the page depends on the visitor");
    }

    @Test
    void consentIsLookedUpOnlyWhenAnEmbedIsFound() throws IOException {
        AtomicInteger lookUps = new AtomicInteger();
        Set<String> lazy = PageContext.lazyConsent(() -> {
            lookUps.incrementAndGet();
            return Set.of("youtube");
        });
        found("<p>no embeds here</p>", lazy, new ByteArrayOutputStream());
        assertEquals(0, lookUps.get());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        found("<p>" + YT + VIMEO + "</p>", lazy, out);
        assertEquals(1, lookUps.get(), "computed once");
        String body = out.toString(StandardCharsets.UTF_8);
        assertTrue(body.startsWith("<p>" + YT), "youtube consented: left live");
        assertTrue(body.contains("data-consent-provider=\"vimeo\""), "vimeo not consented: a placeholder");
    }
}

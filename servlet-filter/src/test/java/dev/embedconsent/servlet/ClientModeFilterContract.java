package dev.embedconsent.servlet;

import static dev.embedconsent.servlet.TestSite.EMBED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The container suite with {@code render-consented=client}, plus the cases only that mode has. */
abstract class ClientModeFilterContract extends FilterContainerContract {
    @Override
    RenderConsented mode() {
        return RenderConsented.CLIENT;
    }

    @Test
    void inClientModeEveryVisitorGetsTheSameSharedPage() throws Exception {
        String consent = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> anonymous = settledPage("/t/etag");
        HttpResponse<String> consented = get("/t/etag", "Cookie", consent + "; ec_hint=youtube");
        HttpResponse<String> forged = get("/t/etag", "Cookie", "ec_hint=youtube|vimeo; ec_consent=1.t1.x.y");
        for (HttpResponse<String> page : List.of(anonymous, consented, forged)) {
            assertEquals(200, page.statusCode());
            assertPlaceholder(page.body());
            assertEquals(anonymous.body(), page.body(), "the same bytes with and without consent");
            assertEquals(anonymous.headers().firstValue("ETag"), page.headers().firstValue("ETag"));
            assertSharedHeaders(page);
            assertTrue(page.headers().firstValue("Cache-Control").orElseThrow().contains("max-age=60"),
                    "the application's own caching directives stay");
        }
        assertTrue(anonymous.body().contains("<script src=\"/embed-consent/embed-consent.js\">"),
                "the activation script runs before the placeholders are painted (no defer): " + anonymous.body());
        String etag = anonymous.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/t/etag", "If-None-Match", etag, "Cookie", consent).statusCode(),
                "a consenting visitor revalidates the shared copy too");
    }

    /**
     * A page once its placeholder's preview still is settled: the first render asks the preview proxy in the
     * background, and whether later renders show a still changes once that fetch has succeeded or failed.
     */
    private HttpResponse<String> settledPage(String path) throws Exception {
        HttpResponse<String> previous = get(path);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(200);
            HttpResponse<String> next = get(path);
            if (next.body().equals(previous.body())) {
                return next;
            }
            previous = next;
        }
        throw new AssertionError("the page kept changing: " + previous.body());
    }

    @Test
    void inClientModeTheRenderParameterGivesOneVisitorTheirOwnUncachedPage() throws Exception {
        String consent = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> page = get("/t/etag?a=1&ec-render=k3x9", "Cookie", consent);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains(EMBED), page.body());
        assertEquals("private, no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(String.join(",", page.headers().allValues("Vary")).contains("Cookie"));
        assertNotEquals(get("/t/etag").headers().firstValue("ETag"), page.headers().firstValue("ETag"));

        HttpResponse<String> placeholders = get("/t/writer?a=1&ec-render=k3x9");
        assertPlaceholder(placeholders.body());
        assertTrue(placeholders.body().contains("name=\"return\" value=\"/t/writer?a=1\""), placeholders.body());
        assertFalse(placeholders.body().contains("ec-render"), "the parameter never reaches a return path");

        HttpResponse<String> posted = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=vimeo&decision=grant&scope=once&return=%2Ft%2Fwriter%3Fec-render%3Dold%23v", "Origin", origin());
        String location = posted.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/t/writer\\?ec-render=[0-9a-z]+#v") && !location.contains("=old"), location);
        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=vimeo&decision=withdraw&return=%2Ft%2Fwriter", "Origin", origin());
        assertEquals("/t/writer", withdrawn.headers().firstValue("Location").orElseThrow(),
                "after a withdrawal the shared page is right for the visitor");
    }
}

package dev.embedconsent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Proves the harness itself: loopback goes direct, everything else reaches the proxy, JavaScript can be turned off. */
class HeadlessChromiumIT {
    private static final String PAGE = """
            <!doctype html><html lang="en"><title>harness</title>
            <img src="https://cdn.provider.test/pixel.png" alt="">
            <script src="/script.js"></script>
            """;

    @BeforeAll
    static void chromium() {
        HeadlessChromium.assumeAvailable();
    }

    private static boolean sawProviderHost(LoggingProxy proxy, String host) {
        return !proxy.contacted(List.of(host)).isEmpty();
    }

    @Test
    void loopbackGoesDirectAndOtherHostsReachTheProxy() throws Exception {
        try (LoggingProxy proxy = LoggingProxy.start();
                LoopbackPages pages = LoopbackPages.start();
                HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            pages.put("/page.html", "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
            pages.put("/script.js", "text/javascript", """
                    var i = document.createElement('img'); i.src = 'https://js.provider.test/p.png';
                    document.body.appendChild(i); document.title = 'scripted';
                    """.getBytes(StandardCharsets.UTF_8));
            chromium.driver().get(pages.url("/page.html"));
            new WebDriverWait(chromium.driver(), Duration.ofSeconds(10))
                    .until(d -> sawProviderHost(proxy, "cdn.provider.test") && sawProviderHost(proxy, "js.provider.test"));
            assertEquals("scripted", chromium.driver().getTitle(), "the loopback script loaded directly");
            assertTrue(proxy.contacted(List.of("127.0.0.1", "localhost")).isEmpty(),
                    () -> "loopback must bypass the proxy: " + proxy.requests());
            Thread.sleep(1500);
            assertEquals(Set.of("cdn.provider.test", "js.provider.test"), Set.copyOf(proxy.hosts()),
                    "page traffic is exactly what the page asked for; the browser's own services are kept apart");
        }
    }

    @Test
    void javascriptCanBeTurnedOff() throws Exception {
        try (LoggingProxy proxy = LoggingProxy.start();
                LoopbackPages pages = LoopbackPages.start();
                HeadlessChromium chromium = HeadlessChromium.start(proxy, HeadlessChromium.JAVASCRIPT_OFF)) {
            pages.put("/page.html", "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
            pages.put("/script.js", "text/javascript", "document.title = 'scripted';".getBytes(StandardCharsets.UTF_8));
            chromium.driver().get(pages.url("/page.html"));
            new WebDriverWait(chromium.driver(), Duration.ofSeconds(10))
                    .until(d -> sawProviderHost(proxy, "cdn.provider.test"));
            assertEquals("harness", chromium.driver().getTitle());
        }
    }
}

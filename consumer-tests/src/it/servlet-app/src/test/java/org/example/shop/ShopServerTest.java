package org.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site started as its users start it, driven over HTTP. */
class ShopServerTest {
    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theVideoWaitsForConsentAndLoadsAfterIt() throws Exception {
        try (ShopServer server = ShopServer.start(0, data)) {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");

            String page = send(HttpRequest.newBuilder(base)).body();
            assertTrue(page.contains("data-consent-provider=\"youtube\""), page);
            int template = page.indexOf("<template class=\"ec-original\">");
            assertTrue(template >= 0 && template < page.indexOf("<iframe"), "the video is inert: " + page);
            assertEquals(200, send(HttpRequest.newBuilder(base.resolve("/embed-consent/embed-consent.js")))
                    .statusCode());
            assertEquals("youtube=false", send(HttpRequest.newBuilder(base.resolve("/my-consent"))).body());

            HttpResponse<String> granted = send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                    .header("Content-Type", "application/json")
                    .header("Sec-Fetch-Site", "same-origin")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"provider\",\"page\":\"/\"}")));
            assertEquals(200, granted.statusCode(), granted.body());
            String cookie = granted.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("ec_consent="))
                    .map(c -> c.substring(0, c.indexOf(';')))
                    .findFirst().orElseThrow(() -> new AssertionError("no consent cookie: " + granted.headers()));

            String allowed = send(HttpRequest.newBuilder(base).header("Cookie", cookie)).body();
            assertEquals(ShopServer.PAGE, allowed, "with consent the page is the application's own");
            assertEquals("youtube=true",
                    send(HttpRequest.newBuilder(base.resolve("/my-consent")).header("Cookie", cookie)).body());
        }
    }
}

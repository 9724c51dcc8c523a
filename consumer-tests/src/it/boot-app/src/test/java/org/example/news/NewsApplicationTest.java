package org.example.news;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The application started on a random port with its own application.properties, driven over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NewsApplicationTest {
    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theVideoWaitsForConsentWhichIsRecordedInTheDataDirectory() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        HttpResponse<String> first = send(HttpRequest.newBuilder(base));
        String page = first.body();
        assertTrue(page.contains("data-consent-provider=\"youtube\""), page);
        int template = page.indexOf("<template class=\"ec-original\">");
        assertTrue(template >= 0 && template < page.indexOf("<iframe"), "the video is inert: " + page);
        assertEquals(NewsApplication.PAGE, send(HttpRequest.newBuilder(base.resolve("/admin/preview"))).body(),
                "the excluded path is left alone");
        assertEquals("youtube=false", send(HttpRequest.newBuilder(base.resolve("/my-consent"))).body());

        HttpResponse<String> crossSite = send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                .header("Content-Type", "application/json")
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"provider\",\"page\":\"/\"}")));
        assertEquals(403, crossSite.statusCode(), crossSite.body());

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

        assertEquals(NewsApplication.PAGE, send(HttpRequest.newBuilder(base).header("Cookie", cookie)).body(),
                "with consent the page is the application's own");
        assertEquals("youtube=true",
                send(HttpRequest.newBuilder(base.resolve("/my-consent")).header("Cookie", cookie)).body());

        String recordId = granted.body().replaceAll("(?s).*\"recordId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        try (Stream<Path> files = Files.list(Path.of("embed-consent-data"))) {
            String records = files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .map(NewsApplicationTest::read).reduce("", String::concat);
            assertTrue(records.contains(recordId), "the record is in the data directory: " + records);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

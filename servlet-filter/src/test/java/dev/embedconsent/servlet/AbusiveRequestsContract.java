package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile requests against the filter in a real container ({@code *IT} per container), beyond the bad input that
 * {@link FilterContainerContract} already covers: open-redirect tricks in {@code return}, repeated and missing form
 * fields, duplicate and deep JSON, thousands of cookies and forged consent cookies, huge headers and URLs. Each gets
 * a clear 4xx (the endpoint's JSON error, or the container's own status for what it refuses before the filter runs),
 * or, where the contract says so, the normal answer without harm: a {@code return} that is not a same-origin path
 * becomes {@code /}, and a page with junk cookies renders its placeholders. Never a 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbusiveRequestsContract {
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private Path work;
    private ServletContainer container;
    private URI base;

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-abuse-" + containerName());
        container = ServletContainer.named(containerName());
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(work.resolve("data"))
                .hmacKeys(FilterContainerContract.KEY)
                .rateLimit(RateLimit.OFF)
                .build();
        base = container.start(new TestSite(filter), FilterContainerContract.ERROR_PAGES, work.resolve("work"));
    }

    @AfterAll
    void stop() throws Exception {
        container.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** The value of {@code return}, as the form would carry it after decoding. */
    @ParameterizedTest
    @ValueSource(strings = {"//evil.example/", "/\\evil.example/", "\\/evil.example/", "\\\\evil.example",
        "https:evil.example", "https://evil.example/", "HTTPS://evil.example", "//evil.example@good/",
        "/\t/evil.example/", "/\n/evil.example/", " //evil.example/", "\t//evil.example", "/%2F/evil.example",
        "%2F%2Fevil.example", "/\u3002/evil.example", "/\uff0f/evil.example", "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "/x\r\nSet-Cookie: ec_consent=forged", "/x\rLocation: //evil",
        "/x%0d%0aSet-Cookie:%20a=b", "/\u0000/evil.example", "///evil.example", "/./\\evil.example"})
    void openRedirectTricksInReturnStayOnThisOrigin(String target) throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=grant&scope=provider&return=" + URLEncoder.encode(target,
                        StandardCharsets.UTF_8), "Origin", base.toString());
        assertEquals(303, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertSameOriginPath(location);
        assertFalse(response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.contains("forged")
                || c.startsWith("a=")), response.headers().map().toString());
    }

    /** What a browser would follow to another host: two slashes or backslashes, a scheme, or controls it strips. */
    static void assertSameOriginPath(String location) {
        String path = URI.create(base(location)).getPath();
        assertAll(location,
                () -> assertTrue(location.startsWith("/"), "a path"),
                () -> assertTrue(location.length() == 1 || (location.charAt(1) != '/' && location.charAt(1) != '\\'),
                        "not protocol-relative"),
                () -> assertTrue(location.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\'),
                        "no controls, spaces, backslashes or non-ASCII"),
                () -> assertTrue(path != null && path.startsWith("/")));
    }

    private static String base(String location) {
        return "http://site.example" + location;
    }

    @Test
    void repeatedAndMissingFormFieldsAre400() throws Exception {
        List<String> bodies = List.of(
                "provider=youtube&provider=vimeo&decision=grant",
                "provider=youtube&decision=grant&decision=withdraw",
                "provider=youtube&decision=grant&scope=once&scope=provider",
                "provider=youtube&decision=grant&return=/a&return=//evil.example",
                "decision=grant", "provider=youtube", "provider=&decision=grant", "provider=youtube&decision=",
                "provider&decision", "", "&&&&", "=&=&=", "provider=%20&decision=grant",
                "provider=youtube&decision=grant&scope=%00",
                "x=1&".repeat(900) + "decision=grant");
        List<Executable> checks = new ArrayList<>();
        for (String body : bodies) {
            HttpResponse<String> response = post("/embed-consent/consent", "application/x-www-form-urlencoded", body,
                    "Origin", base.toString());
            checks.add(() -> assertJsonError(400, "bad_field", response, body));
        }
        assertAll(checks);
    }

    @Test
    void duplicateDeepAndOversizedJsonAre4xx() throws Exception {
        record Case(int status, String body) {}
        List<Case> cases = List.of(
                new Case(400, "{\"provider\":\"youtube\",\"provider\":\"vimeo\",\"decision\":\"grant\"}"),
                new Case(400, "{\"provider\":\"youtube\",\"decision\":\"grant\",\"decision\":\"withdraw\"}"),
                new Case(400, "{\"provider\":" + "{\"a\":".repeat(600) + "1" + "}".repeat(600)
                        + ",\"decision\":\"grant\"}"),
                new Case(400, "{\"x\":" + "[".repeat(1000) + "]".repeat(1000)
                        + ",\"provider\":\"youtube\",\"decision\":\"grant\"}"),
                new Case(400, "{\"provider\":\"youtube\",\"decision\":\"grant\",\"x\":" + "9".repeat(3900) + "}"),
                new Case(413, "{\"provider\":\"youtube\",\"decision\":\"grant\",\"x\":\"" + "a".repeat(60_000)
                        + "\"}"),
                new Case(413, "[" + "{},".repeat(15_000) + "{}]"));
        List<Executable> checks = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<String> response = post("/embed-consent/consent", "application/json", c.body(),
                    "Sec-Fetch-Site", "same-origin");
            checks.add(() -> assertJsonError(c.status(), null, response, c.body().substring(0, 60)));
        }
        assertAll(checks);
    }

    @Test
    void thousandsOfCookiesAndForgedConsentCookiesAreNoConsent() throws Exception {
        String forged = cookies(60, i -> "ec_consent=t1." + "A".repeat(40) + i + ".sig");
        String forgedAndJunk = forged + "; ec_once=t1.forged.sig; ec_consent=" + "%".repeat(50) + "; "
                + cookies(100, i -> "c" + i + "=\"" + i + "\"");
        // Tomcat refuses more than 200 cookies itself (400); below that, and in Jetty, the filter sees them all.
        for (String cookies : List.of(cookies(190, i -> "c" + i + "=1"), forged, forgedAndJunk)) {
            HttpResponse<String> page = get("/t/writer", "Cookie", cookies);
            assertEquals(200, page.statusCode(), cookies.substring(0, 40));
            FilterContainerContract.assertPlaceholder(page.body());
            HttpResponse<String> state = get("/embed-consent/consent", "Cookie", cookies);
            assertEquals(200, state.statusCode(), state.body());
            assertTrue(state.body().contains("\"state\":{}"), state.body());
            HttpResponse<String> grant = post("/embed-consent/consent", "application/json",
                    "{\"provider\":\"youtube\",\"decision\":\"grant\"}", "Sec-Fetch-Site", "same-origin",
                    "Cookie", cookies);
            assertEquals(200, grant.statusCode(), grant.body());
        }
        for (int count : new int[] {1000, 3000}) {
            HttpResponse<String> page = get("/t/writer", "Cookie", cookies(count, i -> "c" + i + "=1"));
            assertTrue(page.statusCode() == 200 || page.statusCode() == 400 || page.statusCode() == 431,
                    count + " cookies: " + page.statusCode());
            if (page.statusCode() == 200) {
                FilterContainerContract.assertPlaceholder(page.body());
            }
        }
    }

    private static String cookies(int count, IntFunction<String> cookie) {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < count; i++) {
            header.append(i == 0 ? "" : "; ").append(cookie.apply(i));
        }
        return header.toString();
    }

    /** Refused by the container before the filter runs: its own 4xx, never a 5xx or a hang. */
    @Test
    void hugeHeadersAndUrlsGetTheContainers4xx() throws Exception {
        List<String> requests = List.of(
                "GET /t/writer HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n",
                "GET /t/writer HTTP/1.1\r\nHost: h\r\nCookie: " + "c=1; ".repeat(20_000) + "\r\n",
                "GET /t/writer?" + "q".repeat(64 * 1024) + " HTTP/1.1\r\nHost: h\r\n",
                "POST /embed-consent/consent HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                        + "X-Many: 1\r\n".repeat(5000),
                "GET /embed-consent/" + "x/".repeat(30_000) + " HTTP/1.1\r\nHost: h\r\n");
        for (String request : requests) {
            int status = rawStatus(request + "Connection: close\r\n\r\n");
            assertTrue(status >= 400 && status < 500, "status " + status + " for " + request.substring(0, 40));
        }
    }

    private int rawStatus(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedEarly) {
                // The container may answer and close before it has read everything; its answer is still there.
            }
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            assertTrue(line.startsWith("HTTP/1.1 "), "an HTTP answer: " + line);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    private static void assertJsonError(int status, String code, HttpResponse<String> response, String what) {
        assertEquals(status, response.statusCode(), what + " -> " + response.body());
        String prefix = code == null ? "{\"error\":\"" : "{\"error\":\"" + code + "\",\"message\":\"";
        assertTrue(response.body().startsWith(prefix), what + " -> " + response.body());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

package dev.embedconsent.servlet;

import static dev.embedconsent.servlet.TestSite.EMBED;
import static dev.embedconsent.servlet.TestSite.ERROR_PAGE;
import static dev.embedconsent.servlet.TestSite.PAGE;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter running for real in a servlet container: one suite, one subclass per container ({@code *IT}). Every
 * request goes over HTTP through {@link HttpClient}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilterContainerContract {
    static final String KEY = "t1:" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    static final Map<Integer, String> ERROR_PAGES = Map.of(404, "/error-page", 500, "/error-page");

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private ServletContainer container;
    private URI base;
    private Path work;
    /** The same site with {@code csp=enforce}, trusted hosts, {@code /excluded} and a rate limit of 4 a minute. */
    private ServletContainer enforcing;
    private URI enforcingBase;

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    /** The {@code render-consented} mode both sites run in; the client-mode subclasses override it. */
    RenderConsented mode() {
        return RenderConsented.SERVER;
    }

    boolean clientMode() {
        return mode() == RenderConsented.CLIENT;
    }

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-" + containerName());
        container = ServletContainer.named(containerName());
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(work.resolve("data"))
                .hmacKeys(KEY)
                .exclude("/excluded")
                .rateLimit(RateLimit.OFF)
                .renderConsented(mode())
                .build();
        base = container.start(new TestSite(filter), ERROR_PAGES, work);
        enforcing = ServletContainer.named(containerName());
        enforcingBase = enforcing.start(new TestSite(Map.of("config", "data-dir=" + work.resolve("enforcing")
                + "; hmac-key=" + KEY + "; csp=enforce; trusted-hosts=*.partner.example, player.example.net"
                + "; exclude=/excluded; render-consented=" + mode(),
                "rate-limit", "4/1m")), ERROR_PAGES, work.resolve("enforcing-work"));
    }

    @AfterAll
    void stop() throws Exception {
        container.close();
        enforcing.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    // ---- helpers ----

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    String origin() {
        return base.toString();
    }

    HttpResponse<String> grant(String provider, String scope, String... cookie) throws Exception {
        String body = "{\"provider\":\"" + provider + "\",\"decision\":\"grant\",\"scope\":\"" + scope
                + "\",\"page\":\"/t/writer\"}";
        String[] headers = cookie.length == 0
                ? new String[] {"Sec-Fetch-Site", "same-origin"}
                : new String[] {"Sec-Fetch-Site", "same-origin", "Cookie", cookie[0]};
        HttpResponse<String> response = post("/embed-consent/consent", "application/json", body, headers);
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    static String cookie(HttpResponse<?> response, String name) {
        return setCookie(response, name).map(c -> c.substring(0, c.indexOf(';'))).orElseThrow(
                () -> new AssertionError("no Set-Cookie " + name + " in " + response.headers().map()));
    }

    static Optional<String> setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst();
    }

    static void assertPlaceholder(String body) {
        assertTrue(body.contains("data-consent-provider=\"youtube\""), () -> "no placeholder in:\n" + body);
        int template = body.indexOf("<template");
        int iframe = body.indexOf("<iframe");
        assertTrue(template >= 0 && template < iframe, () -> "the iframe is not kept inert in:\n" + body);
        assertTrue(body.startsWith(TestSite.HEAD.substring(0, 40)), () -> "page start changed:\n" + body);
        assertTrue(body.endsWith(TestSite.TAIL) || body.contains("end of page"), () -> "page end lost:\n" + body);
    }

    /**
     * The caching headers of a rewritten page: it varies by cookie and is private; in client mode it is the same for
     * every visitor (neither), except a page rendered for one visitor ({@code ec-render}): private and no-store.
     */
    void assertConsentHeaders(HttpResponse<?> response) {
        String query = response.uri().getRawQuery();
        if (query != null && query.contains("ec-render")) {
            assertPersonal(response);
        } else if (clientMode()) {
            assertSharedHeaders(response);
        } else {
            assertVariesByCookie(response);
        }
    }

    /** Page headers that let a shared cache keep the page for everyone: no {@code Vary: Cookie}, no private. */
    static void assertSharedHeaders(HttpResponse<?> response) {
        String vary = String.join(",", response.headers().allValues("Vary"));
        String cacheControl = String.join(",", response.headers().allValues("Cache-Control"));
        assertFalse(vary.toLowerCase().contains("cookie"), "Vary: " + vary);
        assertFalse(cacheControl.contains("private") || cacheControl.contains("no-store"),
                "Cache-Control: " + cacheControl);
        assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "a shared page sets no cookie");
    }

    /**
     * The path as the test asks for a page rendered with the visitor's consent: as it is in server mode, with
     * {@code ec-render} (the no-JavaScript return from a form post) in client mode.
     */
    String rendered(String path) {
        return clientMode() ? path + (path.contains("?") ? "&" : "?") + "ec-render=t" : path;
    }

    static void assertVariesByCookie(HttpResponse<?> response) {
        String vary = String.join(",", response.headers().allValues("Vary"));
        String cacheControl = String.join(",", response.headers().allValues("Cache-Control"));
        assertTrue(vary.toLowerCase().contains("cookie"), "Vary: " + vary);
        assertTrue(cacheControl.contains("private"), "Cache-Control: " + cacheControl);
        assertFalse(cacheControl.contains("public"), "Cache-Control: " + cacheControl);
    }

    /** An endpoint answer about one visitor: never stored, never shared. */
    static void assertPersonal(HttpResponse<?> response) {
        assertVariesByCookie(response);
        String cacheControl = String.join(",", response.headers().allValues("Cache-Control"));
        assertTrue(cacheControl.contains("no-store"), "Cache-Control: " + cacheControl);
    }

    static void assertLengthMatches(HttpResponse<String> response) {
        Optional<String> length = response.headers().firstValue("Content-Length");
        int actual = response.body().getBytes(StandardCharsets.UTF_8).length;
        length.ifPresent(l -> assertEquals(actual, Integer.parseInt(l), "Content-Length vs body"));
    }

    // ---- rewriting: writer, stream, content types ----

    @Test
    void writerPageIsRewritten() throws Exception {
        HttpResponse<String> response = get("/t/writer");
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertTrue(response.body().contains("Grüße aus Flensburg – €"), "charset kept: " + response.body());
        assertConsentHeaders(response);
        assertLengthMatches(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/t/stream", "/t/stream?type=add", "/t/late-type", "/t/bytebuffer"})
    void streamPagesAreRewritten(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), response.body());
        assertPlaceholder(response.body());
        assertTrue(response.body().contains("Grüße aus Flensburg – €"));
        assertConsentHeaders(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"setContentLength", "setContentLengthLong", "setHeader", "addHeader", "setIntHeader",
        "addIntHeader"})
    void contentLengthOfTheOriginalIsSwallowed(String via) throws Exception {
        HttpResponse<String> response = get("/t/writer?length=" + via);
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertTrue(response.body().length() > PAGE.length(), "the placeholder makes the page longer");
        assertLengthMatches(response);
    }

    @Test
    void writerAndStreamTogetherAreAnIllegalStateException() throws Exception {
        assertEquals("IllegalStateException", get("/t/both").body());
        assertEquals("IllegalStateException", get("/t/both-reverse").body());
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/t/writer?length=setHeader"))
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
        assertConsentHeaders(response);
        Optional<String> length = response.headers().firstValue("Content-Length");
        length.ifPresent(l -> assertFalse(l.equals(Integer.toString(TestSite.bytes(PAGE).length)),
                "HEAD announces the length of the unrewritten page"));
    }

    @Test
    void postResponsesAreNotRewritten() throws Exception {
        HttpResponse<String> response = post("/t/writer", "text/plain", "x");
        assertEquals(PAGE, response.body());
    }

    // ---- dispatches ----

    @Test
    void asyncResponseIsRewrittenAndCompleted() throws Exception {
        HttpResponse<String> response = get("/t/async");
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertTrue(response.body().endsWith(TestSite.TAIL), response.body());
        assertConsentHeaders(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/t/async-dispatch", "/t/async-dispatch-unwrapped"})
    void asyncDispatchIsRewrittenOnce(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertEquals(1, count(response.body(), "<template class=\"ec-original\""), response.body());
        assertTrue(response.body().endsWith(TestSite.TAIL), response.body());
    }

    @Test
    void forwardIsRewrittenOnce() throws Exception {
        HttpResponse<String> response = get("/t/forward");
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertEquals(1, count(response.body(), "<template class=\"ec-original\""), response.body());
    }

    @Test
    void includedFragmentIsRewrittenAsPartOfThePage() throws Exception {
        HttpResponse<String> response = get("/t/include");
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertEquals(1, count(response.body(), "<template class=\"ec-original\""), response.body());
    }

    @Test
    void errorPageIsServedAndNotRewritten() throws Exception {
        HttpResponse<String> missing = get("/t/missing");
        assertEquals(404, missing.statusCode());
        assertEquals(ERROR_PAGE, missing.body(), "error pages are not 2xx, so they pass through");
        HttpResponse<String> failing = get("/t/throw");
        assertEquals(500, failing.statusCode());
        assertEquals(ERROR_PAGE, failing.body());
    }

    @Test
    void redirectPassesThrough() throws Exception {
        HttpResponse<String> response = get("/t/redirect");
        assertEquals(302, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/t/writer"));
    }

    @Test
    void aRefusedSendErrorOnACommittedPageLeavesTheRestRewritten() throws Exception {
        HttpResponse<String> response = get("/t/error-after-commit");
        assertEquals(200, response.statusCode());
        assertPlaceholder(response.body());
        assertTrue(response.body().endsWith(TestSite.TAIL), response.body());
    }

    @Test
    void resetBufferAndResetStartTheDocumentAgain() throws Exception {
        for (String path : List.of("/t/reset-buffer", "/t/reset")) {
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertFalse(response.body().contains("JUNK"), path + ": " + response.body());
            assertPlaceholder(response.body());
            assertTrue(response.headers().firstValue("X-Junk").isEmpty(), path);
        }
    }

    // ---- passthrough ----

    @Test
    void innerGzipFilterOutputPassesThroughUntouched() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve("/t/gzip")).build(),
                BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(null));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertEquals(PAGE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(response.headers().allValues("Vary").stream().noneMatch(v -> v.toLowerCase().contains("cookie")));
    }

    @Test
    void aPageWithoutEmbedsKeepsTheApplicationsHeaders() throws Exception {
        HttpResponse<String> response = get("/t/no-embeds");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Nothing from another site"), response.body());
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.headers().firstValue("Content-Length").orElse(null), "the application's Content-Length");
        assertEquals("public, max-age=600", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("\"plain-v1\"", response.headers().firstValue("ETag").orElse(null));
        assertTrue(response.headers().allValues("Vary").stream().noneMatch(v -> v.toLowerCase().contains("cookie")),
                "Vary: " + response.headers().allValues("Vary"));
    }

    @Test
    void aSmallPageWithAnEmbedVariesByCookieAndKnowsItsLength() throws Exception {
        HttpResponse<String> response = get("/t/writer");
        assertTrue(response.body().contains("data-consent-provider=\"youtube\""), response.body());
        assertConsentHeaders(response);
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.headers().firstValue("Content-Length").orElse(null),
                "a whole page within the look-ahead is sent with its length");
    }

    @Test
    void aSlowlyWrittenBigPageStreamsBeforeItEnds() throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(base.resolve("/t/slow-big")).build(),
                BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            int first = body.read();
            long firstByte = System.nanoTime() - start;
            byte[] rest = body.readAllBytes();
            long last = System.nanoTime() - start;
            assertTrue(first >= 0 && rest.length > 2 * 1024 * 1024 - 1024, "the whole page arrives");
            assertTrue(firstByte < last / 2, "the first byte came after " + firstByte / 1_000_000
                    + " ms, the last after " + last / 1_000_000 + " ms: the page did not stream");
            assertTrue(new String(rest, StandardCharsets.UTF_8).contains("data-consent-provider=\"youtube\""));
        }
        assertConsentHeaders(response);
    }

    @Test
    void partialContentPassesThroughUntouched() throws Exception {
        HttpResponse<String> response = get("/t/partial");
        assertEquals(206, response.statusCode());
        assertEquals(PAGE, response.body());
    }

    @Test
    void nonHtmlPassesThroughUntouched() throws Exception {
        HttpResponse<String> response = get("/t/plain");
        assertEquals(PAGE, response.body());
        assertTrue(response.headers().firstValue("Cache-Control").isEmpty());
    }

    @Test
    void excludedPathsAndSkippedRequestsPassThrough() throws Exception {
        assertEquals(PAGE, get("/excluded/page").body());
        assertEquals(PAGE, get("/t/skip").body());
    }

    @Test
    void nonBlockingOutputPassesThroughAndCompletes() throws Exception {
        HttpResponse<String> response = get("/t/nonblocking");
        assertEquals(200, response.statusCode());
        assertEquals("non-blocking body", response.body());
    }

    // ---- headers ----

    @Test
    void etagVaryAndCacheControlAreAdjusted() throws Exception {
        HttpResponse<String> response = get("/t/etag");
        assertPlaceholder(response.body());
        String etag = response.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"v1-ec[0-9a-f]{8}\""), etag);
        List<String> vary = response.headers().allValues("Vary");
        assertTrue(String.join(",", vary).contains("Accept-Encoding"), "kept: " + vary);
        assertConsentHeaders(response);
        assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().contains("max-age=60"));

        String consented = cookie(grant("youtube", "provider"), "ec_consent");
        String etagConsented = get(rendered("/t/etag"), "Cookie", consented).headers().firstValue("ETag")
                .orElseThrow();
        assertFalse(etag.equals(etagConsented), "the consent variant changes the ETag");
    }

    @Test
    void cachingHeadersSetAfterTheFirstWriteStayPrivate() throws Exception {
        HttpResponse<String> response = get("/t/late-cache-headers");
        assertPlaceholder(response.body());
        assertConsentHeaders(response);
        String cacheControl = String.join(",", response.headers().allValues("Cache-Control"));
        assertEquals(!clientMode(), !cacheControl.contains("s-maxage"),
                "dropped from a page that differs by visitor, kept on one the same for all: " + cacheControl);
        assertTrue(cacheControl.contains("max-age=600"), "the application's own directives stay: " + cacheControl);
        assertTrue(String.join(",", response.headers().allValues("Vary")).contains("Accept-Language"));
    }

    @Test
    void conditionalRequestsRevalidateOnlyTheSameConsentVariant() throws Exception {
        String etag = get("/t/etag").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> notModified = get("/t/etag", "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertEquals(etag, notModified.headers().firstValue("ETag").orElseThrow());
        assertConsentHeaders(notModified);

        assertEquals(200, get("/t/etag", "If-None-Match", "\"v1\"", "Accept", "text/html").statusCode(),
                "a copy from before the filter (no variant suffix) is never revalidated for a page request");
        assertEquals(304, get("/t/etag", "If-None-Match", "\"v1\"", "Accept", "image/png").statusCode(),
                "for anything else an unsuffixed tag is the application's business");
        assertEquals(200, get("/t/etag", "If-None-Match", "\"v1-ec00000000\"").statusCode());
        String consented = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> otherVariant = get(rendered("/t/etag"), "If-None-Match", etag, "Cookie", consented);
        assertEquals(200, otherVariant.statusCode(), "a copy rendered without consent must not be revalidated");
        assertTrue(otherVariant.body().contains(EMBED));
    }

    // ---- streaming ----

    @Test
    void flushSendsTheFirstBytesBeforeTheServletFinishes() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TestSite.FLUSH_GATE.set(gate);
        try {
            HttpResponse<InputStream> response = http.sendAsync(HttpRequest.newBuilder(base.resolve("/t/flush"))
                    .build(), BodyHandlers.ofInputStream()).get(15, TimeUnit.SECONDS);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                String line;
                while ((line = reader.readLine()) != null && !line.contains("FIRST-CHUNK")) {
                    seen.append(line).append('\n');
                }
                assertNotNull(line, "the stream ended without the first chunk: " + seen);
                assertEquals(1, gate.getCount(), "the servlet is still blocked while we read the first chunk");
                gate.countDown();
                StringBuilder rest = new StringBuilder();
                while ((line = reader.readLine()) != null) {
                    rest.append(line).append('\n');
                }
                assertFalse(rest.toString().contains("GATE-TIMEOUT"));
                assertTrue(rest.toString().contains("data-consent-provider=\"youtube\""), rest.toString());
            }
        } finally {
            gate.countDown();
        }
    }

    @Test
    void hundredMegabytesStreamThroughAServerWith64MegabytesOfHeap() throws Exception {
        Path data = Files.createDirectories(work.resolve("big-data"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                BigResponseServer.class.getName(), containerName(), data.toString())
                .redirectError(work.resolve("big-server.err").toFile());
        Process server = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertNotNull(ready, () -> "the server did not start: " + read(work.resolve("big-server.err")));
            URI bigBase = URI.create(ready.substring(ready.indexOf("http")));
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(bigBase.resolve("/t/big")).build(),
                    BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            long total = 0;
            int placeholders = 0;
            byte[] needle = TestSite.bytes("data-consent-provider=\"youtube\"");
            byte[] tailNeedle = TestSite.bytes("</body></html>");
            int matched = 0;
            int tailMatched = 0;
            boolean sawTail = false;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream body = response.body()) {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        matched = b == needle[matched] ? matched + 1 : (b == needle[0] ? 1 : 0);
                        if (matched == needle.length) {
                            placeholders++;
                            matched = 0;
                        }
                        tailMatched = b == tailNeedle[tailMatched] ? tailMatched + 1 : (b == tailNeedle[0] ? 1 : 0);
                        if (tailMatched == tailNeedle.length) {
                            sawTail = true;
                            tailMatched = 0;
                        }
                    }
                    total += n;
                }
            }
            long original = TestSite.BIG_BLOCKS * TestSite.BLOCK;
            assertTrue(total > original, "received " + total + " bytes, less than the original " + original);
            assertEquals(TestSite.BIG_BLOCKS, placeholders, "one placeholder per embed");
            assertTrue(sawTail, "the document end arrived");
            assertTrue(server.isAlive(), () -> "the server died: " + read(work.resolve("big-server.err")));
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
        String err = read(work.resolve("big-server.err"));
        assertFalse(err.contains("OutOfMemoryError"), err);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    // ---- consent from the cookie ----

    @Test
    void consentedProviderRendersTheOriginalEmbed() throws Exception {
        HttpResponse<String> granted = grant("youtube", "provider");
        String cookie = cookie(granted, "ec_consent");
        HttpResponse<String> page = get(rendered("/t/writer"), "Cookie", cookie);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains(EMBED), page.body());
        assertFalse(page.body().contains("data-consent-provider=\"youtube\""), page.body());
        assertConsentHeaders(page);

        HttpResponse<String> otherVisitor = get("/t/writer");
        assertPlaceholder(otherVisitor.body());
    }

    /**
     * {@code rewrite-cache} (on by default): from its third request on, a page is replayed from its kept rewrite.
     * Each visitor still gets the page for their own consent, with the same headers, and a withdrawal counts at once.
     */
    @Test
    void aPageRequestedAgainAndAgainStaysRightForEachVisitor() throws Exception {
        String path = "/t/writer?again=" + UUID.randomUUID();
        String cookie = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> first = get(path);
        HttpResponse<String> firstConsented = get(rendered(path), "Cookie", cookie);
        assertPlaceholder(first.body());
        assertTrue(firstConsented.body().contains(EMBED), firstConsented.body());
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> other = get(path);
            assertEquals(first.body(), other.body(), "request " + i);
            assertPlaceholder(other.body());
            assertConsentHeaders(other);
            assertLengthMatches(other);
            assertEquals(first.headers().firstValue("ETag"), other.headers().firstValue("ETag"));
            HttpResponse<String> consented = get(rendered(path), "Cookie", cookie);
            assertEquals(firstConsented.body(), consented.body(), "request " + i);
            assertFalse(consented.body().contains("data-consent-provider=\"youtube\""), consented.body());
            assertLengthMatches(consented);
        }
        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/json",
                "{\"provider\":\"youtube\",\"decision\":\"withdraw\"}", "Sec-Fetch-Site", "same-origin",
                "Cookie", cookie);
        assertEquals(200, withdrawn.statusCode(), withdrawn.body());
        HttpResponse<String> after = get(rendered(path), "Cookie", cookie(withdrawn, "ec_consent"));
        assertPlaceholder(after.body());
        HttpResponse<String> olderCookie = get(rendered(path), "Cookie", cookie);
        assertPlaceholder(olderCookie.body());
    }

    @Test
    void withdrawnConsentBlocksAgain() throws Exception {
        String cookie = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/json",
                "{\"provider\":\"youtube\",\"decision\":\"withdraw\"}", "Sec-Fetch-Site", "same-origin",
                "Cookie", cookie);
        assertEquals(200, withdrawn.statusCode(), withdrawn.body());
        assertTrue(withdrawn.body().contains("\"decision\":\"withdrawn\""), withdrawn.body());
        String after = cookie(withdrawn, "ec_consent");
        assertPlaceholder(get(rendered("/t/writer"), "Cookie", after).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec_consent=garbage", "ec_consent=1.k1.AAAA.BBBB", "ec_consent=", "ec_consent=\"x\"",
        "ec_once=forged; ec_consent=1.t1.x.y"})
    void badCookiesCountAsNoConsent(String cookie) throws Exception {
        HttpResponse<String> page = get(rendered("/t/writer"), "Cookie", cookie);
        assertEquals(200, page.statusCode());
        assertPlaceholder(page.body());
        HttpResponse<String> state = get("/embed-consent/consent", "Cookie", cookie);
        assertEquals(200, state.statusCode());
        assertTrue(state.body().contains("\"subject\":null"), state.body());
        assertEquals(200, get("/embed-consent/settings", "Cookie", cookie).statusCode());
    }

    @Test
    void forgedSignatureIsNoConsent() throws Exception {
        String cookie = cookie(grant("youtube", "provider"), "ec_consent");
        String value = cookie.substring(cookie.indexOf('=') + 1);
        int dot = value.lastIndexOf('.');
        String forgedValue = value.substring(0, dot + 1) + (value.charAt(dot + 1) == 'A' ? 'B' : 'A')
                + value.substring(dot + 2);
        assertPlaceholder(get(rendered("/t/writer"), "Cookie", "ec_consent=" + forgedValue).body());
        assertTrue(get(rendered("/t/writer"), "Cookie", cookie).body().contains(EMBED),
                "the unforged cookie still works");
    }

    // ---- endpoints ----

    @Test
    void jsonGrantAnswersWithTheRecordAndState() throws Exception {
        HttpResponse<String> response = grant("vimeo", "provider");
        String body = response.body();
        for (String field : List.of("\"recordId\":", "\"subject\":", "\"provider\":\"vimeo\"",
                "\"decision\":\"given\"", "\"state\":{")) {
            assertTrue(body.contains(field), field + " in " + body);
        }
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        String setCookie = setCookie(response, "ec_consent").orElseThrow();
        assertAll(() -> assertTrue(setCookie.contains("HttpOnly")),
                () -> assertTrue(setCookie.contains("SameSite=Lax")),
                () -> assertTrue(setCookie.contains("Path=/")),
                () -> assertFalse(setCookie.contains("Secure"), "plain HTTP"));
        HttpResponse<String> state = get("/embed-consent/consent", "Cookie", cookie(response, "ec_consent"));
        assertTrue(state.body().contains("\"vimeo\":{\"decision\":\"given\",\"granted\":true"), state.body());
        assertPersonal(response);
        assertPersonal(state);
    }

    @Test
    void recordsCarryMethodLanguageGpcAndPageButNoAddress() throws Exception {
        HttpResponse<String> button = post("/embed-consent/consent", "application/json",
                "{\"provider\":\"vimeo\",\"decision\":\"grant\",\"scope\":\"once\",\"page\":\"/news/visit?q=x\"}",
                "Sec-Fetch-Site", "same-origin", "Sec-GPC", "1", "Accept-Language", "uk,en;q=0.5");
        assertEquals(200, button.statusCode(), button.body());
        String record = storedRecord(button.body());
        for (String field : List.of("\"method\":\"button\"", "\"gpc\":true", "\"language\":\"uk\"",
                "\"page\":\"/news/visit\"", "\"scope\":\"once\"", "\"decision\":\"given\"")) {
            assertTrue(record.contains(field), field + " in " + record);
        }
        assertFalse(record.contains("127.0.0.1"), record);

        HttpResponse<String> api = post("/embed-consent/consent", "application/json",
                "{\"provider\":\"vimeo\",\"decision\":\"withdraw\"}");
        String apiRecord = storedRecord(api.body());
        assertTrue(apiRecord.contains("\"method\":\"api\"") && apiRecord.contains("\"gpc\":false"), apiRecord);
        assertTrue(apiRecord.contains("\"language\":\"en\""), "default language: " + apiRecord);
    }

    /** The stored JSON line of the record named in an endpoint answer. */
    private String storedRecord(String answer) throws IOException {
        Matcher id = Pattern.compile("\"recordId\":\"([^\"]+)\"").matcher(answer);
        assertTrue(id.find(), answer);
        try (Stream<Path> files = Files.walk(work.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains("\"recordId\":\"" + id.group(1) + "\"")) {
                        return line;
                    }
                }
            }
        }
        throw new AssertionError("record " + id.group(1) + " is not in the data directory");
    }

    @Test
    void formGrantRedirectsToTheSameOriginReturnPath() throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=grant&scope=provider&return=%2Ft%2Fwriter%3Fa%3D1", "Origin", origin());
        assertEquals(303, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        if (clientMode()) {
            assertTrue(location.matches("/t/writer\\?a=1&ec-render=[0-9a-z]+"), "a copy caches key apart: " + location);
        } else {
            assertEquals("/t/writer?a=1", location);
        }
        String cookie = cookie(response, "ec_consent");
        assertTrue(get(location, "Cookie", cookie).body().contains(EMBED));

        HttpResponse<String> offsite = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=grant&return=https%3A%2F%2Fevil.example%2F", "Origin", origin());
        assertEquals(303, offsite.statusCode());
        URI offsiteLocation = URI.create(offsite.headers().firstValue("Location").orElseThrow());
        assertEquals("/", offsiteLocation.getPath());
        assertEquals(null, offsiteLocation.getHost());
    }

    @Test
    void formLoadOnceShowsThatPageOnceThenBlocksAgain() throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=grant&scope=once&return=%2Ft%2Fwriter", "Origin", origin());
        assertEquals(303, response.statusCode());
        String consent = cookie(response, "ec_consent");
        String once = cookie(response, "ec_once");
        assertTrue(setCookie(response, "ec_once").orElseThrow().contains("Path=/t/writer"));
        HttpResponse<String> first = get(rendered("/t/writer"), "Cookie", consent + "; " + once);
        assertTrue(first.body().contains(EMBED), first.body());
        assertFalse(first.body().contains("data-consent-provider=\"youtube\""));
        assertTrue(setCookie(first, "ec_once").orElseThrow().contains("Max-Age=0"), "the grant is consumed");
        assertPlaceholder(get(rendered("/t/writer"), "Cookie", consent).body());
        assertPlaceholder(get(rendered("/t/writer"), "Cookie", once).body());
    }

    @Test
    void theUrlCannotAddAttributesToTheConsumedOnceCookie() throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=grant&scope=once&return=%2Ft%2Fwriter", "Origin", origin());
        String cookies = cookie(response, "ec_consent") + "; " + cookie(response, "ec_once");
        HttpResponse<String> page = get(rendered("/t/writer;Domain=evil.example;Max-Age=99999"), "Cookie", cookies);
        assertEquals(200, page.statusCode(), page.body());
        String deletion = setCookie(page, "ec_once").orElseThrow();
        assertFalse(deletion.contains("Domain") || deletion.contains("99999"), deletion);
        assertTrue(deletion.startsWith("ec_once=; Path=/; Max-Age=0;"), deletion);
    }

    @Test
    void settingsPageListsDecisionsWithAWithdrawForm() throws Exception {
        String cookie = cookie(grant("youtube", "provider"), "ec_consent");
        HttpResponse<String> page = get("/embed-consent/settings", "Cookie", cookie, "Accept-Language", "de-DE,de");
        assertEquals(200, page.statusCode());
        String body = page.body();
        assertTrue(body.contains("<html lang=\"de\">"), body);
        assertTrue(body.contains("<form class=\"ec-settings-form\" method=\"post\" action=\"/embed-consent/consent\">"),
                body);
        assertTrue(body.contains("name=\"decision\" value=\"withdraw\""), body);
        assertFalse(body.contains("<script"), body);
        assertFalse(body.contains("style="), body);
        assertTrue(body.contains("/embed-consent/embed-consent.css"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        assertPersonal(page);

        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=youtube&decision=withdraw&scope=provider&return=%2Fembed-consent%2Fsettings",
                "Origin", origin(), "Cookie", cookie);
        assertEquals(303, withdrawn.statusCode());
        assertEquals("/embed-consent/settings", withdrawn.headers().firstValue("Location").orElseThrow());
        String after = get("/embed-consent/settings", "Cookie", cookie(withdrawn, "ec_consent")).body();
        assertFalse(after.contains("value=\"withdraw\""), after);
    }

    @Test
    void assetsAreServedWithTypesAndCaching() throws Exception {
        Map<String, String> types = Map.of("/embed-consent/embed-consent.js", "text/javascript",
                "/embed-consent/embed-consent.css", "text/css");
        for (Map.Entry<String, String> asset : types.entrySet()) {
            HttpResponse<String> response = get(asset.getKey());
            assertEquals(200, response.statusCode(), asset.getKey());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith(asset.getValue()));
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().contains("max-age"));
            String etag = response.headers().firstValue("ETag").orElseThrow();
            assertFalse(response.body().isEmpty());
            assertEquals(304, get(asset.getKey(), "If-None-Match", etag).statusCode());
        }
    }

    @Test
    void crossSitePostsAreForbidden() throws Exception {
        String json = "{\"provider\":\"youtube\",\"decision\":\"grant\"}";
        String form = "provider=youtube&decision=grant";
        List<HttpResponse<String>> refused = List.of(
                post("/embed-consent/consent", "application/json", json, "Sec-Fetch-Site", "cross-site"),
                post("/embed-consent/consent", "application/json", json, "Sec-Fetch-Site", "same-site"),
                post("/embed-consent/consent", "application/json", json, "Origin", "https://evil.example"),
                post("/embed-consent/consent", "application/json", json, "Origin", "null"),
                post("/embed-consent/consent", "application/x-www-form-urlencoded", form,
                        "Referer", "https://evil.example/page"),
                post("/embed-consent/consent", "application/x-www-form-urlencoded", form));
        for (HttpResponse<String> response : refused) {
            assertEquals(403, response.statusCode(), response.request().headers() + " -> " + response.body());
            assertTrue(response.body().contains("\"error\":\"cross_site\""), response.body());
            assertTrue(setCookie(response, "ec_consent").isEmpty());
        }
        assertEquals(200, post("/embed-consent/consent", "application/json", json).statusCode(),
                "JSON without browser signals is an API client, which cannot be forged cross-site");
        assertEquals(303, post("/embed-consent/consent", "application/x-www-form-urlencoded", form,
                "Referer", origin() + "/t/writer").statusCode());
    }

    @Test
    void aRefusedPostLeavesTheConnectionUsableForTheNextRequest() throws Exception {
        // Headers first, the body a moment later (as HTTP clients write them): the refusal must not leave an unread
        // body behind that makes the container drop the connection the client is about to reuse.
        String json = "{\"provider\":\"youtube\",\"decision\":\"grant\"}";
        String host = base.getHost() + ":" + base.getPort();
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /embed-consent/consent HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json"
                    + "\r\nSec-Fetch-Site: cross-site\r\nContent-Length: " + json.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write(json.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(403, readResponse(in));
            out.write(("GET /embed-consent/consent HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(200, readResponse(in), "the second request on the same connection got no response");
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length or chunked body; returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String status = readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 "), "no response, got '" + status + "'");
        long length = -1;
        boolean chunked = false;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(readLine(in).strip().split(";")[0], 16)) > 0; ) {
                in.readNBytes((int) size);
                readLine(in);
            }
            readLine(in);
        } else if (length > 0) {
            in.readNBytes((int) length);
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return line.toString();
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    void badInputGetsJsonErrorsNeverA5xx() throws Exception {
        String sameOrigin = "same-origin";
        record Case(int status, String error, HttpResponse<String> response) {}
        List<Case> cases = List.of(
                new Case(400, "malformed_json", post("/embed-consent/consent", "application/json", "{nope",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "malformed_json", post("/embed-consent/consent", "application/json", "[1]",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"youtube\"}", "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"youtube\",\"decision\":\"maybe\"}", "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"forever\"}",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/json",
                        "{\"provider\":7,\"decision\":\"grant\"}", "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"page\":\"http://x/\"}",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "unknown_provider", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"myspace\",\"decision\":\"grant\"}", "Sec-Fetch-Site", sameOrigin)),
                new Case(400, "bad_field", post("/embed-consent/consent", "application/x-www-form-urlencoded",
                        "provider=%zz&decision=grant", "Sec-Fetch-Site", sameOrigin)),
                new Case(415, "unsupported_media_type", post("/embed-consent/consent", "text/plain",
                        "{\"provider\":\"youtube\",\"decision\":\"grant\"}", "Sec-Fetch-Site", sameOrigin)),
                new Case(413, "body_too_large", post("/embed-consent/consent", "application/json",
                        "{\"provider\":\"" + "y".repeat(5000) + "\",\"decision\":\"grant\"}",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(413, "body_too_large", chunked("{\"provider\":\"" + "y".repeat(9000) + "\"}")),
                new Case(405, "method_not_allowed", http.send(HttpRequest.newBuilder(
                        base.resolve("/embed-consent/consent")).method("DELETE", BodyPublishers.noBody()).build(),
                        BodyHandlers.ofString())),
                new Case(405, "method_not_allowed", post("/embed-consent/settings", "application/json", "{}",
                        "Sec-Fetch-Site", sameOrigin)),
                new Case(404, "not_found", get("/embed-consent/nothing-here")));
        for (Case c : cases) {
            HttpResponse<String> response = c.response();
            assertEquals(c.status(), response.statusCode(), response.request() + " -> " + response.body());
            assertTrue(response.body().startsWith("{\"error\":\"" + c.error() + "\",\"message\":\""),
                    response.request() + " -> " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        }
        assertEquals("GET, HEAD, POST", cases.get(12).response().headers().firstValue("Allow").orElseThrow());
        assertEquals("GET, HEAD", cases.get(13).response().headers().firstValue("Allow").orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"youtube\"", "{}", "{\"provider\":[\"youtube\"],\"decision\":\"grant\"}",
        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"language\":\"en;DROP\"}",
        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"page\":\"//evil.example/x\"}",
        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"method\":\"form\"}",
        "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":1e999999}",
        "{\"provider\":\"\\ud800\",\"decision\":\"grant\"}", "{\"a\":1}{\"b\":2}", "\u00ff\u00fe{"})
    void hostileJsonIsA400(String body) throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/json", body,
                "Sec-Fetch-Site", "same-origin");
        assertEquals(400, response.statusCode(), body + " -> " + response.body());
        assertTrue(response.body().startsWith("{\"error\":\""), response.body());
    }

    @Test
    void deeplyNestedJsonIsA400() throws Exception {
        HttpResponse<String> response = post("/embed-consent/consent", "application/json",
                "[".repeat(4000), "Sec-Fetch-Site", "same-origin");
        assertEquals(400, response.statusCode(), response.body());
    }

    private HttpResponse<String> chunked(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(TestSite.bytes(body))))
                .build(), BodyHandlers.ofString());
    }

    @Test
    void initParametersConfigureAFilterRegisteredByClassAndTheRateLimitAnswers429() throws Exception {
        try (ServletContainer limited = ServletContainer.named(containerName())) {
            Map<String, String> initParameters = Map.of(
                    "config", "data-dir=" + work.resolve("limited") + "; hmac-key=" + KEY,
                    "rate-limit", "3/1m",
                    "base-path", "/consent-api");
            URI limitedBase = limited.start(new TestSite(initParameters), ERROR_PAGES, work.resolve("limited-work"));
            assertEquals(404, http.send(HttpRequest.newBuilder(limitedBase.resolve("/embed-consent/embed-consent.css"))
                    .build(), BodyHandlers.ofString()).statusCode(), "base-path moved the endpoints");
            assertTrue(http.send(HttpRequest.newBuilder(limitedBase.resolve("/t/writer")).build(),
                    BodyHandlers.ofString()).body().contains("action=\"/consent-api/consent\""),
                    "placeholders post to the configured base path");
            HttpRequest request = HttpRequest.newBuilder(limitedBase.resolve("/consent-api/consent"))
                    .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
                    .POST(BodyPublishers.ofString("{\"provider\":\"youtube\",\"decision\":\"grant\"}")).build();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.send(request, BodyHandlers.ofString()).statusCode(), "request " + i);
            }
            HttpResponse<String> limitedResponse = http.send(request, BodyHandlers.ofString());
            assertEquals(429, limitedResponse.statusCode());
            assertTrue(limitedResponse.body().startsWith("{\"error\":\"rate_limited\""));
            assertTrue(limitedResponse.headers().firstValue("Retry-After").isPresent());
        }
    }

    // ---- frames from unknown hosts and the Content-Security-Policy backstop (issue 9) ----

    private static HttpRequest.Builder at(URI root, String path) {
        return HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> report(String contentType, String body, String... headers) throws Exception {
        return post("/embed-consent/csp-report", contentType, body, headers);
    }

    static final String LEGACY_REPORT = "{\"csp-report\":{\"document-uri\":\"http://127.0.0.1/t/injecting?token=x\","
            + "\"blocked-uri\":\"https://videos.example.org/\",\"effective-directive\":\"frame-src\","
            + "\"violated-directive\":\"frame-src\",\"disposition\":\"enforce\",\"status-code\":200}}";
    static final String REPORTS_JSON = "[{\"type\":\"csp-violation\",\"age\":3,\"url\":\"http://127.0.0.1/t/x\","
            + "\"user_agent\":\"test\",\"body\":{\"documentURL\":\"http://127.0.0.1/t/x\","
            + "\"blockedURL\":\"https://clips.example.net/v/2\",\"effectiveDirective\":\"frame-src\","
            + "\"disposition\":\"report\"}},{\"type\":\"deprecation\",\"body\":{}}]";

    @Test
    void enforceAddsThePolicyToRewrittenPagesOnly() throws Exception {
        HttpResponse<String> page = send(at(enforcingBase, "/t/writer"));
        assertEquals(200, page.statusCode(), page.body());
        assertPlaceholder(page.body());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow(
                () -> new AssertionError("no policy in " + page.headers().map()));
        assertTrue(policy.startsWith("frame-src 'self' https://youtube.com https://*.youtube.com "), policy);
        assertTrue(policy.contains(" https://*.partner.example https://player.example.net"), policy);
        assertTrue(policy.endsWith("; child-src 'self' blob: https:; report-uri /embed-consent/csp-report"), policy);
        assertTrue(page.headers().allValues("Content-Security-Policy-Report-Only").isEmpty());

        for (String passed : List.of("/t/plain", "/t/partial", "/excluded/page", "/t/inject.js")) {
            HttpResponse<String> response = send(at(enforcingBase, passed));
            assertTrue(response.headers().allValues("Content-Security-Policy").isEmpty(), passed);
        }
        assertTrue(get("/t/writer").headers().allValues("Content-Security-Policy").isEmpty(), "csp=off");
    }

    @Test
    void reportModeSendsTheReportOnlyHeader() throws Exception {
        try (ServletContainer reporting = ServletContainer.named(containerName())) {
            URI root = reporting.start(new TestSite(Map.of("config", "data-dir=" + work.resolve("reporting")
                    + "; hmac-key=" + KEY, "csp", "report")), ERROR_PAGES, work.resolve("reporting-work"));
            HttpResponse<String> page = send(at(root, "/t/writer"));
            assertPlaceholder(page.body());
            String policy = page.headers().firstValue("Content-Security-Policy-Report-Only").orElseThrow();
            assertTrue(policy.startsWith("frame-src 'self' https://youtube.com "), policy);
            assertTrue(page.headers().allValues("Content-Security-Policy").isEmpty());
        }
    }

    private HttpResponse<String> grantUnknownHostOnEnforcing(String scope) throws Exception {
        return send(at(enforcingBase, "/embed-consent/consent")
                .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
                .POST(BodyPublishers.ofString("{\"provider\":\"host:videos.example.org\",\"decision\":\"grant\","
                        + "\"scope\":\"" + scope + "\",\"page\":\"/t/unknown-frame\"}")));
    }

    @Test
    void theVisitorsConsentedUnknownHostsJoinThePolicy() throws Exception {
        HttpResponse<String> granted = grantUnknownHostOnEnforcing("provider");
        assertEquals(200, granted.statusCode(), granted.body());
        HttpResponse<String> page = send(at(enforcingBase, rendered("/t/writer"))
                .header("Cookie", cookie(granted, "ec_consent")));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains(" https://player.example.net https://videos.example.org; child-src"), policy);
        assertFalse(send(at(enforcingBase, "/t/writer")).headers()
                .firstValue("Content-Security-Policy").orElseThrow().contains("videos.example.org"), "other visitors");
    }

    @Test
    void aJsonLoadOnceForAnUnknownHostUnderEnforceCarriesAGrantToTheReload() throws Exception {
        HttpResponse<String> once = grantUnknownHostOnEnforcing("once");
        assertEquals(200, once.statusCode(), once.body());
        assertTrue(setCookie(once, "ec_once").orElseThrow().contains("Path=/t/unknown-frame"));
        HttpResponse<String> reload = send(at(enforcingBase, rendered("/t/unknown-frame"))
                .header("Cookie", cookie(once, "ec_consent") + "; " + cookie(once, "ec_once")));
        assertTrue(reload.headers().firstValue("Content-Security-Policy").orElseThrow()
                .contains(" https://videos.example.org;"), "the reload lists the host");
        assertTrue(reload.body().contains(TestSite.UNKNOWN_FRAME), reload.body());
        assertTrue(setCookie(reload, "ec_once").orElseThrow().contains("Max-Age=0"), "the grant is consumed");
        assertTrue(setCookie(grant("youtube", "once"), "ec_once").isEmpty(), "named providers and csp=off: no grant");
    }

    /** Needs the rewriter's generic frame blocking (lead's change for issue 9). */
    @Test
    void aFrameFromAnUnknownHostBecomesAPlaceholderUntilConsented() throws Exception {
        HttpResponse<String> page = get("/t/unknown-frame");
        assertTrue(page.body().contains("data-consent-provider=\"host:videos.example.org\""), page.body());
        assertTrue(page.body().indexOf("<template") < page.body().indexOf("<iframe"), page.body());
        String cookie = cookie(grant("host:videos.example.org", "provider"), "ec_consent");
        HttpResponse<String> consented = get(rendered("/t/unknown-frame"), "Cookie", cookie);
        assertTrue(consented.body().contains(TestSite.UNKNOWN_FRAME), consented.body());
        assertFalse(consented.body().contains("data-consent-provider=\"host:"), consented.body());
    }

    @Test
    void consentForAnUnknownHostIsRecordedListedAndWithdrawnLikeAProviders() throws Exception {
        HttpResponse<String> granted = grant("host:videos.example.org", "provider");
        assertTrue(granted.body().contains("\"provider\":\"host:videos.example.org\""), granted.body());
        assertTrue(storedRecord(granted.body()).contains("\"provider\":\"host:videos.example.org\""));
        String cookie = cookie(granted, "ec_consent");
        assertTrue(get("/embed-consent/consent", "Cookie", cookie).body()
                .contains("\"host:videos.example.org\":{\"decision\":\"given\",\"granted\":true"));
        String settings = get("/embed-consent/settings", "Cookie", cookie).body();
        assertTrue(settings.contains("<tr><th scope=\"row\">videos.example.org</th>"), settings);
        assertTrue(settings.contains("name=\"provider\" value=\"host:videos.example.org\""), settings);
        assertTrue(settings.contains("Withdraw consent for videos.example.org</button>"), settings);
        assertFalse(settings.contains("href=\"https://videos.example.org/\""), "no made-up privacy policy link");

        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/x-www-form-urlencoded",
                "provider=host%3Avideos.example.org&decision=withdraw&scope=provider&return=%2Fembed-consent%2Fsettings",
                "Origin", origin(), "Cookie", cookie);
        assertEquals(303, withdrawn.statusCode(), withdrawn.body());
        String after = get("/embed-consent/settings", "Cookie", cookie(withdrawn, "ec_consent")).body();
        assertTrue(after.contains("videos.example.org") && !after.contains("value=\"withdraw\""), after);

        for (String bad : List.of("host:", "host:VIDEOS.example.org", "host:a b", "host:<script>")) {
            HttpResponse<String> response = post("/embed-consent/consent", "application/json",
                    "{\"provider\":\"" + bad + "\",\"decision\":\"grant\"}", "Sec-Fetch-Site", "same-origin");
            assertEquals(400, response.statusCode(), bad);
            assertTrue(response.body().startsWith("{\"error\":\"unknown_provider\""), response.body());
        }
    }

    @Test
    void violationReportsAreTakenInBothFormats() throws Exception {
        for (HttpResponse<String> response : List.of(
                report("application/csp-report", LEGACY_REPORT),
                report("application/csp-report; charset=utf-8", LEGACY_REPORT, "Sec-Fetch-Site", "same-origin"),
                report("application/reports+json", REPORTS_JSON, "Origin", origin()),
                report("application/reports+json", "[]"),
                report("application/csp-report", "{\"csp-report\":{\"blocked-uri\":\"inline\","
                        + "\"effective-directive\":\"script-src-elem\"}}"))) {
            assertEquals(204, response.statusCode(), response.request() + " -> " + response.body());
            assertEquals("", response.body());
            assertTrue(setCookie(response, "ec_consent").isEmpty());
        }
    }

    @Test
    void badViolationReportsGetJsonErrors() throws Exception {
        record Case(int status, String error, HttpResponse<String> response) {}
        List<Case> cases = List.of(
                new Case(415, "unsupported_media_type", report("application/json", LEGACY_REPORT)),
                new Case(415, "unsupported_media_type", report("text/plain", LEGACY_REPORT)),
                new Case(400, "malformed_json", report("application/csp-report", "{\"csp-report\":")),
                new Case(400, "malformed_json", report("application/csp-report", "[]")),
                new Case(400, "malformed_json", report("application/reports+json", "{}")),
                new Case(400, "malformed_json", report("application/reports+json", "[".repeat(4000))),
                new Case(413, "body_too_large", report("application/reports+json",
                        "[" + (REPORTS_JSON.substring(1, REPORTS_JSON.length() - 1) + ",").repeat(100) + "{}]")),
                new Case(403, "cross_site", report("application/csp-report", LEGACY_REPORT,
                        "Sec-Fetch-Site", "cross-site")),
                new Case(403, "cross_site", report("application/csp-report", LEGACY_REPORT,
                        "Origin", "https://evil.example")),
                new Case(405, "method_not_allowed", get("/embed-consent/csp-report")));
        for (Case c : cases) {
            HttpResponse<String> response = c.response();
            assertEquals(c.status(), response.statusCode(), response.request() + " -> " + response.body());
            assertTrue(response.body().startsWith("{\"error\":\"" + c.error() + "\",\"message\":\""),
                    response.request() + " -> " + response.body());
        }
        assertEquals("POST", cases.get(cases.size() - 1).response().headers().firstValue("Allow").orElseThrow());
        assertTrue(report("application/csp-report", "{\"csp-report\":{}}" + " ".repeat(16 * 1024 - 20))
                .statusCode() == 204, "just under 16 KB is taken");
    }

    @Test
    void violationReportsHaveATokenBucketOfTheirOwn() throws Exception {
        HttpRequest.Builder request = at(enforcingBase, "/embed-consent/csp-report")
                .header("Content-Type", "application/csp-report")
                .POST(BodyPublishers.ofString(LEGACY_REPORT));
        HttpResponse<String> last = null;
        for (int i = 0; i < 5; i++) {
            last = send(request);
        }
        assertEquals(429, last.statusCode(), last.body());
        assertTrue(last.body().startsWith("{\"error\":\"rate_limited\""), last.body());
        assertTrue(last.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> consent = send(at(enforcingBase, "/embed-consent/consent").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"provider\":\"vimeo\",\"decision\":\"grant\"}")));
        assertEquals(200, consent.statusCode(), "reports never use up the consent posts: " + consent.body());
    }

    // ---- the hint cookie of both modes (the client-only cases are in ClientModeFilterContract) ----

    @Test
    void theHintCookieFollowsTheVisitorsStandingDecisions() throws Exception {
        HttpResponse<String> first = grant("youtube", "provider");
        String hint = setCookie(first, "ec_hint").orElseThrow();
        assertTrue(hint.startsWith("ec_hint=youtube; Path=/;"), hint);
        assertFalse(hint.contains("HttpOnly"), "the activation script reads it: " + hint);
        assertTrue(first.body().contains("\"announce\":\"loaded\""), first.body());
        String consent = cookie(first, "ec_consent");
        assertTrue(setCookie(grant("vimeo", "once", consent + "; ec_hint=youtube"), "ec_hint").isEmpty(),
                "a once grant is no standing consent: the hint stays");
        HttpResponse<String> second = grant("vimeo", "provider", consent + "; ec_hint=youtube");
        assertTrue(setCookie(second, "ec_hint").orElseThrow().startsWith("ec_hint=vimeo|youtube;"));
        HttpResponse<String> withdrawn = post("/embed-consent/consent", "application/json",
                "{\"provider\":\"youtube\",\"decision\":\"withdraw\",\"language\":\"de\"}",
                "Sec-Fetch-Site", "same-origin", "Cookie", consent);
        assertTrue(setCookie(withdrawn, "ec_hint").orElseThrow().startsWith("ec_hint=vimeo;"));
        assertTrue(withdrawn.body().contains("\"announce\":\"Einwilligung widerrufen\""), withdrawn.body());

        HttpResponse<String> state = get("/embed-consent/consent", "Cookie", consent + "; ec_hint=youtube|x");
        assertTrue(setCookie(state, "ec_hint").orElseThrow().startsWith("ec_hint=vimeo;"), "a wrong hint is put right");
        assertTrue(setCookie(get("/embed-consent/consent", "Cookie", consent + "; ec_hint=vimeo"), "ec_hint")
                .isEmpty(), "a right one is left alone");
        HttpResponse<String> forged = get("/embed-consent/consent", "Cookie", "ec_hint=youtube");
        assertTrue(forged.body().contains("\"state\":{}"), forged.body());
        assertTrue(setCookie(forged, "ec_hint").orElseThrow().contains("Max-Age=0"), "a hint without consent goes");
    }
}

package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.preview.UpstreamException.Reason;
import dev.embedconsent.testing.FakeProvider;
import dev.embedconsent.testing.FakeProvider.Handler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamClientTest {

    private static final String THUMBS = "i.ytimg.com";
    private static final String CDN = "cdn.example";
    private static final String RAW = "raw.example";
    /** A host of the fake (so it would answer) that the tests never allow. */
    private static final String EVIL = "evil.example";
    private static final Predicate<String> ALLOWED = Set.of(THUMBS, CDN, RAW)::contains;
    private static final int MAX = 100_000;

    private static byte[] png;

    private FakeProvider provider;

    @BeforeAll
    static void makeImage() throws IOException {
        png = ImageFormatTest.image("png");
    }

    @BeforeEach
    void startProvider() throws IOException {
        provider = FakeProvider.start(THUMBS, CDN, RAW, EVIL);
    }

    @AfterEach
    void stopProvider() {
        provider.close();
    }

    private UpstreamResponse get(String url) throws UpstreamException {
        return provider.client().get(URI.create(url), ALLOWED, "image/*", MAX);
    }

    private static UpstreamException fails(Reason reason, Executable fetch) {
        UpstreamException e = assertThrows(UpstreamException.class, fetch);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // ---- answers

    @Test
    void fetchesAnImageWithContentLength() throws IOException {
        provider.on(THUMBS, "/vi/abc/hqdefault.jpg?x=1", Handler.ok("image/png", png));
        UpstreamResponse response = get("https://I.YTIMG.com/vi/abc/hqdefault.jpg?x=1#frag");
        assertEquals(URI.create("https://i.ytimg.com/vi/abc/hqdefault.jpg?x=1"), response.url());
        assertEquals(200, response.status());
        assertEquals("image/png", response.contentType());
        assertArrayEquals(png, response.body());
        assertEquals(ImageFormat.PNG, ImageFormat.detect(response.body()).orElseThrow());
        assertEquals(1, provider.requests(THUMBS, "/vi/abc/hqdefault.jpg?x=1"));
        assertEquals(List.of(provider.address(THUMBS)), provider.connectedAddresses());
    }

    @Test
    void sendsOnlyTheFixedRequestHeaders() throws IOException {
        provider.on(THUMBS, "/a.jpg", Handler.ok("image/png", png));
        provider.client().get(URI.create("https://i.ytimg.com/a.jpg"), ALLOWED, "image/avif,image/webp,*/*", MAX);
        assertEquals(Map.of(
                "host", List.of("i.ytimg.com"),
                "user-agent", List.of("EmbedConsent-Preview/1"),
                "accept", List.of("image/avif,image/webp,*/*"),
                "accept-encoding", List.of("identity"),
                "connection", List.of("close")), provider.lastRequestHeaders());
    }

    @Test
    void readsAChunkedBody() throws IOException {
        byte[] body = new byte[20_000];
        new Random(7).nextBytes(body);
        provider.on(CDN, "/big", Handler.chunked("application/octet-stream", body, 1000));
        assertArrayEquals(body, get("https://cdn.example/big").body());
    }

    @Test
    void readsChunkExtensionsAndTrailers() throws IOException {
        provider.onRaw(RAW, ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\n{\"a\":\r\n"
                + "8 ; q=\"x;y\"\r\n\"thumb\"}\r\n"
                + "0\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n"));
        UpstreamResponse response = provider.client().get(URI.create("https://raw.example/oembed?url=x"), ALLOWED,
                "application/json", MAX);
        assertEquals("{\"a\":\"thumb\"}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", response.contentType());
        assertEquals(1, provider.requests(RAW, "/oembed?url=x"));
    }

    @Test
    void readsABodyThatEndsWithTheConnection() throws IOException {
        byte[] gif = ImageFormatTest.image("gif");
        provider.onRaw(RAW, concat(ascii("HTTP/1.0 200 OK\r\nContent-Type: image/gif\r\n\r\n"), gif));
        UpstreamResponse response = get("https://raw.example/t.gif");
        assertArrayEquals(gif, response.body());
        assertEquals("image/gif", response.contentType());
    }

    @Test
    void skipsInterimResponses() throws IOException {
        provider.onRaw(RAW, ascii("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        UpstreamResponse response = get("https://raw.example/");
        assertEquals("ok", new String(response.body(), StandardCharsets.US_ASCII));
        assertEquals(null, response.contentType());
    }

    // ---- sizes and deadlines

    @Test
    void acceptsABodyOfExactlyTheLimit() throws IOException {
        provider.on(CDN, "/exact", Handler.ok("image/png", new byte[MAX]));
        provider.on(CDN, "/over", Handler.ok("image/png", new byte[MAX + 1]));
        assertEquals(MAX, get("https://cdn.example/exact").body().length);
        fails(Reason.TOO_LARGE, () -> get("https://cdn.example/over"));
    }

    @Test
    void refusesAnAnnouncedHugeBodyWithoutReadingIt() {
        AtomicLong written = new AtomicLong();
        provider.on(CDN, "/huge", Handler.stream("image/jpeg", 50_000_000, true, written));
        long start = System.nanoTime();
        UpstreamException e = fails(Reason.TOO_LARGE, () -> get("https://cdn.example/huge"));
        assertTrue(e.getMessage().contains("Content-Length 50000000"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void stopsReadingAHugeUnannouncedBody(boolean chunked) throws InterruptedException {
        AtomicLong written = new AtomicLong();
        if (chunked) {
            provider.on(CDN, "/huge", Handler.stream("image/jpeg", 50_000_000, false, written));
        } else {
            byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n");
            provider.onRaw(CDN, concat(head, new byte[50_000_000]));
        }
        long start = System.nanoTime();
        fails(Reason.TOO_LARGE, () -> get("https://cdn.example/huge"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000);
        // what the server got out before the client hung up fills socket buffers, not 50 MB
        long sent = -1;
        for (int i = 0; i < 50 && sent != written.get() + provider.rawBytesWritten(); i++) {
            sent = written.get() + provider.rawBytesWritten();
            Thread.sleep(100);
        }
        assertTrue(sent < 25_000_000, sent + " bytes written");
    }

    @Test
    void endsASlowAnswerAtTheTotalDeadline() {
        // each byte comes well within any per-read timeout; only the total deadline stops this
        provider.on(CDN, "/slow", Handler.trickle("image/jpeg", 100, Duration.ofMillis(100)));
        UpstreamClient client = provider.clientBuilder().timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();
        fails(Reason.TIMEOUT, () -> client.get(URI.create("https://cdn.example/slow"), ALLOWED, "image/*", MAX));
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(elapsed >= 900 && elapsed < 2000, elapsed + " ms");
    }

    // ---- statuses and redirects

    @ParameterizedTest
    @ValueSource(ints = {204, 404, 500})
    void refusesOtherStatuses(int status) {
        provider.on(THUMBS, "/x", Handler.respond(status, "text/html", ascii("<h1>no</h1>")));
        UpstreamException e = fails(Reason.BAD_STATUS, () -> get("https://i.ytimg.com/x"));
        assertTrue(e.getMessage().contains("status " + status), e.getMessage());
        assertTrue(e.getMessage().contains("i.ytimg.com"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "301, https://cdn.example/img.png, https://cdn.example/img.png",
        "302, //cdn.example/img.png, https://cdn.example/img.png",
        "303, /other.png, https://i.ytimg.com/other.png",
        "307, ../other.png, https://i.ytimg.com/other.png",
        "308, https://CDN.example:443/img.png, https://cdn.example/img.png"})
    void followsRedirectsToAllowedHosts(int status, String location, String target) throws IOException {
        provider.on(THUMBS, "/vi/start.jpg", Handler.redirect(status, location));
        provider.on(CDN, "/img.png", Handler.ok("image/png", png));
        provider.on(THUMBS, "/other.png", Handler.ok("image/png", png));
        UpstreamResponse response = get("https://i.ytimg.com/vi/start.jpg");
        assertEquals(URI.create(target), response.url());
        assertArrayEquals(png, response.body());
        assertEquals(2, provider.requests());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.example/x",
        "http://i.ytimg.com/x",
        "https://i.ytimg.com:8443/x",
        "https://user@i.ytimg.com/x",
        "https://203.0.113.10/x",
        "file:///etc/passwd",
        "https://exa mple.com/"})
    void refusesRedirectsThatWouldBeRefusedAsUrls(String location) {
        provider.on(THUMBS, "/start", Handler.redirect(302, location));
        provider.on(EVIL, "/x", Handler.ok("image/png", png));
        provider.on(THUMBS, "/x", Handler.ok("image/png", png));
        UpstreamException e = fails(Reason.BAD_REDIRECT, () -> get("https://i.ytimg.com/start"));
        assertTrue(e.getMessage().contains("i.ytimg.com"), e.getMessage());
        assertEquals(0, provider.requests(EVIL, "/x"));
        assertEquals(0, provider.requests(THUMBS, "/x"));
        assertEquals(List.of(provider.address(THUMBS)), provider.connectedAddresses());
    }

    @Test
    void refusesARedirectWithoutLocation() {
        provider.on(THUMBS, "/start", exchange -> exchange.sendResponseHeaders(302, -1));
        fails(Reason.BAD_REDIRECT, () -> get("https://i.ytimg.com/start"));
    }

    @Test
    void stopsARedirectLoop() {
        provider.on(THUMBS, "/loop", Handler.redirect(302, "/loop"));
        fails(Reason.TOO_MANY_REDIRECTS, () -> get("https://i.ytimg.com/loop"));
        assertEquals(4, provider.requests(THUMBS, "/loop"), "the request and 3 redirects");

        UpstreamClient noRedirects = provider.clientBuilder().maxRedirects(0).build();
        fails(Reason.TOO_MANY_REDIRECTS,
                () -> noRedirects.get(URI.create("https://i.ytimg.com/loop"), ALLOWED, "image/*", MAX));
        assertEquals(5, provider.requests(THUMBS, "/loop"));
    }

    // ---- refusals before any network activity

    @ParameterizedTest
    @CsvSource({
        "https://evil.example/x, HOST_NOT_ALLOWED",
        "https://i.ytimg.com.evil.example/x, HOST_NOT_ALLOWED",
        "http://i.ytimg.com/x, NOT_HTTPS",
        "ftp://i.ytimg.com/x, NOT_HTTPS",
        "//i.ytimg.com/x, NOT_HTTPS",
        "https://i.ytimg.com:8443/x, NOT_HTTPS",
        "https://i.ytimg.com:80/x, NOT_HTTPS",
        "https://user:secret@i.ytimg.com/x, HOST_NOT_ALLOWED",
        "https://127.0.0.1/x, HOST_NOT_ALLOWED",
        "https://203.0.113.10/x, HOST_NOT_ALLOWED",
        "https://2130706433/x, HOST_NOT_ALLOWED",
        "https://[::1]/x, HOST_NOT_ALLOWED",
        "https://i.ytimg.com./x, HOST_NOT_ALLOWED",
        "https:i.ytimg.com, HOST_NOT_ALLOWED",
        "https:///x, HOST_NOT_ALLOWED"})
    void refusesUrlsWithoutLookUpOrConnection(String url, Reason reason) {
        AtomicInteger lookUps = new AtomicInteger();
        AtomicInteger connects = new AtomicInteger();
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> {
                    lookUps.incrementAndGet();
                    return provider.resolver().resolve(host);
                })
                .connector((address, timeout) -> {
                    connects.incrementAndGet();
                    return provider.connector().connect(address, timeout);
                })
                .build();
        Predicate<String> allowed = host -> host.equals(THUMBS) || host.matches("[0-9.]+|\\[.*\\]|.*\\.");
        fails(reason, () -> client.get(URI.create(url), allowed, "image/*", MAX));
        assertEquals(0, lookUps.get());
        assertEquals(0, connects.get());
        assertEquals(0, provider.requests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1",
        "0.0.0.0", "100.64.0.1", "fe80::1"})
    void refusesHostsThatResolveToForbiddenAddresses(String address) {
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> List.of(InetAddress.getByName(address)))
                .build();
        UpstreamException e = fails(Reason.FORBIDDEN_ADDRESS,
                () -> client.get(URI.create("https://i.ytimg.com/x"), ALLOWED, "image/*", MAX));
        assertTrue(e.getMessage().contains("i.ytimg.com"), e.getMessage());
        assertEquals(List.of(), provider.connectedAddresses());
    }

    @Test
    void refusesAHostIfAnyOfItsAddressesIsForbidden() {
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> List.of(provider.address(THUMBS), InetAddress.getByName("10.0.0.1")))
                .build();
        fails(Reason.FORBIDDEN_ADDRESS,
                () -> client.get(URI.create("https://i.ytimg.com/x"), ALLOWED, "image/*", MAX));
        assertEquals(List.of(), provider.connectedAddresses());
    }

    // ---- network failures

    @Test
    void triesTheAddressesInOrder() throws IOException {
        provider.on(THUMBS, "/x", Handler.ok("image/png", png));
        InetAddress nowhere = InetAddress.getByName("203.0.113.99");
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> List.of(nowhere, provider.address(THUMBS)))
                .build();
        assertArrayEquals(png, client.get(URI.create("https://i.ytimg.com/x"), ALLOWED, "image/*", MAX).body());
        assertEquals(List.of(nowhere, provider.address(THUMBS)), provider.connectedAddresses());
    }

    @Test
    void reportsAFailedConnection() {
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> List.of(InetAddress.getByName("203.0.113.99")))
                .build();
        fails(Reason.CONNECT_FAILED, () -> client.get(URI.create("https://i.ytimg.com/x"), ALLOWED, "image/*", MAX));
    }

    @Test
    void reportsAnUnresolvableHost() {
        fails(Reason.UNRESOLVABLE, () -> provider.client().get(URI.create("https://unknown.example/x"),
                host -> true, "image/*", MAX));
        assertEquals(List.of(), provider.connectedAddresses());
    }

    @Test
    void refusesACertificateForAnotherName() {
        provider.on(THUMBS, "/x", Handler.ok("image/png", png));
        // "other.example" leads to the fake, whose certificate does not name it
        UpstreamClient client = provider.clientBuilder()
                .resolver(host -> List.of(provider.address(THUMBS)))
                .build();
        fails(Reason.TLS, () -> client.get(URI.create("https://other.example/x"), host -> true, "image/*", MAX));
        assertEquals(0, provider.requests());
    }

    @Test
    void refusesAServerTheSslContextDoesNotTrust() {
        UpstreamClient client = provider.clientBuilder().sslContext(defaultSslContext()).build();
        fails(Reason.TLS, () -> client.get(URI.create("https://i.ytimg.com/x"), ALLOWED, "image/*", MAX));
        assertEquals(0, provider.requests());
    }

    private static javax.net.ssl.SSLContext defaultSslContext() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- malformed answers

    @ParameterizedTest
    @ValueSource(strings = {
        "SSH-2.0-OpenSSH_9.6\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: value\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: image/png",
        ""})
    void refusesMalformedResponses(String response) {
        provider.onRaw(RAW, ascii(response));
        fails(Reason.MALFORMED_RESPONSE, () -> get("https://raw.example/x"));
    }

    @Test
    void capsTheHeaderSection() throws IOException {
        String fields = "X-Filler: " + "a".repeat(1000) + "\r\n";
        provider.onRaw(RAW, ascii("HTTP/1.1 200 OK\r\n" + fields.repeat(40) + "Content-Length: 2\r\n\r\nok"));
        fails(Reason.MALFORMED_RESPONSE, () -> get("https://raw.example/x"));

        provider.onRaw(RAW, ascii("HTTP/1.1 200 OK\r\n" + fields.repeat(30) + "Content-Length: 2\r\n\r\nok"));
        assertEquals(2, get("https://raw.example/x").body().length);
    }
}

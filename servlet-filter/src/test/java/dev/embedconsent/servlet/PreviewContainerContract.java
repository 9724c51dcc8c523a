package dev.embedconsent.servlet;

import static dev.embedconsent.servlet.PreviewSite.PAGE_TITLE;
import static dev.embedconsent.servlet.PreviewSite.VIMEO_ID;
import static dev.embedconsent.servlet.PreviewSite.YOUTUBE_ID;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.preview.PreviewService;
import dev.embedconsent.testing.FakeProvider;
import dev.embedconsent.testing.FakeProvider.Handler;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The preview proxy ({@code {base}/preview/...}) in a real servlet container, seen from the visitor's side: pages are
 * fetched over HTTP and read with jsoup, their preview images are fetched as a browser would, and the provider is a
 * {@link FakeProvider} on loopback that counts every upstream request. One subclass per container ({@code *IT}).
 * The site runs at the context path {@value #CONTEXT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PreviewContainerContract {
    static final String KEY = FilterContainerContract.KEY;
    static final String CONTEXT = "/ctx";
    static final String PREFIX = CONTEXT + "/embed-consent/preview/";
    static final String OEMBED_TITLE = "Embed Consent: the oEmbed title";
    static final String SLOW_TITLE = "A title that takes its time";
    static final String VIMEO_THUMBNAIL = "/video/452001751-d_640.jpg";
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Answers HTML, sent as a JPEG. */
    static final String HTML_ID = "HtmlNotJpeg";
    /** Has no route at the fake: 404 for its still and its oEmbed. */
    static final String MISSING_ID = "Missing0404";
    /** Its oEmbed answer takes {@link #SLOW} to come. */
    static final String SLOW_ID = "SlowTitle01";
    static final Duration SLOW = Duration.ofMillis(2500);
    static final String RESTART_ID = "Restart0001";

    static final byte[] JPEG = jpeg(480, 360, 1, false);
    static final byte[] VIMEO_JPEG = jpeg(640, 360, 2, false);
    /** About 40 KB: what the cache-bound test fills the cache with. */
    static final byte[] BIG_JPEG = jpeg(256, 256, 3, true);

    private final HttpClient http = client();
    private FakeProvider fake;
    private Path work;
    private ServletContainer container;
    private EmbedConsentFilter filter;
    private URI base;

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-previews-" + containerName());
        fake = FakeProvider.start("i.ytimg.com", "www.youtube.com", "vimeo.com", "i.vimeocdn.com");
        fake.on("i.ytimg.com", still(YOUTUBE_ID), Handler.ok("image/jpeg", JPEG))
                .on("www.youtube.com", youtubeOEmbed(YOUTUBE_ID), Handler.ok("application/json",
                        json(OEMBED_TITLE, "https://i.ytimg.com/vi/" + YOUTUBE_ID + "/hqdefault.jpg")))
                .on("vimeo.com", "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F" + VIMEO_ID,
                        Handler.ok("application/json", json("A Vimeo video", "https://i.vimeocdn.com"
                                + VIMEO_THUMBNAIL)))
                .on("i.vimeocdn.com", VIMEO_THUMBNAIL, Handler.ok("image/jpeg", VIMEO_JPEG))
                .on("i.ytimg.com", still(HTML_ID), Handler.ok("image/jpeg",
                        "<!DOCTYPE html><html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8)))
                .on("i.ytimg.com", still(SLOW_ID), Handler.ok("image/jpeg", JPEG))
                .on("www.youtube.com", youtubeOEmbed(SLOW_ID), exchange -> {
                    try {
                        Thread.sleep(SLOW.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Handler.ok("application/json", json(SLOW_TITLE, null)).handle(exchange);
                })
                .on("i.ytimg.com", still(RESTART_ID), Handler.ok("image/jpeg", VIMEO_JPEG))
                .onPrefix("i.ytimg.com", "/vi/fill", Handler.ok("image/jpeg", BIG_JPEG));
        filter = filter("data", UnaryOperator.identity());
        container = ServletContainer.named(containerName());
        base = container.start(new PreviewSite(filter), Map.of(), work.resolve("main"), CONTEXT);
    }

    @AfterAll
    void stop() throws Exception {
        if (container != null) {
            container.close();
        }
        if (fake != null) {
            fake.close();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    // ---- 1. the still, from the site's own origin ----

    @Test
    void placeholdersLinkStillsOfTheSiteItself() throws Exception {
        HttpResponse<String> page = get(base, CONTEXT + "/p/page");
        assertEquals(200, page.statusCode(), page.body());
        assertFalse(page.body().contains("ytimg"), () -> "the page names the provider's image host:\n" + page.body());
        assertFalse(page.body().contains("vimeocdn"), () -> "the page names the provider's image host:\n"
                + page.body());
        Document document = Jsoup.parse(page.body(), base.resolve(CONTEXT + "/p/page").toString());
        assertEquals(2, document.select(".ec-placeholder").size(), page.body());
        for (String id : List.of(YOUTUBE_ID, VIMEO_ID)) {
            Element img = previewImage(document, id);
            assertNotNull(img, () -> "no img.ec-preview for " + id + " in:\n" + page.body());
            String src = img.attr("src");
            String provider = id.equals(YOUTUBE_ID) ? "youtube/0/" : "vimeo/1/";
            assertTrue(src.startsWith(PREFIX + provider + id + "/"), src);
            URI resolved = URI.create(img.absUrl("src"));
            assertEquals(base.getScheme() + "://" + base.getAuthority(),
                    resolved.getScheme() + "://" + resolved.getAuthority(), "same origin: " + resolved);
            assertFalse(img.attr("alt").isBlank(), img.outerHtml());
            assertEquals("lazy", img.attr("loading"));
            assertNotNull(img.nextElementSibling());
            assertTrue(img.nextElementSibling().hasClass("ec-play"), img.parent().outerHtml());
        }
        assertTrue(previewImage(document, YOUTUBE_ID).attr("alt").contains(PAGE_TITLE),
                previewImage(document, YOUTUBE_ID).outerHtml());

        String src = previewImage(document, YOUTUBE_ID).attr("src");
        HttpResponse<byte[]> first = getBytes(base, src);
        assertImage(first, JPEG);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[^\"]+\""), "a strong ETag: " + etag);
        assertEquals(1, fake.requests("i.ytimg.com", still(YOUTUBE_ID)), "one upstream fetch");

        HttpResponse<byte[]> second = getBytes(base, src);
        assertImage(second, JPEG);
        assertEquals(etag, second.headers().firstValue("ETag").orElseThrow());
        assertEquals(1, fake.requests("i.ytimg.com", still(YOUTUBE_ID)), "the second GET is served from the cache");

        HttpResponse<byte[]> notModified = send(HttpRequest.newBuilder(base.resolve(src))
                .header("If-None-Match", etag).GET(), BodyHandlers.ofByteArray());
        assertEquals(304, notModified.statusCode());
        assertEquals(0, notModified.body().length);
        assertEquals(etag, notModified.headers().firstValue("ETag").orElse(null));
        HttpResponse<byte[]> otherTag = send(HttpRequest.newBuilder(base.resolve(src))
                .header("If-None-Match", "\"something-else\"").GET(), BodyHandlers.ofByteArray());
        assertImage(otherTag, JPEG);

        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(base.resolve(src))
                .method("HEAD", BodyPublishers.noBody()), BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals("ok", head.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse(null));
        assertEquals("image/jpeg", head.headers().firstValue("Content-Type").orElse(null));
        assertEquals(1, fake.requests("i.ytimg.com", still(YOUTUBE_ID)));

        String vimeo = previewImage(document, VIMEO_ID).attr("src");
        assertImage(getBytes(base, vimeo), VIMEO_JPEG);
        assertEquals(1, fake.requests("i.vimeocdn.com", VIMEO_THUMBNAIL));
        assertEquals(1, fake.requests("vimeo.com", "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F" + VIMEO_ID),
                "Vimeo's still comes from its oEmbed answer, asked once");
    }

    // ---- 2. nothing this site did not sign ----

    @Test
    void tamperedPreviewUrlsAreRefusedWithoutUpstreamRequests() throws Exception {
        String src = previewImage(render(CONTEXT + "/p/page"), YOUTUBE_ID).attr("src");
        assertImage(getBytes(base, src), JPEG);
        String signature = src.substring(src.lastIndexOf('/') + 1);
        assertEquals(22, signature.length(), src);
        String path = src.substring(0, src.lastIndexOf('/') + 1);
        char first = signature.charAt(0) == 'A' ? 'B' : 'A';
        List<String> tampered = List.of(
                path + first + signature.substring(1),
                path + signature.substring(0, 10) + (signature.charAt(10) == 'x' ? 'y' : 'x') + signature.substring(11),
                path + signature.substring(0, 21),
                path + signature + "A",
                src.replace(YOUTUBE_ID, "kU1_gDqGmQl"),
                src.replace(YOUTUBE_ID, "dQw4w9WgXcQ"),
                src.replace("/youtube/0/", "/youtube/1/"),
                src.replace("/youtube/0/", "/vimeo/0/"),
                src.replace("/youtube/0/", "/evil/0/"),
                path,
                src + "/",
                src + "/extra",
                PREFIX,
                PREFIX + "youtube",
                PREFIX + "youtube/0/" + signature,
                PREFIX + "youtube/0/AAAAAAAAAAA/AAAAAAAAAAAAAAAAAAAAAA",
                PREFIX + "youtube/9/" + YOUTUBE_ID + "/" + signature,
                PREFIX + "youtube/0/x/../" + YOUTUBE_ID + "/" + signature,
                PREFIX + "youtube/./0/" + YOUTUBE_ID + "/" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "/" + signature + "/..",
                PREFIX + "youtube/0/" + YOUTUBE_ID + "/../../../0/" + YOUTUBE_ID + "/" + signature,
                PREFIX + "youtube/0/kU1_gDqGmQ%6B/" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "/" + signature.substring(0, 21) + "%" + Integer.toHexString(
                        signature.charAt(21)).toUpperCase(),
                PREFIX + "youtube/0/" + YOUTUBE_ID + "%20/" + signature,
                PREFIX + "youtube/0/%C3%A4%C3%B6/" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "/" + signature + "%3Bx",
                PREFIX + "youtube/0/" + YOUTUBE_ID + "/" + signature + ";jsessionid=1");
        // forms that a container may refuse itself (Jetty: 400 "Ambiguous URI path segment") before the filter
        List<String> ambiguous = List.of(
                PREFIX + "%2e%2e/" + YOUTUBE_ID + "/" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "%2F" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "%252F/" + signature,
                PREFIX + "youtube/0/" + YOUTUBE_ID + "%00/" + signature);
        int before = settledRequests();
        List<String> failures = new ArrayList<>();
        for (String url : Stream.concat(tampered.stream(), ambiguous.stream()).toList()) {
            long start = System.nanoTime();
            // a container that refuses a request itself may close the connection: those get a client of their own
            HttpResponse<String> response = ambiguous.contains(url)
                    ? client().send(HttpRequest.newBuilder(base.resolve(url)).timeout(Duration.ofSeconds(30)).build(),
                            BodyHandlers.ofString(StandardCharsets.UTF_8))
                    : get(base, url);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String problem = refusal(response);
            if (problem != null && ambiguous.contains(url) && response.statusCode() == 400
                    && response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).isEmpty()
                    && !mediaType(response).startsWith("image/")) {
                problem = null;
            }
            if (problem == null && millis > 1000) {
                problem = "took " + millis + " ms";
            }
            if (problem != null) {
                failures.add(url + " -> " + response.statusCode() + " " + response.headers().map() + " "
                        + response.body() + ": " + problem);
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(before, fake.requests(), "a tampered URL made an upstream request");

        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve(src))
                    .method(method, BodyPublishers.ofString("x")), BodyHandlers.ofString());
            assertEquals(405, response.statusCode(), method);
            assertTrue(response.body().contains("\"error\":\"method_not_allowed\""), response.body());
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
        }
        assertEquals(before, fake.requests());
    }

    @Test
    void aSignatureHasOneSpelling() throws Exception {
        String src = previewImage(render(CONTEXT + "/p/page"), YOUTUBE_ID).attr("src");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(src.charAt(src.length() - 1));
        int before = settledRequests();
        for (int low = 0; low < 16; low++) {
            int other = (last & 0x30) | low;
            if (other != last) {
                String respelled = src.substring(0, src.length() - 1) + alphabet.charAt(other);
                HttpResponse<String> response = get(base, respelled);
                assertEquals(null, refusal(response), respelled + " -> " + response.statusCode());
            }
        }
        assertEquals(before, fake.requests());
    }

    /** Null when the response is a JSON 4xx refusal that no one may store; else what is wrong with it. */
    private static @Nullable String refusal(HttpResponse<String> response) {
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
            return "not a 4xx";
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return "not JSON";
        }
        if (!response.body().startsWith("{\"error\":\"")) {
            return "no error code";
        }
        if (!String.join(",", response.headers().allValues("Cache-Control")).contains("no-store")) {
            return "may be stored";
        }
        if (response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).isPresent()) {
            return "marked as a preview";
        }
        return null;
    }

    // ---- 3. an upstream failure ----

    @Test
    void anUpstreamFailureGivesTheFallbackAndIsRemembered() throws Exception {
        String videos = CONTEXT + "/p/videos?v=" + YOUTUBE_ID + "," + HTML_ID + "," + MISSING_ID;
        Document first = render(videos);
        for (String id : List.of(HTML_ID, MISSING_ID)) {
            Element img = previewImage(first, id);
            assertNotNull(img, () -> "a still not yet tried is linked: " + first.body().html());
            long start = System.nanoTime();
            HttpResponse<byte[]> response = getBytes(base, img.attr("src"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(200, response.statusCode(), id);
            assertTrue(took.compareTo(TIMEOUT.plusSeconds(1)) < 0, "answered after " + took);
            assertEquals("image/svg+xml", mediaType(response), id);
            assertEquals("unavailable", response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse(null));
            String cacheControl = response.headers().firstValue("Cache-Control").orElse("");
            int maxAge = Integer.parseInt(cacheControl.replaceFirst(".*max-age=(\\d+).*", "$1"));
            assertTrue(maxAge > 0 && maxAge <= 300, "a short max-age: " + cacheControl);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
            String svg = new String(response.body(), StandardCharsets.UTF_8);
            assertTrue(svg.contains("<svg"), svg);
            assertEquals(response.body().length,
                    Integer.parseInt(response.headers().firstValue("Content-Length").orElse("-1")));
        }
        assertEquals(1, fake.requests("i.ytimg.com", still(HTML_ID)));
        assertEquals(1, fake.requests("i.ytimg.com", still(MISSING_ID)));

        Document next = render(videos);
        assertEquals(3, next.select(".ec-placeholder").size());
        assertRememberedFailures(next);
        int upstream = settledRequests();
        HttpResponse<byte[]> again = getBytes(base, previewImage(first, HTML_ID).attr("src"));
        assertEquals("unavailable", again.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse(null));
        assertEquals(upstream, fake.requests(), "the failure is remembered, not fetched again");
    }

    private static void assertRememberedFailures(Document next) {
        assertAll(
                () -> assertNotNull(previewImage(next, YOUTUBE_ID), "the good one keeps its still"),
                () -> assertEquals(null, previewImage(next, HTML_ID), "the failed one is rendered without"),
                () -> assertEquals(null, previewImage(next, MISSING_ID), "the failed one is rendered without"));
    }

    // ---- 4. the provider's title ----

    @Test
    void theOEmbedTitleAppearsOnALaterRender() throws Exception {
        String untitled = CONTEXT + "/p/videos?title=no&v=" + YOUTUBE_ID;
        assertEquals(OEMBED_TITLE, pollTitle(untitled, OEMBED_TITLE));

        String slow = CONTEXT + "/p/videos?title=no&v=" + SLOW_ID;
        long start = System.nanoTime();
        Document first = render(slow);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(SLOW) < 0, "rendering waited for the oEmbed answer: " + took);
        assertNotEquals(SLOW_TITLE, first.selectFirst(".ec-embed-title").text());
        assertNotNull(previewImage(first, SLOW_ID));
        assertEquals(SLOW_TITLE, pollTitle(slow, SLOW_TITLE));
        assertEquals(1, fake.requests("www.youtube.com", youtubeOEmbed(SLOW_ID)), "the title is asked for once");

        Document titled = render(CONTEXT + "/p/page");
        assertEquals(PAGE_TITLE, placeholder(titled, YOUTUBE_ID).selectFirst(".ec-embed-title").text(),
                "the page's own title wins");
    }

    /** Renders the page until its first placeholder's title is {@code expected}, at most for 6 s. */
    private String pollTitle(String page, String expected) throws Exception {
        String title = null;
        for (int i = 0; i < 60; i++) {
            title = render(page).selectFirst(".ec-embed-title").text();
            if (title.equals(expected)) {
                return title;
            }
            Thread.sleep(100);
        }
        return title;
    }

    // ---- 5. previews=off ----

    @Test
    void previewsOffShowNoStillAndServeNone() throws Exception {
        String src = previewImage(render(CONTEXT + "/p/page"), YOUTUBE_ID).attr("src");
        ServletContainer off = ServletContainer.named(containerName());
        try {
            URI offBase = off.start(new PreviewSite(filter("off", b -> b.option("previews", "off"))), Map.of(),
                    work.resolve("off-work"), CONTEXT);
            HttpResponse<String> page = get(offBase, CONTEXT + "/p/page");
            assertEquals(200, page.statusCode());
            Document document = Jsoup.parse(page.body());
            assertEquals(2, document.select(".ec-placeholder").size(), page.body());
            assertEquals(0, document.select("img.ec-preview, .ec-play").size(), page.body());
            assertEquals(PAGE_TITLE, placeholder(document, YOUTUBE_ID).selectFirst(".ec-embed-title").text());
            int before = settledRequests();
            HttpResponse<String> preview = get(offBase, src);
            assertEquals(404, preview.statusCode(), preview.body());
            assertEquals(null, refusal(preview), preview.headers().map() + preview.body());
            assertTrue(preview.body().contains("previews are off"), preview.body());
            assertEquals(before, fake.requests());
        } finally {
            off.close();
        }
    }

    // ---- 6. load and the memory bound ----

    @Test
    void oneCachedStillUnderConcurrentLoad() throws Exception {
        String src = previewImage(render(CONTEXT + "/p/page"), YOUTUBE_ID).attr("src");
        assertImage(getBytes(base, src), JPEG);
        int upstream = settledRequests();
        List<String> errors = load(base, List.of(src), 1000, (url, response) -> {
            if (response.statusCode() != 200 || !Arrays.equals(JPEG, response.body())) {
                return response.statusCode() + " with " + response.body().length + " bytes";
            }
            return null;
        }, null);
        assertEquals(List.of(), errors);
        assertEquals(upstream, fake.requests(), "all from the cache");
        assertEquals(1, fake.requests("i.ytimg.com", still(YOUTUBE_ID)), "one upstream fetch ever");
    }

    @Test
    void manyStillsStayWithinTheMemoryBound() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 120).mapToObj(i -> "fill" + String.format("%07d", i)).toList();
        ServletContainer bounded = ServletContainer.named(containerName());
        // A cold page of 120 embeds queues 240 fetches (stills and titles) on the proxy's 4 fetch threads; on a
        // busy 2-core machine the last stills come after the 3 s of the other containers, and would rightly be
        // answered with the fallback. 10 s keeps this test about the memory bound, not about the machine's speed.
        EmbedConsentFilter boundedFilter = filter("bounded", b -> b.option("preview-cache-size", "1MB"),
                Duration.ofSeconds(10));
        try {
            URI boundedBase = bounded.start(new PreviewSite(boundedFilter), Map.of(), work.resolve("bounded-work"),
                    CONTEXT);
            PreviewService previews = boundedFilter.runtime().previews();
            HttpResponse<String> page = get(boundedBase, CONTEXT + "/p/videos?v=" + String.join(",", ids));
            Document document = Jsoup.parse(page.body());
            List<String> srcs = new ArrayList<>();
            for (String id : ids) {
                Element img = previewImage(document, id);
                assertNotNull(img, id);
                srcs.add(img.attr("src"));
            }
            List<Long> samples = new ArrayList<>();
            List<String> errors = load(boundedBase, srcs, srcs.size() * 3, (url, response) -> {
                if (response.statusCode() != 200 || !Arrays.equals(BIG_JPEG, response.body())
                        || !"ok".equals(response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse(""))) {
                    return url + ": " + response.statusCode() + " "
                            + response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse("") + " with "
                            + response.body().length + " bytes";
                }
                return null;
            }, () -> samples.add(previews.stats().memoryBytes()));
            assertEquals(List.of(), errors);
            PreviewService.Stats stats = previews.stats();
            samples.add(stats.memoryBytes());
            assertEquals(1024L * 1024, stats.memoryBound());
            long most = samples.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(most <= stats.memoryBound(), "memory " + most + " > bound " + stats.memoryBound()
                    + " in samples " + samples);
            assertTrue(stats.memoryEntries() < ids.size(), "nothing was evicted: " + stats);
            assertTrue(stats.memoryBytes() > stats.memoryBound() / 2, "the cache is used: " + stats);
            assertTrue(stats.diskBytes() >= (long) ids.size() * BIG_JPEG.length, "on disk: " + stats);
            String fetchedTwice = ids.stream().filter(id -> fake.requests("i.ytimg.com", still(id)) != 1)
                    .map(id -> id + "=" + fake.requests("i.ytimg.com", still(id))).collect(Collectors.joining(" "));
            assertEquals("", fetchedTwice, "each still is fetched upstream once; evicted ones come from disk");
        } finally {
            bounded.close();
        }
    }

    /**
     * GETs {@code count} URLs, cycling through {@code paths}, from 16 threads with an HTTP/1.1 client each; returns
     * the errors. {@code sample}, if given, runs after every 16th request.
     */
    private static List<String> load(URI server, List<String> paths, int count, Check check,
            @Nullable Runnable sample) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                workers.add(pool.submit(() -> {
                    HttpClient client = client();
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        String path = paths.get(i % paths.size());
                        try {
                            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(server.resolve(path))
                                    .timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofByteArray());
                            String error = check.problem(path, response);
                            if (error != null) {
                                errors.add(error);
                            }
                        } catch (IOException e) {
                            errors.add(path + ": " + e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        if (sample != null && i % 16 == 0) {
                            synchronized (sample) {
                                sample.run();
                            }
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(errors);
    }

    @FunctionalInterface
    interface Check {
        @Nullable String problem(String path, HttpResponse<byte[]> response);
    }

    // ---- 7. the disk cache ----

    @Test
    void theDiskCacheOutlivesARestart() throws Exception {
        String page = CONTEXT + "/p/videos?v=" + RESTART_ID;
        String src;
        ServletContainer before = ServletContainer.named(containerName());
        try {
            URI server = before.start(new PreviewSite(filter("restart", UnaryOperator.identity())), Map.of(),
                    work.resolve("restart-work-1"), CONTEXT);
            src = previewImage(Jsoup.parse(get(server, page).body()), RESTART_ID).attr("src");
            assertImage(getBytes(server, src), VIMEO_JPEG);
        } finally {
            before.close();
        }
        assertEquals(1, fake.requests("i.ytimg.com", still(RESTART_ID)));
        try (Stream<Path> files = Files.walk(work.resolve("restart").resolve("previews"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("youtube-")),
                    "a file in data-dir/previews");
        }
        fake.remove("i.ytimg.com", still(RESTART_ID));

        ServletContainer after = ServletContainer.named(containerName());
        try {
            URI server = after.start(new PreviewSite(filter("restart", UnaryOperator.identity())), Map.of(),
                    work.resolve("restart-work-2"), CONTEXT);
            Element img = previewImage(Jsoup.parse(get(server, page).body()), RESTART_ID);
            assertNotNull(img);
            assertEquals(src, img.attr("src"), "the same signed URL after the restart");
            assertImage(getBytes(server, src), VIMEO_JPEG);
            assertEquals(1, fake.requests("i.ytimg.com", still(RESTART_ID)), "served from data-dir/previews");
        } finally {
            after.close();
        }
    }

    // ---- helpers ----

    /**
     * The fake's request count once it stopped changing for 300 ms (at most 5 s): a render starts fetches in the
     * background (titles), which must not be counted against the requests that follow.
     */
    private int settledRequests() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int count = fake.requests();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            int now = fake.requests();
            if (now != count) {
                count = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= TimeUnit.MILLISECONDS.toNanos(300)) {
                return count;
            }
        }
        return count;
    }

    /** A filter for this suite: data in {@code work/dataDir}, the fake as upstream, changed by {@code more}. */
    private EmbedConsentFilter filter(String dataDir, UnaryOperator<EmbedConsentConfig.Builder> more) {
        return filter(dataDir, more, TIMEOUT);
    }

    private EmbedConsentFilter filter(String dataDir, UnaryOperator<EmbedConsentConfig.Builder> more,
            Duration timeout) {
        return more.apply(EmbedConsentFilter.builder()
                .dataDirectory(work.resolve(dataDir))
                .hmacKeys(KEY)
                .rateLimit(RateLimit.OFF)
                .previewClient(fake.client())
                .previewTimeout(timeout))
                .build();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), body);
    }

    private HttpResponse<String> get(URI server, String path) throws Exception {
        return send(HttpRequest.newBuilder(server.resolve(path)), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> getBytes(URI server, String path) throws Exception {
        return send(HttpRequest.newBuilder(server.resolve(path)), BodyHandlers.ofByteArray());
    }

    private Document render(String path) throws Exception {
        HttpResponse<String> page = get(base, path);
        assertEquals(200, page.statusCode(), page.body());
        return Jsoup.parse(page.body());
    }

    /** The placeholder whose kept original names {@code id}. */
    private static @Nullable Element placeholder(Document document, String id) {
        for (Element placeholder : document.select(".ec-placeholder")) {
            Element original = placeholder.selectFirst("template.ec-original");
            if (original != null && original.html().contains("/" + id + "\"")) {
                return placeholder;
            }
        }
        return null;
    }

    /** The preview image of the placeholder of {@code id}; null when it has none. */
    private static @Nullable Element previewImage(Document document, String id) {
        Element placeholder = placeholder(document, id);
        assertNotNull(placeholder, () -> "no placeholder for " + id + " in:\n" + document.body().html());
        return placeholder.selectFirst("img.ec-preview");
    }

    private static void assertImage(HttpResponse<byte[]> response, byte[] expected) {
        assertAll(
                () -> assertEquals(200, response.statusCode()),
                () -> assertArrayEquals(expected, response.body(), "exactly the provider's bytes"),
                () -> assertEquals("image/jpeg", mediaType(response)),
                () -> assertEquals(Integer.toString(expected.length),
                        response.headers().firstValue("Content-Length").orElse(null)),
                () -> assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null)),
                () -> assertEquals("public, max-age=86400",
                        String.join(",", response.headers().allValues("Cache-Control"))),
                () -> assertTrue(response.headers().firstValue("ETag").isPresent(), "an ETag"),
                () -> assertEquals("ok", response.headers().firstValue(PreviewEndpoint.STATUS_HEADER).orElse(null)),
                () -> assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "no cookie on a shared image"));
    }

    private static String mediaType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").map(ContentTypes::mediaType).orElse("");
    }

    static String still(String id) {
        return "/vi/" + id + "/hqdefault.jpg";
    }

    static String youtubeOEmbed(String id) {
        return "/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D" + id;
    }

    private static byte[] json(String title, @Nullable String thumbnail) {
        return ("{\"type\":\"video\",\"version\":\"1.0\",\"title\":\"" + title + "\""
                + (thumbnail == null ? "" : ",\"thumbnail_url\":\"" + thumbnail + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A real JPEG: a gradient with a few shapes, or noise (which compresses badly, for size). */
    static byte[] jpeg(int width, int height, long seed, boolean noise) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        if (noise) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, random.nextInt(0x1000000));
                }
            }
        } else {
            Graphics2D g = image.createGraphics();
            for (int y = 0; y < height; y++) {
                g.setColor(new Color(30 + y * 200 / height, 60, 140 - y * 100 / height));
                g.drawLine(0, y, width, y);
            }
            g.setColor(new Color(random.nextInt(0x1000000)));
            g.fillOval(width / 3, height / 4, width / 3, height / 2);
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}

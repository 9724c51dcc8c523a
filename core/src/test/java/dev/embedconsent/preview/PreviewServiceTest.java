package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.PreviewRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.testing.FakeProvider.Handler;
import dev.embedconsent.testing.FakeProvider;
import dev.embedconsent.testing.MutableClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The preview proxy from the user's side: preview URLs as the renderer gets them, {@code serve} as the endpoint calls
 * it, and a real HTTPS {@link FakeProvider} standing in for YouTube and Vimeo.
 */
class PreviewServiceTest {
    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();
    private static final Provider YOUTUBE = CATALOGUE.get("youtube").orElseThrow();
    private static final Provider VIMEO = CATALOGUE.get("vimeo").orElseThrow();
    private static final CookieKey SITE_KEY = CookieKey.generate("k1");

    private static final String THUMBS = "i.ytimg.com";
    private static final String YT = "www.youtube.com";
    private static final String VIMEO_SITE = "vimeo.com";
    private static final String VIMEO_CDN = "i.vimeocdn.com";
    /** A host of the fake (so it would answer) that no provider names. */
    private static final String EVIL = "evil.example";

    private static final String ID = "kU1_gDqGmQk";
    private static final String VIDEO = "76979871";
    private static final String VIMEO_THUMB = "/video/1234-abc_640.jpg";
    private static final String PREFIX = "/embed-consent/preview/";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration FAILURE_LIFETIME = Duration.ofMinutes(1);

    private static byte[] jpeg;
    private static byte[] png;

    @TempDir
    Path tmp;

    private FakeProvider fake;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-04T10:00:00Z"));
    private final List<PreviewService> services = new ArrayList<>();

    @BeforeAll
    static void makeImages() {
        jpeg = image("jpeg", 32, 1);
        png = image("png", 24, 2);
    }

    @BeforeEach
    void startFake() throws IOException {
        fake = FakeProvider.start(THUMBS, YT, VIMEO_SITE, VIMEO_CDN, EVIL);
    }

    @AfterEach
    void stop() {
        services.forEach(PreviewService::close);
        fake.close();
    }

    // ---- helpers

    /** A real image of random pixels ({@code side}×{@code side}), different for each seed. */
    static byte[] image(String format, int side, long seed) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String youtubeEmbed(String id) {
        return "https://www.youtube.com/embed/" + id + "?rel=0";
    }

    private static String thumb(String id) {
        return "/vi/" + id + "/hqdefault.jpg";
    }

    private static String youtubeOembed(String id) {
        return "/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D" + id;
    }

    private static String vimeoEmbed(String id) {
        return "https://player.vimeo.com/video/" + id + "?dnt=1";
    }

    private static String vimeoOembed(String id) {
        return "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F" + id;
    }

    private static byte[] json(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static Handler oembed(String title, String thumbnailUrl) {
        return Handler.ok("application/json", json("{\"type\":\"video\",\"version\":\"1.0\",\"title\":\"" + title
                + "\",\"thumbnail_url\":\"" + thumbnailUrl + "\",\"thumbnail_width\":640}"));
    }

    private static Handler afterDelay(Duration delay, Handler then) {
        return exchange -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            then.handle(exchange);
        };
    }

    /** A builder with the fake's client (1 s deadline), the test clock and a one-minute failure lifetime. */
    private PreviewService.Builder builder() {
        return builder(fake.clientBuilder().timeout(TIMEOUT).build());
    }

    private PreviewService.Builder builder(UpstreamClient client) {
        return PreviewService.builder(CATALOGUE, List.of(SITE_KEY)).client(client).clock(clock)
                .failureLifetime(FAILURE_LIFETIME).wait(Duration.ofSeconds(3));
    }

    private PreviewService start(PreviewService.Builder builder) {
        PreviewService service = builder.build();
        services.add(service);
        return service;
    }

    /** The part of a preview's src after {@code /embed-consent/preview/}, as the endpoint hands it to serve. */
    private static String rest(Preview preview) {
        assertNotNull(preview);
        assertTrue(preview.src().startsWith(PREFIX), preview.src());
        return preview.src().substring(PREFIX.length());
    }

    /** A preview path signed with {@code key}, for a key path of any shape. */
    private static String signed(String keyPath, CookieKey key) {
        PreviewKey parsed = PreviewKey.parse(List.of(keyPath.split("/")));
        assertNotNull(parsed, keyPath);
        return keyPath + "/" + PreviewSigner.of(List.of(key)).sign(parsed);
    }

    private static PreviewResponse.Image image(PreviewResponse response) {
        return assertInstanceOf(PreviewResponse.Image.class, response, response::toString);
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    // ---- 1. from the page to the image

    @Test
    void aYoutubeStillIsServedFromTheSitesOwnOriginAndFetchedOnce() throws InterruptedException {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        fake.on(YT, youtubeOembed(ID), oembed("Flensburg visit", "https://i.ytimg.com/vi/" + ID + "/hq.jpg"));
        PreviewService service = start(builder());

        Preview preview = service.preview(YOUTUBE, youtubeEmbed(ID));
        assertNotNull(preview);
        assertTrue(preview.src().matches("/embed-consent/preview/youtube/0/" + ID + "/[A-Za-z0-9_-]{22}"),
                preview.src());
        assertEquals(preview.src(), service.preview(YOUTUBE, "https://www.youtube-nocookie.com/embed/" + ID).src(),
                "the same video, the same URL");

        PreviewResponse.Image first = image(service.serve(rest(preview)));
        assertEquals("image/jpeg", first.mediaType());
        assertArrayEquals(jpeg, first.bytes());
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));

        // the title comes from the oEmbed answer the first preview() asked for in the background
        eventually("the oEmbed title", () -> "Flensburg visit".equals(service.preview(YOUTUBE, youtubeEmbed(ID)).title()));
        int requests = fake.requests();
        PreviewResponse.Image second = image(service.serve(rest(preview)));
        assertArrayEquals(jpeg, second.bytes());
        assertEquals(first.etag(), second.etag());
        assertEquals(requests, fake.requests(), "the second serve is answered from memory");
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
        assertEquals(1, fake.requests(YT, youtubeOembed(ID)));
        assertEquals(1, service.stats().upstreamFetches());
    }

    @Test
    void aVimeoStillComesThroughOembedAndItsTitleShowsInALaterRender() throws InterruptedException {
        fake.on(VIMEO_SITE, vimeoOembed(VIDEO), oembed("  A \\u0007 short\\n film ", "https://i.vimeocdn.com"
                + VIMEO_THUMB));
        fake.on(VIMEO_CDN, VIMEO_THUMB, Handler.ok("image/jpeg", png)); // the bytes decide, not the header
        PreviewService service = start(builder());

        Preview preview = service.preview(VIMEO, vimeoEmbed(VIDEO));
        assertNotNull(preview);
        assertNull(preview.title(), "nothing is known yet");
        assertTrue(preview.src().matches("/embed-consent/preview/vimeo/1/" + VIDEO + "/[A-Za-z0-9_-]{22}"),
                preview.src());

        PreviewResponse.Image still = image(service.serve(rest(preview)));
        assertEquals("image/png", still.mediaType());
        assertArrayEquals(png, still.bytes());
        assertEquals(1, fake.requests(VIMEO_SITE, vimeoOembed(VIDEO)));
        assertEquals(1, fake.requests(VIMEO_CDN, VIMEO_THUMB));

        assertEquals("A short film", service.preview(VIMEO, vimeoEmbed(VIDEO)).title());
        assertEquals(2, fake.requests(), "the title costs no request of its own");
    }

    @Test
    void theBasePathPrefixesPreviewUrls() {
        PreviewService service = start(builder().basePath("/shop/consent"));
        Preview preview = service.preview(YOUTUBE, youtubeEmbed(ID));
        assertTrue(preview.src().startsWith("/shop/consent/preview/youtube/0/" + ID + "/"), preview.src());
    }

    @Test
    void embedsWithoutAPreviewRuleGetNoPreview() {
        PreviewService service = start(builder());
        assertNull(service.preview(YOUTUBE, "https://www.youtube.com/embed/short"));
        assertNull(service.preview(YOUTUBE, "https://www.youtube.com/@channel"));
        assertNull(service.preview(VIMEO, "https://player.vimeo.com/showcase/123"));
        // a provider of another catalogue, with the built-in's id but its own preview rule
        Provider other = Provider.builder("youtube").name("Mirror").recipient("Mirror Ltd")
                .privacyPolicyUrl("https://mirror.example/privacy").purposes("embedding")
                .dataCategories("ip-address").transfersOutsideEu(true).noticeVersion("1")
                .hosts("www.youtube.com", "evil.example")
                .rule(new MatchRule.Url(Set.of("iframe"), List.of("www.youtube.com"), null, List.of()))
                .preview(new PreviewRule("^https://www\\.youtube\\.com/embed/([A-Za-z0-9_-]+)",
                        "https://evil.example/{1}.jpg", null))
                .build();
        assertNull(service.preview(other, youtubeEmbed(ID)), "a provider of another catalogue");
        assertEquals(0, fake.requests());
    }

    @Test
    void oldUrlsStillWorkAfterAKeyRotation() {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        CookieKey newKey = CookieKey.generate("k2");
        PreviewService service = start(PreviewService.builder(CATALOGUE, List.of(newKey, SITE_KEY))
                .client(fake.client()));
        assertArrayEquals(jpeg, image(service.serve(signed("youtube/0/" + ID, SITE_KEY))).bytes());
        assertEquals(signed("youtube/0/" + ID, newKey), rest(service.preview(YOUTUBE, youtubeEmbed(ID))));
    }

    // ---- 2. one fetch however many ask

    @Test
    void concurrentRequestsForAFreshKeyMakeOneUpstreamRequest() throws Exception {
        fake.on(THUMBS, thumb(ID), afterDelay(Duration.ofMillis(300), Handler.ok("image/jpeg", jpeg)));
        PreviewService service = start(builder());
        String path = signed("youtube/0/" + ID, SITE_KEY);
        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<PreviewResponse>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return service.serve(path);
                }));
            }
            ready.await();
            go.countDown();
            for (Future<PreviewResponse> answer : answers) {
                assertArrayEquals(jpeg, image(answer.get(10, TimeUnit.SECONDS)).bytes());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
        assertEquals(1, fake.requests());
        assertEquals(1, service.stats().upstreamFetches());
    }

    // ---- 3. hostile upstreams

    /**
     * Serves {@code path} and checks: Unavailable, within the client's deadline (well before the service's wait),
     * remembered for the failure lifetime (no new fetch), and fetched once more after it, which asks
     * {@code host target} again as often as the first fetch did.
     */
    private void unavailableAndRememberedBriefly(PreviewService service, String path, String host, String target)
            throws InterruptedException {
        long start = System.nanoTime();
        PreviewResponse answer = service.serve(path);
        long elapsed = millisSince(start);
        assertInstanceOf(PreviewResponse.Unavailable.class, answer, answer::toString);
        assertNotEquals("still being fetched", ((PreviewResponse.Unavailable) answer).reason(),
                "the fetch itself must have ended, not the wait");
        assertTrue(elapsed < TIMEOUT.toMillis() + 1000, elapsed + " ms");
        int requests = fake.requests(host, target);
        long fetches = service.stats().upstreamFetches();
        assertEquals(1, fetches);

        clock.advance(FAILURE_LIFETIME.minusSeconds(1));
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(path));
        assertEquals(requests, fake.requests(host, target), "a remembered failure makes no request");
        assertEquals(fetches, service.stats().upstreamFetches());

        clock.advance(Duration.ofSeconds(2));
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(path));
        assertEquals(fetches + 1, service.stats().upstreamFetches(), "after the failure lifetime, one new fetch");
        assertEquals(2 * requests, fake.requests(host, target));
    }

    @Test
    void aSlowUpstreamEndsAtTheDeadline() throws InterruptedException {
        fake.on(THUMBS, thumb(ID), Handler.trickle("image/jpeg", 200, Duration.ofMillis(50)));
        PreviewService service = start(builder());
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
        assertEquals(2, fake.requests(THUMBS, thumb(ID)));
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowed() throws InterruptedException {
        fake.on(THUMBS, thumb(ID), Handler.redirect(302, "https://evil.example/x.jpg"));
        fake.on(EVIL, "/x.jpg", Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
        assertEquals(0, fake.requests(EVIL, "/x.jpg"));
        assertFalse(fake.connectedAddresses().contains(fake.address(EVIL)));
    }

    @Test
    void htmlSentAsJpegIsNoImage() throws InterruptedException {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", json("<!DOCTYPE html><title>Consent</title>")));
        PreviewService service = start(builder());
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aHugeBodyIsCutOffAtTheImageLimit(boolean announced) throws InterruptedException {
        fake.on(THUMBS, thumb(ID), Handler.stream("image/jpeg", 50_000_000, announced, new AtomicLong()));
        PreviewService service = start(builder().maxImageBytes(64 * 1024));
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
    }

    @Test
    void aMissingStillIsUnavailable() throws InterruptedException {
        // no routes: the image and the oEmbed fallback both get 404
        PreviewService service = start(builder());
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
        assertEquals(2, fake.requests(YT, youtubeOembed(ID)), "the oEmbed fallback, once per fetch");
    }

    @Test
    void anOembedThumbnailOnAnotherHostIsNotFetched() throws InterruptedException {
        fake.on(VIMEO_SITE, vimeoOembed(VIDEO), oembed("Evil", "https://evil.example/x.jpg"));
        fake.on(EVIL, "/x.jpg", Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        unavailableAndRememberedBriefly(service, signed("vimeo/1/" + VIDEO, SITE_KEY), VIMEO_SITE,
                vimeoOembed(VIDEO));
        assertEquals(0, fake.requests(EVIL, "/x.jpg"));
        assertFalse(fake.connectedAddresses().contains(fake.address(EVIL)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "169.254.169.254"})
    void aHostResolvingToAPrivateAddressIsNeverConnected(String address) throws InterruptedException {
        AtomicInteger lookUps = new AtomicInteger();
        UpstreamClient client = fake.clientBuilder().timeout(TIMEOUT).resolver(host -> {
            lookUps.incrementAndGet();
            return List.of(InetAddress.getByName(address));
        }).build();
        PreviewService service = start(builder(client));
        unavailableAndRememberedBriefly(service, signed("youtube/0/" + ID, SITE_KEY), THUMBS, thumb(ID));
        assertEquals(List.of(), fake.connectedAddresses());
        assertEquals(0, fake.requests());
        assertEquals(4, lookUps.get(), "image and oEmbed, twice: before and after the failure lifetime");
    }

    // ---- 4. rejected before anything is fetched

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "youtube/0/kU1_gDqGmQk                              | 403",
        "youtube/0/kU1_gDqGmQk/{altered}                    | 403",
        "youtube/0/kU1_gDqGmQl/{sig}                        | 403",
        "youtube/0/kU1_gDqGmQk/{other-site}                 | 403",
        "youtube/1/kU1_gDqGmQk/{sig}                        | 403",
        "vimeo/0/kU1_gDqGmQk/{sig}                          | 403",
        "youtube/0/kU1_gDqGmQk/{sig}{sig}                   | 403",
        "youtube/0/kU1_gDqGmQk/AAAAAAAAAAAAAAAAAAAAAA       | 403",
        "{signed:myspace/0/kU1_gDqGmQk}                     | 404",
        "{signed:youtube/2/kU1_gDqGmQk}                     | 404",
        "{signed:youtube/7/kU1_gDqGmQk}                     | 404",
        "youtube/8/kU1_gDqGmQk/{sig}                        | 404",
        "youtube/00/kU1_gDqGmQk/{sig}                       | 404",
        "YouTube/0/kU1_gDqGmQk/{sig}                        | 404",
        "youtube/0/../{sig}                                 | 404",
        "youtube/0/./{sig}                                  | 404",
        "youtube/0/kU1_gDqGmQk/../../../etc/passwd          | 404",
        "youtube/0/%2e%2e/{sig}                             | 404",
        "youtube/0/%2E%2E%2Fetc/{sig}                       | 404",
        "youtube/0/kU1_gDqGmQk%2F{sig}                      | 404",
        "/youtube/0/kU1_gDqGmQk/{sig}                       | 404",
        "youtube/0/kU1_gDqGmQk/{sig}/                       | 404",
        "youtube//0/kU1_gDqGmQk/{sig}                       | 404",
        "youtube/0//kU1_gDqGmQk/{sig}                       | 404",
        "youtube/0/kU1_gDqGmQk//{sig}                       | 404",
        "/                                                  | 404",
        "{sig}                                              | 404",
        "youtube/{sig}                                      | 404",
        "youtube/0/{long-id}/{sig}                          | 404",
        "youtube/0/{overlong}/{sig}                         | 404",
        "youtube/0/a/b/c/d/e/{sig}                          | 404",
        "youtube/0/kU1_gDqGmQk/{sig}?v=1                    | 404",
        "youtube/0/kU1_gDqGmQk/{sig}#x                      | 404",
        "youtube/0/kU1 gDqGmQk/{sig}                        | 404",
        "youtube/0/kU1_gDqGmQk%20/{sig}                     | 404",
        "youtube/0/kU1_gDqGmQk;x=1/{sig}                    | 404",
        "youtube/0/kU1_gDqGmQk\\x/{sig}                     | 404",
        "youtube/0/kU1_gDqGmQ\u00e9/{sig}                   | 404",
        "youtube/0/kU1_gDq\u0000mQk/{sig}                   | 404",
        "youtube/0/kU1_gDqGmQk/{sig}=                       | 404"})
    void rejectsWhatThisSiteDidNotSignWithoutAnyRequest(String template, int status) {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        fake.on(THUMBS, thumb("kU1_gDqGmQl"), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        String valid = signed("youtube/0/" + ID, SITE_KEY);
        String sig = valid.substring(valid.lastIndexOf('/') + 1);
        String otherSite = signed("youtube/0/" + ID, CookieKey.generate("k1")); // same key id, another secret
        String filled = template.strip()
                .replace("{altered}", sig.substring(0, 21) + (sig.charAt(21) == 'A' ? 'B' : 'A'))
                .replace("{other-site}", otherSite.substring(otherSite.lastIndexOf('/') + 1))
                .replace("{long-id}", "a".repeat(PreviewRule.MAX_ID_LENGTH + 1))
                .replace("{overlong}", "a/".repeat(520) + "a")
                .replace("{sig}", sig);
        String path = filled.startsWith("{signed:") ? signedUnchecked(filled.substring(8, filled.length() - 1))
                : filled;

        PreviewResponse answer = service.serve(path);
        PreviewResponse.Rejected rejected = assertInstanceOf(PreviewResponse.Rejected.class, answer,
                () -> path + " -> " + answer);
        assertEquals(status, rejected.status(), rejected::toString);
        assertEquals(status == 403 ? "invalid-signature" : "not-found", rejected.error());
        assertEquals(0, fake.requests());
        assertEquals(List.of(), fake.connectedAddresses());
        assertEquals(0, service.stats().upstreamFetches());
        assertEquals(0, service.stats().memoryEntries(), "nothing is cached for a rejected path");
    }

    /** Signs a key path the parser takes but the catalogue may not know (an unknown provider, a missing rule). */
    private static String signedUnchecked(String keyPath) {
        String[] parts = keyPath.split("/");
        PreviewKey key = new PreviewKey(parts[0], Integer.parseInt(parts[1]), List.of(parts).subList(2, parts.length));
        return keyPath + "/" + PreviewSigner.of(List.of(SITE_KEY)).sign(key);
    }

    @Test
    void onlyTheSignaturesOwnSpellingIsAccepted() {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        String valid = signed("youtube/0/" + ID, SITE_KEY);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        List<String> accepted = new ArrayList<>();
        for (char last : alphabet.toCharArray()) {
            String variant = valid.substring(0, valid.length() - 1) + last;
            if (!(service.serve(variant) instanceof PreviewResponse.Rejected)) {
                accepted.add(variant);
            }
        }
        assertEquals(List.of(valid), accepted, "the last character's 4 unused bits must not make other spellings");
    }

    @Test
    void rejectedPathsStayRejectedAndTheValidOneStillWorks() {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        String valid = rest(service.preview(YOUTUBE, youtubeEmbed(ID)));
        assertInstanceOf(PreviewResponse.Rejected.class, service.serve(valid.replace(ID, "kU1_gDqGmQl")));
        assertThrows(NullPointerException.class, () -> service.serve(null));
        assertArrayEquals(jpeg, image(service.serve(valid)).bytes());
    }

    // ---- 5. a known failure renders no still

    @Test
    void afterAFailurePreviewShowsNoStillUntilTheFailureExpires() throws InterruptedException {
        PreviewService service = start(builder());
        Preview cold = service.preview(YOUTUBE, youtubeEmbed(ID));
        assertNotNull(cold, "nothing is known yet: the still is linked and fetched in the background");
        eventually("the failure is known", () -> service.preview(YOUTUBE, youtubeEmbed(ID)) == null);
        int requests = fake.requests(THUMBS, thumb(ID));
        assertEquals(1, requests);

        clock.advance(FAILURE_LIFETIME.minusSeconds(1));
        assertNull(service.preview(YOUTUBE, youtubeEmbed(ID)));
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(rest(cold)));
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));

        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        clock.advance(Duration.ofSeconds(2));
        Preview again = service.preview(YOUTUBE, youtubeEmbed(ID));
        assertNotNull(again, "the failure has expired");
        assertEquals(cold.src(), again.src());
        eventually("a new fetch", () -> fake.requests(THUMBS, thumb(ID)) == 2);
        assertArrayEquals(jpeg, image(service.serve(rest(again))).bytes());
        assertEquals(2, fake.requests(THUMBS, thumb(ID)));
    }

    @Test
    void withoutAMutableClockFailuresExpireInRealTime() throws InterruptedException {
        PreviewService service = start(PreviewService.builder(CATALOGUE, List.of(SITE_KEY))
                .client(fake.client()).failureLifetime(Duration.ofMillis(300)));
        String path = signed("youtube/0/" + ID, SITE_KEY);
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(path));
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(path));
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        Thread.sleep(400);
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertEquals(2, fake.requests(THUMBS, thumb(ID)));
    }

    @Test
    void aFetchedStillIsFetchedAgainAfterItsLifetime() {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder().lifetime(Duration.ofDays(2)));
        String path = signed("youtube/0/" + ID, SITE_KEY);
        image(service.serve(path));
        clock.advance(Duration.ofDays(1));
        image(service.serve(path));
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        image(service.serve(path));
        assertEquals(2, fake.requests(THUMBS, thumb(ID)), "past its lifetime the still is fetched again");
    }

    // ---- 6. memory bound

    @Test
    void memoryStaysWithinItsBound() {
        long bound = 256 * 1024;
        PreviewService service = start(builder().memoryBytes(bound));
        int count = 48;
        long total = 0;
        for (int i = 0; i < count; i++) {
            String id = String.format("vid%08d", i);
            byte[] still = image("png", 80, 100 + i);
            total += still.length;
            fake.on(THUMBS, thumb(id), Handler.ok("image/png", still));
            assertArrayEquals(still, image(service.serve(signed("youtube/0/" + id, SITE_KEY))).bytes());
        }
        assertTrue(total > 3 * bound, "the stills together are well over the bound: " + total);
        PreviewService.Stats stats = service.stats();
        assertEquals(bound, stats.memoryBound());
        assertTrue(stats.memoryBytes() <= bound, stats.toString());
        assertTrue(stats.memoryBytes() > bound / 2, "the cache is used, not emptied: " + stats);
        assertTrue(stats.memoryEntries() < count, stats.toString());
        assertEquals(count, stats.upstreamFetches());
    }

    // ---- 7. disk cache

    @Test
    void theDiskCacheSurvivesARestart() throws Exception {
        Path cache = tmp.resolve("cache");
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        fake.on(YT, youtubeOembed(ID), oembed("YouTube title", "https://i.ytimg.com/x.jpg"));
        fake.on(VIMEO_SITE, vimeoOembed(VIDEO), oembed("Vimeo title", "https://i.vimeocdn.com" + VIMEO_THUMB));
        fake.on(VIMEO_CDN, VIMEO_THUMB, Handler.ok("image/png", png));
        PreviewService a = start(builder().cacheDirectory(cache));
        String youtube = rest(a.preview(YOUTUBE, youtubeEmbed(ID)));
        String vimeo = rest(a.preview(VIMEO, vimeoEmbed(VIDEO)));
        assertArrayEquals(jpeg, image(a.serve(youtube)).bytes());
        assertArrayEquals(png, image(a.serve(vimeo)).bytes());
        eventually("youtube's title", () -> a.preview(YOUTUBE, youtubeEmbed(ID)).title() != null);
        assertEquals("Vimeo title", a.preview(VIMEO, vimeoEmbed(VIDEO)).title());
        assertTrue(a.stats().diskBytes() > jpeg.length + png.length, a.stats().toString());
        a.close();
        fake.close();

        try (FakeProvider empty = FakeProvider.start(THUMBS, YT, VIMEO_SITE, VIMEO_CDN)) {
            PreviewService b = start(builder(empty.clientBuilder().timeout(TIMEOUT).build()).cacheDirectory(cache));
            assertEquals(a.stats().diskBytes(), b.stats().diskBytes());
            PreviewResponse.Image youtubeStill = image(b.serve(youtube));
            assertArrayEquals(jpeg, youtubeStill.bytes());
            assertEquals("image/jpeg", youtubeStill.mediaType());
            assertArrayEquals(png, image(b.serve(vimeo)).bytes());
            assertEquals("Vimeo title", b.preview(VIMEO, vimeoEmbed(VIDEO)).title(),
                    "an oEmbed-only provider's title comes back from disk with its still");
            eventually("youtube's title from disk",
                    () -> "YouTube title".equals(b.preview(YOUTUBE, youtubeEmbed(ID)).title()));
            assertEquals(0, empty.requests());
            assertEquals(List.of(), empty.connectedAddresses());
            assertEquals(0, b.stats().upstreamFetches());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated", "garbage", "empty", "other-key"})
    void aDamagedCacheFileIsIgnoredAndFetchedAgain(String damage) throws IOException {
        Path cache = tmp.resolve("cache");
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        fake.on(THUMBS, thumb("other_video"), Handler.ok("image/png", png));
        PreviewService a = start(builder().cacheDirectory(cache));
        String path = signed("youtube/0/" + ID, SITE_KEY);
        image(a.serve(path));
        image(a.serve(signed("youtube/0/other_video", SITE_KEY)));
        a.close();
        Path file = cache.resolve(PreviewDiskCache.stem(new PreviewKey("youtube", 0, List.of(ID))) + ".img");
        Path other = cache.resolve(PreviewDiskCache.stem(new PreviewKey("youtube", 0, List.of("other_video")))
                + ".img");
        byte[] stored = Files.readAllBytes(file);
        switch (damage) {
            case "truncated" -> Files.write(file, java.util.Arrays.copyOf(stored, stored.length - 100));
            case "garbage" -> Files.write(file, json("<html>not a cache file</html>"));
            case "empty" -> Files.write(file, new byte[0]);
            default -> Files.copy(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        PreviewService b = start(builder().cacheDirectory(cache));
        PreviewResponse.Image still = image(b.serve(path));
        assertArrayEquals(jpeg, still.bytes());
        assertEquals("image/jpeg", still.mediaType());
        assertEquals(2, fake.requests(THUMBS, thumb(ID)), "fetched again");
        assertArrayEquals(stored, Files.readAllBytes(file), "and written again");
    }

    @Test
    void theDiskCacheKeepsToItsBoundDroppingTheOldest() throws Exception {
        Path cache = tmp.resolve("cache");
        long bound = 64 * 1024;
        PreviewService a = start(builder().cacheDirectory(cache).diskBytes(bound));
        List<String> paths = new ArrayList<>();
        List<byte[]> stills = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = String.format("vid%08d", i);
            byte[] still = image("png", 80, 200 + i);
            fake.on(THUMBS, thumb(id), Handler.ok("image/png", still));
            paths.add(signed("youtube/0/" + id, SITE_KEY));
            stills.add(still);
            image(a.serve(paths.get(i)));
            Thread.sleep(20); // distinct modification times
        }
        long onDisk = 0;
        for (Path file : files(cache, "")) {
            onDisk += Files.size(file);
        }
        assertTrue(onDisk <= bound, onDisk + " bytes on disk");
        assertEquals(onDisk, a.stats().diskBytes());
        a.close();

        int requests = fake.requests();
        PreviewService b = start(builder().cacheDirectory(cache).diskBytes(bound));
        assertArrayEquals(stills.get(7), image(b.serve(paths.get(7))).bytes());
        assertEquals(requests, fake.requests(), "the newest still is on disk");
        assertArrayEquals(stills.get(0), image(b.serve(paths.get(0))).bytes());
        assertEquals(requests + 1, fake.requests(), "the oldest was dropped");
    }

    @Test
    void aCacheDirectoryThatWentAwayDoesNotBreakServing() throws IOException {
        // works as root too: nothing can be written into a path that is a plain file
        Path cache = tmp.resolve("cache");
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        fake.on(VIMEO_SITE, vimeoOembed(VIDEO), oembed("Vimeo title", "https://i.vimeocdn.com" + VIMEO_THUMB));
        fake.on(VIMEO_CDN, VIMEO_THUMB, Handler.ok("image/png", png));
        PreviewService service = start(builder().cacheDirectory(cache));
        Files.delete(cache);
        Files.writeString(cache, "not a folder");
        String path = signed("youtube/0/" + ID, SITE_KEY);
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertArrayEquals(png, image(service.serve(signed("vimeo/1/" + VIDEO, SITE_KEY))).bytes());
        assertEquals("Vimeo title", service.preview(VIMEO, vimeoEmbed(VIDEO)).title());
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
        assertEquals("not a folder", Files.readString(cache));
    }

    @Test
    void aCacheDirectoryThatCannotBeMadeCostsOnlyPersistence() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "in the way");
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder().cacheDirectory(file.resolve("previews")));
        String path = signed("youtube/0/" + ID, SITE_KEY);
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertEquals(1, fake.requests(THUMBS, thumb(ID)), "the second from memory");
        assertEquals(0, service.stats().diskBytes());
    }

    // ---- 8. seeding

    @Test
    void aSeededStillNeedsNoNetwork() throws IOException {
        AtomicInteger lookUps = new AtomicInteger();
        UpstreamClient offline = fake.clientBuilder().resolver(host -> {
            lookUps.incrementAndGet();
            throw new java.net.UnknownHostException(host + ": offline");
        }).build();
        Path cache = tmp.resolve("cache");
        PreviewService service = start(builder(offline).cacheDirectory(cache));
        service.seed("youtube", youtubeEmbed(ID), png, "Our own video");
        Preview preview = service.preview(YOUTUBE, youtubeEmbed(ID));
        assertEquals("Our own video", preview.title());
        PreviewResponse.Image still = image(service.serve(rest(preview)));
        assertArrayEquals(png, still.bytes());
        assertEquals("image/png", still.mediaType());

        PreviewService restarted = start(builder(offline).cacheDirectory(cache));
        assertArrayEquals(png, image(restarted.serve(rest(preview))).bytes());
        assertEquals(0, lookUps.get());
        assertEquals(0, fake.requests());
        assertEquals(0, service.stats().upstreamFetches() + restarted.stats().upstreamFetches());
    }

    @Test
    void seedRefusesWhatIsNoImageOrNoPreview() {
        PreviewService service = start(builder());
        IllegalArgumentException notImage = assertThrows(IllegalArgumentException.class,
                () -> service.seed("youtube", youtubeEmbed(ID), json("<html>"), null));
        assertTrue(notImage.getMessage().contains("not a JPEG"), notImage.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.seed("myspace", youtubeEmbed(ID), png, null));
        assertThrows(IllegalArgumentException.class,
                () -> service.seed("youtube", "https://www.youtube.com/@channel", png, null));
        assertThrows(IllegalArgumentException.class, () -> service.seed("youtube", youtubeEmbed(ID), new byte[0], null));
        assertEquals(0, service.stats().memoryEntries());
    }

    @Test
    void aSeededStillIsACopy() {
        PreviewService service = start(builder());
        byte[] mine = png.clone();
        service.seed("youtube", youtubeEmbed(ID), mine, null);
        mine[mine.length - 1] ^= 1;
        assertArrayEquals(png, image(service.serve(signed("youtube/0/" + ID, SITE_KEY))).bytes());
    }

    // ---- 9. rendering never waits

    @Test
    void previewReturnsAtOnceAndWarmsTheCacheInTheBackground() throws Exception {
        fake.on(THUMBS, thumb(ID), afterDelay(Duration.ofMillis(1500), Handler.ok("image/jpeg", jpeg)));
        PreviewService service = start(PreviewService.builder(CATALOGUE, List.of(SITE_KEY))
                .client(fake.clientBuilder().timeout(Duration.ofSeconds(5)).build()));
        long start = System.nanoTime();
        Preview preview = service.preview(YOUTUBE, youtubeEmbed(ID));
        long elapsed = millisSince(start);
        assertNotNull(preview);
        assertTrue(elapsed < 300, "preview() waited " + elapsed + " ms");
        eventually("the background fetch reaches the provider", () -> fake.requests(THUMBS, thumb(ID)) == 1);
        assertTrue(millisSince(start) < 1500, "the fetch started before any serve()");

        PreviewResponse.Image still = image(service.serve(rest(preview)));
        assertArrayEquals(jpeg, still.bytes());
        assertEquals(1, fake.requests(THUMBS, thumb(ID)), "serve() joined the fetch preview() started");
    }

    @Test
    void serveAnswersUnavailableWhenTheWaitEnds() {
        fake.on(THUMBS, thumb(ID), afterDelay(Duration.ofMillis(1500), Handler.ok("image/jpeg", jpeg)));
        PreviewService service = start(PreviewService.builder(CATALOGUE, List.of(SITE_KEY))
                .client(fake.clientBuilder().timeout(Duration.ofSeconds(5)).build()).wait(Duration.ofMillis(200)));
        String path = signed("youtube/0/" + ID, SITE_KEY);
        long start = System.nanoTime();
        PreviewResponse answer = service.serve(path);
        assertTrue(millisSince(start) < 1000, millisSince(start) + " ms");
        assertEquals(new PreviewResponse.Unavailable("still being fetched"), answer);
        // the fetch goes on; a later request gets the still
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(service.serve(path) instanceof PreviewResponse.Image) && System.nanoTime() < deadline) {
            // each serve waits up to 200 ms
        }
        assertArrayEquals(jpeg, image(service.serve(path)).bytes());
        assertEquals(1, fake.requests(THUMBS, thumb(ID)));
    }

    @Test
    void aClosedServiceAnswersWithoutThrowing() {
        fake.on(THUMBS, thumb(ID), Handler.ok("image/jpeg", jpeg));
        PreviewService service = start(builder());
        service.close();
        assertNotNull(service.preview(YOUTUBE, youtubeEmbed(ID)));
        assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(signed("youtube/0/" + ID, SITE_KEY)));
        assertEquals(0, fake.requests());
    }

    @Test
    void anOverloadedServiceAnswersAtOnceAndLogsNoWarnings() {
        List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger caffeine = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                logged.add(logRecord);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        caffeine.addHandler(handler);
        try {
            fake.on(THUMBS, thumb("vid00000000"), afterDelay(Duration.ofSeconds(2), Handler.ok("image/jpeg", jpeg)));
            PreviewService service = start(builder().fetchThreads(1));
            long start = System.nanoTime();
            for (int i = 0; i < 600; i++) {
                assertNotNull(service.preview(YOUTUBE, youtubeEmbed(String.format("vid%08d", i))));
            }
            PreviewResponse busy = service.serve(signed("youtube/0/vid00000599", SITE_KEY));
            assertEquals(new PreviewResponse.Unavailable("preview fetching is busy"), busy);
            assertTrue(millisSince(start) < 1500, "nothing waited for the queue: " + millisSince(start) + " ms");

            service.close();
            assertNotNull(service.preview(YOUTUBE, youtubeEmbed(ID)));
            assertInstanceOf(PreviewResponse.Unavailable.class, service.serve(signed("youtube/0/" + ID, SITE_KEY)));
            assertEquals(List.of(), logged.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
        } finally {
            caffeine.removeHandler(handler);
        }
    }
}

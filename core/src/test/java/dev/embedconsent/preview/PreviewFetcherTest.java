package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.testing.FakeProvider;
import dev.embedconsent.testing.FakeProvider.Handler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a preview rule becomes a still: image template, oEmbed fallback, and what an oEmbed answer may name. */
class PreviewFetcherTest {
    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();
    private static final Provider YOUTUBE = CATALOGUE.get("youtube").orElseThrow();
    private static final Provider VIMEO = CATALOGUE.get("vimeo").orElseThrow();
    private static final String ID = "kU1_gDqGmQk";
    private static final String EMBED = "https://www.youtube.com/embed/" + ID;
    private static final String THUMB = "/vi/" + ID + "/hqdefault.jpg";
    private static final String OEMBED = "/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D" + ID;
    private static final String VIMEO_EMBED = "https://player.vimeo.com/video/76979871";
    private static final String VIMEO_OEMBED = "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F76979871";
    private static final URI VIMEO_ENDPOINT = URI.create("https://vimeo.com" + VIMEO_OEMBED);

    private static byte[] jpeg;
    private static byte[] png;

    private FakeProvider fake;
    private PreviewFetcher fetcher;

    @BeforeAll
    static void makeImages() {
        jpeg = PreviewServiceTest.image("jpeg", 16, 1);
        png = PreviewServiceTest.image("png", 16, 2);
    }

    @BeforeEach
    void start() throws IOException {
        fake = FakeProvider.start("i.ytimg.com", "www.youtube.com", "vimeo.com", "i.vimeocdn.com", "evil.example");
        fetcher = new PreviewFetcher(fake.client(), 64 * 1024);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Handler json(String json) {
        return Handler.ok("application/json", utf8(json));
    }

    @Test
    void theImageTemplateGivesTheStillAndOembedTheTitle() throws PreviewUnavailableException {
        fake.on("i.ytimg.com", THUMB, Handler.ok("image/jpeg", jpeg));
        fake.on("www.youtube.com", OEMBED, json("{\"title\":\"Talk\",\"thumbnail_url\":\"https://i.ytimg.com/o.jpg\"}"));
        FetchedPreview still = fetcher.fetch(YOUTUBE, EMBED);
        assertEquals(ImageFormat.JPEG, still.format());
        assertArrayEquals(jpeg, still.image());
        assertEquals("Talk", still.title());
        assertEquals(0, fake.requests("i.ytimg.com", "/o.jpg"), "the template's still is used");
    }

    @Test
    void aMissingTitleDoesNotCostTheStill() throws PreviewUnavailableException {
        fake.on("i.ytimg.com", THUMB, Handler.ok("image/jpeg", jpeg));
        FetchedPreview still = fetcher.fetch(YOUTUBE, EMBED);
        assertArrayEquals(jpeg, still.image());
        assertNull(still.title());
    }

    @Test
    void whenTheTemplateFailsOembedsThumbnailIsTheFallback() throws PreviewUnavailableException {
        fake.on("i.ytimg.com", THUMB, Handler.respond(404, "text/html", utf8("<h1>gone</h1>")));
        fake.on("www.youtube.com", OEMBED,
                json("{\"title\":\"Talk\",\"thumbnail_url\":\"https://i.ytimg.com/vi/" + ID + "/mq.jpg\"}"));
        fake.on("i.ytimg.com", "/vi/" + ID + "/mq.jpg", Handler.ok("image/png", png));
        FetchedPreview still = fetcher.fetch(YOUTUBE, EMBED);
        assertArrayEquals(png, still.image());
        assertEquals(ImageFormat.PNG, still.format());
        assertEquals("Talk", still.title());
    }

    @Test
    void theBytesDecideWhatIsAnImage() throws PreviewUnavailableException {
        fake.on("i.ytimg.com", THUMB, Handler.ok("image/jpeg", utf8("<!DOCTYPE html><p>consent wall")));
        PreviewUnavailableException e = assertThrows(PreviewUnavailableException.class,
                () -> fetcher.fetch(YOUTUBE, EMBED));
        assertTrue(e.getMessage().contains("not an image"), "says why the template failed: " + e.getMessage());
        assertTrue(e.getMessage().contains("oEmbed fallback"), e.getMessage());

        fake.on("i.ytimg.com", THUMB, Handler.ok("text/plain", png));
        assertEquals(ImageFormat.PNG, fetcher.fetch(YOUTUBE, EMBED).format());
    }

    @Test
    void aStillOverTheLimitIsRefused() {
        fake.on("i.ytimg.com", THUMB, Handler.ok("image/jpeg", new byte[64 * 1024 + 1]));
        assertThrows(PreviewUnavailableException.class, () -> fetcher.fetch(YOUTUBE, EMBED));
    }

    @Test
    void vimeoGoesThroughOembed() throws PreviewUnavailableException {
        fake.on("vimeo.com", VIMEO_OEMBED,
                json("{\"type\":\"video\",\"title\":\"Film\",\"thumbnail_url\":\"//i.vimeocdn.com/video/1_640\"}"));
        fake.on("i.vimeocdn.com", "/video/1_640", Handler.ok("image/jpeg", jpeg));
        FetchedPreview still = fetcher.fetch(VIMEO, VIMEO_EMBED);
        assertArrayEquals(jpeg, still.image());
        assertEquals("Film", still.title());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/x.jpg", "http://i.vimeocdn.com/x.jpg",
        "https://i.vimeocdn.com:8443/x.jpg", "https://user@i.vimeocdn.com/x.jpg", "//evil.example/x.jpg",
        "https://i.vimeocdn.com.evil.example/x.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA", "", "  "})
    void aThumbnailOffTheProvidersHostsIsNotFetched(String thumbnail) {
        fake.on("vimeo.com", VIMEO_OEMBED, json("{\"type\":\"video\",\"thumbnail_url\":\"" + thumbnail + "\"}"));
        fake.on("evil.example", "/x.jpg", Handler.ok("image/jpeg", jpeg));
        PreviewUnavailableException e = assertThrows(PreviewUnavailableException.class,
                () -> fetcher.fetch(VIMEO, VIMEO_EMBED));
        assertTrue(e.getMessage().contains("no usable thumbnail"), e.getMessage());
        assertEquals(1, fake.requests(), "only the oEmbed request");
        assertEquals(List.of(fake.address("vimeo.com")), fake.connectedAddresses());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"thumbnail_url\":\"https://i.vimeocdn.com/a.jpg\"}                               | https://i.vimeocdn.com/a.jpg",
        "{\"thumbnail_url\":\"//i.vimeocdn.com/a.jpg\"}                                     | https://i.vimeocdn.com/a.jpg",
        "{\"thumbnail_url\":\"/a.jpg\"}                                                     | https://vimeo.com/a.jpg",
        "{\"thumbnail_url\":\"  https://I.VIMEOCDN.COM:443/a.jpg  \"}                       | https://I.VIMEOCDN.COM:443/a.jpg",
        "{\"thumbnail_url\":\"https://evil.example/a.jpg\",\"image\":\"https://i.vimeocdn.com/b.jpg\"} | https://i.vimeocdn.com/b.jpg",
        "{\"type\":\"photo\",\"url\":\"https://i.vimeocdn.com/p.jpg\"}                      | https://i.vimeocdn.com/p.jpg",
        "{\"type\":\"video\",\"url\":\"https://i.vimeocdn.com/p.jpg\"}                      | ",
        "{\"thumbnail_url\":42}                                                            | ",
        "{\"thumbnail_url\":\"https://evil.example/a.jpg\"}                                 | "})
    void oembedAnswersNameThumbnailsOnlyOnTheProvidersHosts(String json, String expected)
            throws PreviewUnavailableException {
        URI thumbnail = PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT, utf8(json)).thumbnail();
        assertEquals(expected == null ? null : URI.create(expected), thumbnail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>", "[1,2]", "\"a string\"", "", "{\"title\":"})
    void anOembedAnswerMustBeAJsonObject(String body) {
        assertThrows(PreviewUnavailableException.class,
                () -> PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT, utf8(body)));
    }

    @Test
    void titlesArePlainTextOfBoundedLength() throws PreviewUnavailableException {
        assertEquals("A film <b>", PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT,
                utf8("{\"title\":\"\\n A\\u200b\\u0000 film\\t <b> \"}")).title());
        assertNull(PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT, utf8("{\"title\":\" \\u0007 \"}")).title());
        assertNull(PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT, utf8("{\"title\":[\"x\"]}")).title());
        String longTitle = PreviewFetcher.parseOEmbed(VIMEO, VIMEO_ENDPOINT,
                utf8("{\"title\":\"" + "\\ud83c\\udfac".repeat(400) + "\"}")).title();
        assertEquals(PreviewFetcher.MAX_TITLE, longTitle.codePointCount(0, longTitle.length()));
    }

    @Test
    void anEmbedWithoutARuleHasNoPreview() {
        assertThrows(PreviewUnavailableException.class,
                () -> fetcher.fetch(YOUTUBE, "https://www.youtube.com/embed/videoseries"));
        assertNull(PreviewFetcher.fileStem(YOUTUBE, "https://www.youtube.com/@channel"));
        assertEquals(0, fake.requests());
    }

    @Test
    void fileStemsAreStableAndNameTheProvider() {
        String stem = PreviewFetcher.fileStem(YOUTUBE, EMBED);
        assertTrue(stem.matches("youtube-[0-9a-f]{16}"), stem);
        assertEquals(stem, PreviewFetcher.fileStem(YOUTUBE, "https://www.youtube-nocookie.com/embed/" + ID + "?rel=0"));
        assertTrue(!stem.equals(PreviewFetcher.fileStem(YOUTUBE, "https://www.youtube.com/embed/kU1_gDqGmQl")));
    }
}

package dev.embedconsent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.preview.PreviewFetcher;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.testing.FakeProvider;
import dev.embedconsent.testing.FakeProvider.Handler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code rewrite --previews DIR}: stills downloaded from a fake YouTube and Vimeo and linked from the pages. */
class RewritePreviewsTest {
    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();
    private static final String YOUTUBE_EMBED = "https://www.youtube.com/embed/kU1_gDqGmQk";
    private static final String VIMEO_EMBED = "https://player.vimeo.com/video/76979871";
    /** A video whose still the fake does not have (404 for the image and the oEmbed fallback). */
    private static final String MISSING_EMBED = "https://www.youtube.com/embed/missing0000";
    private static final String THUMB = "/vi/kU1_gDqGmQk/hqdefault.jpg";
    private static final String MISSING_THUMB = "/vi/missing0000/hqdefault.jpg";
    private static final String YOUTUBE_OEMBED =
            "/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DkU1_gDqGmQk";
    private static final String VIMEO_OEMBED = "/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F76979871";
    private static final String VIMEO_THUMB = "/video/1234-abc_640.jpg";
    private static final String PAGE = """
            <!DOCTYPE html><html lang="en"><head><title>Videos</title></head><body>
            <iframe width="560" height="315" src="%s" title="Our talk"></iframe>
            <iframe width="640" height="360" src="%s"></iframe>
            <iframe width="560" height="315" src="%s" title="Gone"></iframe>
            </body></html>
            """.formatted(YOUTUBE_EMBED, VIMEO_EMBED, MISSING_EMBED);

    private static byte[] jpeg;
    private static byte[] png;

    @TempDir
    Path dir;

    private FakeProvider fake;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeAll
    static void makeImages() throws IOException {
        jpeg = image("jpeg", 1);
        png = image("png", 2);
    }

    private static byte[] image(String format, long seed) throws IOException {
        BufferedImage image = new BufferedImage(16, 9, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    @BeforeEach
    void startFake() throws IOException {
        fake = FakeProvider.start("i.ytimg.com", "www.youtube.com", "vimeo.com", "i.vimeocdn.com");
        fake.on("i.ytimg.com", THUMB, Handler.ok("image/jpeg", jpeg));
        fake.on("www.youtube.com", YOUTUBE_OEMBED, Handler.ok("application/json",
                "{\"title\":\"YouTube's own title\",\"thumbnail_url\":\"https://i.ytimg.com/x.jpg\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        fake.on("vimeo.com", VIMEO_OEMBED, Handler.ok("application/json",
                ("{\"type\":\"video\",\"title\":\"Vimeo's title\",\"thumbnail_url\":\"https://i.vimeocdn.com"
                        + VIMEO_THUMB + "\"}").getBytes(StandardCharsets.UTF_8)));
        fake.on("i.vimeocdn.com", VIMEO_THUMB, Handler.ok("image/png", png));
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private int run(String... args) {
        return new RewriteCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), () -> fake.client()).run(List.of(args));
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static String stem(String provider, String embedUrl) {
        return PreviewFetcher.fileStem(CATALOGUE.get(provider).orElseThrow(), embedUrl);
    }

    /** The {@code src} of each placeholder's still by the embed's URL; null for a placeholder without one. */
    private static Map<String, String> stills(String html) {
        Document page = Jsoup.parse(html);
        Map<String, String> stills = new LinkedHashMap<>();
        for (Element placeholder : page.select("div.ec-placeholder")) {
            Element original = placeholder.selectFirst("template.ec-original iframe");
            assertNotNull(original, placeholder.outerHtml());
            List<Element> images = placeholder.select("img.ec-preview");
            assertTrue(images.size() <= 1, placeholder.outerHtml());
            stills.put(original.attr("src"), images.isEmpty() ? null : images.get(0).attr("src"));
        }
        assertEquals(3, stills.size(), html);
        return stills;
    }

    /** Checks the page's stills: src = prefix + file name, the files in {@code previews} hold the fake's bytes. */
    private void assertStills(String html, String prefix, Path previews) throws IOException {
        Map<String, String> stills = stills(html);
        String youtube = stem("youtube", YOUTUBE_EMBED) + ".jpg";
        String vimeo = stem("vimeo", VIMEO_EMBED) + ".png";
        assertEquals(prefix + youtube, stills.get(YOUTUBE_EMBED));
        assertEquals(prefix + vimeo, stills.get(VIMEO_EMBED));
        assertNull(stills.get(MISSING_EMBED), "no still could be had");
        assertArrayEquals(jpeg, Files.readAllBytes(previews.resolve(youtube)));
        assertArrayEquals(png, Files.readAllBytes(previews.resolve(vimeo)));
        Document page = Jsoup.parse(html);
        assertTrue(page.select("div.ec-placeholder[data-consent-provider=vimeo] .ec-embed-title").text()
                .contains("Vimeo's title"), "the provider's title where the page gave none");
        assertEquals("Our talk",
                page.select("div.ec-placeholder[data-consent-provider=youtube] .ec-embed-title").first().text(),
                "the page's own title wins");
    }

    /** Where a relative src leads from a page in {@code pageDirectory}. */
    private static Path resolve(Path pageDirectory, String src) {
        return Path.of(pageDirectory.toAbsolutePath().toUri().resolve(URI.create(src))).normalize();
    }

    private List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    @Test
    void writesAPageWhosePlaceholdersShowTheDownloadedStills() throws IOException {
        Path in = write("site/index.html", PAGE);
        Path out = dir.resolve("public/index.html");
        Files.createDirectories(out.getParent());
        Path previews = dir.resolve("public/previews");
        assertEquals(0, run("--previews", previews.toString(), in.toString(), out.toString()), err());

        String html = Files.readString(out);
        assertStills(html, "previews/", previews);
        for (String src : stills(html).values()) {
            if (src != null) {
                assertTrue(Files.isRegularFile(resolve(out.getParent(), src)), src);
            }
        }
        assertTrue(err().contains("no preview for youtube " + stem("youtube", MISSING_EMBED)), err());
        assertTrue(err().contains("404"), "says why: " + err());
        assertTrue(err().contains("2 downloaded, 0 already there, 1 not available"), err());
        assertEquals(1, fake.requests("i.ytimg.com", THUMB));
        assertEquals(1, fake.requests("i.ytimg.com", MISSING_THUMB));
        assertEquals(List.of(previews.resolve(stem("vimeo", VIMEO_EMBED) + ".png"),
                previews.resolve(stem("vimeo", VIMEO_EMBED) + ".title"),
                previews.resolve(stem("youtube", YOUTUBE_EMBED) + ".jpg"),
                previews.resolve(stem("youtube", YOUTUBE_EMBED) + ".title")), files(previews),
                "no temporary files are left");
    }

    @Test
    void aSecondRunUsesTheFilesAgainWithoutRequests() throws IOException {
        Path in = write("site/index.html", PAGE);
        Path out = dir.resolve("site/out.html");
        Path previews = dir.resolve("site/img");
        assertEquals(0, run("--previews", previews.toString(), in.toString(), out.toString()), err());
        String first = Files.readString(out);
        int youtube = fake.requests("i.ytimg.com", THUMB) + fake.requests("www.youtube.com", YOUTUBE_OEMBED);
        int vimeo = fake.requests("vimeo.com", VIMEO_OEMBED) + fake.requests("i.vimeocdn.com", VIMEO_THUMB);
        stderr.reset();

        assertEquals(0, run("--previews", previews.toString(), in.toString(), out.toString()), err());
        assertEquals(first, Files.readString(out), "the same page, titles included");
        assertEquals(youtube, fake.requests("i.ytimg.com", THUMB) + fake.requests("www.youtube.com", YOUTUBE_OEMBED));
        assertEquals(vimeo, fake.requests("vimeo.com", VIMEO_OEMBED) + fake.requests("i.vimeocdn.com", VIMEO_THUMB));
        assertTrue(err().contains("0 downloaded, 2 already there, 1 not available"), err());
        assertEquals(2, fake.requests("i.ytimg.com", MISSING_THUMB), "a still that failed is tried again");
    }

    @Test
    void previewsUrlSetsThePrefix() throws IOException {
        Path in = write("index.html", PAGE);
        Path out = dir.resolve("out.html");
        Path previews = dir.resolve("anywhere");
        assertEquals(0, run("--previews", previews.toString(), "--previews-url", "/static/p/", in.toString(),
                out.toString()), err());
        assertStills(Files.readString(out), "/static/p/", previews);

        assertEquals(0, run("--previews", previews.toString(), "--previews-url", "/static/q", in.toString(),
                out.toString()), err());
        assertStills(Files.readString(out), "/static/q/", previews);
    }

    @Test
    void stdoutLinksRelativeToTheWorkingDirectory() throws IOException {
        Path in = write("index.html", PAGE);
        Path previews = dir.resolve("stills");
        assertEquals(0, run("--previews", previews.toString(), in.toString()), err());
        String html = stdout.toString(StandardCharsets.UTF_8);
        Path workingDirectory = Path.of("").toAbsolutePath();
        String prefix = DownloadedPreviews.relativePrefix(workingDirectory, previews);
        assertTrue(prefix.startsWith("../") || !prefix.startsWith("/"), prefix);
        assertStills(html, prefix, previews);
        String youtube = stills(html).get(YOUTUBE_EMBED);
        assertEquals(previews.resolve(stem("youtube", YOUTUBE_EMBED) + ".jpg").toAbsolutePath().normalize(),
                resolve(workingDirectory, youtube));
    }

    @Test
    void outDirLinksEveryPageRelativeToTheOutDir() throws IOException {
        Path a = write("src/a.html", PAGE);
        Path b = write("src/b.html", PAGE.replace("Videos", "More videos"));
        Path outDir = dir.resolve("public");
        Path previews = dir.resolve("public/assets/previews");
        assertEquals(0, run("--out-dir", outDir.toString(), "--previews", previews.toString(), a.toString(),
                b.toString()), err());
        assertStills(Files.readString(outDir.resolve("a.html")), "assets/previews/", previews);
        assertStills(Files.readString(outDir.resolve("b.html")), "assets/previews/", previews);
        assertEquals(1, fake.requests("i.ytimg.com", THUMB), "one download for both pages");
        assertEquals(1, fake.requests("i.vimeocdn.com", VIMEO_THUMB));
        assertEquals(1, fake.requests("i.ytimg.com", MISSING_THUMB), "and one try for the missing still");
    }

    @Test
    void previewsUrlWithoutPreviewsIsAUsageError() throws IOException {
        Path in = write("index.html", PAGE);
        UsageException e = assertThrows(UsageException.class,
                () -> run("--previews-url", "/static/p/", in.toString()));
        assertTrue(e.getMessage().contains("--previews-url needs --previews"), e.getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(List.of("rewrite", "--previews-url", "/static/p/", in.toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--previews-url needs --previews DIR"));
        assertEquals(0, fake.requests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cdn.example/p/", "//cdn.example/p/", "javascript:alert(1)//", "/p/\"><x>",
        "\\\\cdn.example\\p\\", "/\\cdn.example/p/", "\\/cdn.example/p/", "/static p/", "/p/\t", "/p/\u0000"})
    void previewsUrlMustBeAPathOnTheSite(String url) throws IOException {
        Path in = write("index.html", PAGE);
        Path out = dir.resolve("out.html");
        UsageException e = assertThrows(UsageException.class,
                () -> run("--previews", dir.resolve("p").toString(), "--previews-url", url, in.toString(),
                        out.toString()));
        assertTrue(e.getMessage().contains("--previews-url"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(0, fake.requests());
    }

    @Test
    void previewsMustBeADirectory() throws IOException {
        Path in = write("index.html", PAGE);
        Path file = write("taken", "a file");
        assertThrows(UsageException.class, () -> run("--previews", file.toString(), in.toString()));
        assertEquals(0, fake.requests());
    }

    @Test
    void withoutPreviewsNothingIsFetched() throws IOException {
        Path in = write("index.html", PAGE);
        assertEquals(0, run(in.toString()), err());
        assertTrue(stills(stdout.toString(StandardCharsets.UTF_8)).values().stream().allMatch(s -> s == null));
        assertEquals(0, fake.requests());
        assertEquals(List.of(), new ArrayList<>(fake.connectedAddresses()));
    }
}

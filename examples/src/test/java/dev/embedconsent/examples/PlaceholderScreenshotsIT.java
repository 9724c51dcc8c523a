package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import dev.embedconsent.testing.LoopbackPages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Screenshots of the delegation-visit placeholder in English, German and Ukrainian for the README, made by headless
 * Chromium from the real rewriter output, stylesheet and script; the same with the demo's preview still (English and
 * German at desktop width, English at phone width), and the top of the real demo's gallery. They always go to
 * {@code target/screenshots}; with {@code -Dembedconsent.screenshots.update=true} they also replace the files of the
 * same names in {@code docs/screenshots} ({@code placeholder-LANG.png}, {@code preview-*.png}, {@code gallery.png}):
 * <pre>{@code
 * mvn -B -pl examples -am verify -Dit.test=PlaceholderScreenshotsIT -Dembedconsent.screenshots.update=true
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaceholderScreenshotsIT {
    private static final String ASSETS = "/dev/embedconsent/servlet/assets/";
    private static final String EMBED = "<iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube.com/embed/kU1_gDqGmQk\" title=\"Ukrainian representatives visit the ECMI in "
            + "Flensburg\" frameborder=\"0\" allow=\"accelerometer; autoplay; clipboard-write; encrypted-media; "
            + "gyroscope; picture-in-picture; web-share\" allowfullscreen></iframe>";

    private LoggingProxy proxy;
    private LoopbackPages pages;
    private HeadlessChromium chromium;

    @BeforeAll
    void start() throws IOException {
        HeadlessChromium.assumeAvailable();
        proxy = LoggingProxy.start();
        pages = LoopbackPages.start();
        pages.put("/embed-consent/embed-consent.css", "text/css", asset("embed-consent.css"));
        pages.put("/embed-consent/embed-consent.js", "text/javascript", asset("embed-consent.js"));
        chromium = HeadlessChromium.start(proxy);
    }

    @AfterAll
    void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (pages != null) {
            pages.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static byte[] asset(String name) throws IOException {
        try (InputStream in = PlaceholderScreenshotsIT.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new IOException("missing asset " + name);
            }
            return in.readAllBytes();
        }
    }

    private static byte[] page(String language) throws IOException {
        return page(language, EmbedRewriter.withDefaults());
    }

    /**
     * The delegation-visit embed on an otherwise empty page, rewritten with placeholders whose preview still is
     * served at {@code previewSrc} (a path on the page's own origin).
     */
    static byte[] previewPage(String language, String previewSrc) throws IOException {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder()
                .previews((provider, embedUrl) -> new Preview(previewSrc, null))
                .build();
        return page(language, EmbedRewriter.builder().placeholders(renderer).build());
    }

    private static byte[] page(String language, EmbedRewriter rewriter) throws IOException {
        String html = "<!DOCTYPE html><html lang=\"" + language + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>placeholder</title><style>body{margin:16px;background:#fff}</style></head><body>\n"
                + EMBED + "\n</body></html>\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rewriter.rewrite(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)), out,
                new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null));
        return out.toByteArray();
    }

    /** Sets the viewport to {@code width} CSS px at one device pixel per CSS px. */
    static void viewport(ChromeDriver driver, int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 500));
    }

    /** Waits until every image in the viewport has loaded (or failed); lazy ones further down never start. */
    static void awaitImages(ChromeDriver driver) {
        new WebDriverWait(driver, DemoSiteBrowserContract.WAIT).withMessage("images still loading").until(d ->
                Boolean.TRUE.equals(driver.executeScript("return [...document.images]"
                        + ".filter(i => i.getBoundingClientRect().top < window.innerHeight).every(i => i.complete);")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "de", "uk"})
    void placeholderScreenshot(String language) throws IOException {
        pages.put("/" + language + ".html", "text/html; charset=utf-8", page(language));
        ChromeDriver driver = chromium.driver();
        driver.manage().window().setSize(new Dimension(800, 1000));
        driver.get(pages.url("/" + language + ".html"));
        long readyAt = DemoSiteBrowserContract.awaitReady(driver);
        WebElement placeholder = driver.findElement(By.cssSelector(".ec-placeholder[data-consent-provider='youtube']"));
        byte[] png = placeholder.getScreenshotAs(OutputType.BYTES);
        Path target = Path.of("target/screenshots/placeholder-" + language + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, png);
        assertEquals(language, placeholder.getAttribute("lang"));
        List<WebElement> buttons = placeholder.findElements(By.cssSelector("button"));
        assertEquals(2, buttons.size());
        if (!language.equals("en")) {
            assertNotEquals("Load once", buttons.get(0).getText(), "translated");
        }
        assertTrue(placeholder.getSize().getWidth() <= 560,
                () -> "no wider than the original embed: " + placeholder.getSize() + " " + placeholder.getDomProperty(
                        "outerHTML").replaceAll("(?s)<div class=\"ec-body\">.*", ""));
        DemoSiteBrowserContract.quietSince(readyAt);
        assertEquals(List.of(), proxy.requests(), "the placeholder loads nothing from outside");
        publish(target);
    }

    /**
     * The placeholder with the demo's own preview still: {@code preview-en} and {@code preview-de} at desktop width
     * (the original is 560 x 315), {@code preview-phone-en} in a 360 CSS px wide viewport.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "de", "phone-en"})
    void previewScreenshot(String variant) throws IOException {
        boolean phone = variant.startsWith("phone-");
        String language = phone ? variant.substring("phone-".length()) : variant;
        pages.put("/preview/demo.jpg", "image/jpeg", DemoServer.demoPreview());
        pages.put("/preview-" + variant + ".html", "text/html; charset=utf-8",
                previewPage(language, "/preview/demo.jpg"));
        ChromeDriver driver = chromium.driver();
        viewport(driver, phone ? 360 : 800, 1000);
        try {
            driver.get(pages.url("/preview-" + variant + ".html"));
            long readyAt = DemoSiteBrowserContract.awaitReady(driver);
            awaitImages(driver);
            WebElement placeholder = driver.findElement(
                    By.cssSelector(".ec-placeholder[data-consent-provider='youtube']"));
            WebElement image = placeholder.findElement(By.cssSelector("img.ec-preview"));
            assertEquals(640L, Long.parseLong(image.getDomProperty("naturalWidth")), "the demo still shows");
            assertEquals(language, placeholder.getAttribute("lang"));
            int expectedWidth = phone ? 360 - 2 * 16 : 560;
            assertEquals(expectedWidth, placeholder.getSize().getWidth(), "as wide as the original, or the column");
            assertEquals(Boolean.TRUE, driver.executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling");
            Path target = Path.of("target/screenshots/preview-" + variant + ".png");
            Files.createDirectories(target.getParent());
            Files.write(target, placeholder.getScreenshotAs(OutputType.BYTES));
            DemoSiteBrowserContract.quietSince(readyAt);
            assertEquals(List.of(), proxy.requests(), "the placeholder loads nothing from outside");
            publish(target);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** The top of the real demo's gallery at desktop width, previews (offline: the neutral fallback) included. */
    @Test
    void galleryScreenshot(@TempDir Path data) throws Exception {
        try (DemoServer demo = DemoServer.start(new DemoOptions("127.0.0.1", 0, data))) {
            ChromeDriver driver = chromium.driver();
            viewport(driver, 1280, 900);
            driver.executeCdpCommand("Emulation.setScrollbarsHidden", Map.of("hidden", true));
            try {
                driver.get(demo.uri("/gallery").toString());
                long readyAt = DemoSiteBrowserContract.awaitReady(driver);
                awaitImages(driver);
                assertTrue(!driver.findElements(By.cssSelector("img.ec-preview")).isEmpty(), "previews shown");
                Path target = Path.of("target/screenshots/gallery.png");
                Files.createDirectories(target.getParent());
                Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
                DemoSiteBrowserContract.quietSince(readyAt);
                assertEquals(List.of(), proxy.requests(), "the gallery loads nothing from outside");
                publish(target);
            } finally {
                driver.executeCdpCommand("Emulation.setScrollbarsHidden", Map.of("hidden", false));
                driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
        }
    }

    /** With {@code -Dembedconsent.screenshots.update=true}, copies a screenshot into {@code docs/screenshots}. */
    private static void publish(Path screenshot) throws IOException {
        assertTrue(Files.size(screenshot) < 250 * 1024, () -> screenshot + " is larger than 250 KB");
        if (Boolean.getBoolean("embedconsent.screenshots.update")) {
            Path docs = Path.of(System.getProperty("embedconsent.repo.dir", ".."), "docs", "screenshots");
            Files.createDirectories(docs);
            Files.copy(screenshot, docs.resolve(screenshot.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

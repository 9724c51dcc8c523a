package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Screenshots of the delegation-visit placeholder in English, German and Ukrainian for the README, made by headless
 * Chromium from the real rewriter output, stylesheet and script. They always go to {@code target/screenshots}; with
 * {@code -Dembedconsent.screenshots.update=true} they also replace {@code docs/screenshots/placeholder-LANG.png}:
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
        String html = "<!DOCTYPE html><html lang=\"" + language + "\"><head><meta charset=\"utf-8\">"
                + "<title>placeholder</title><style>body{margin:16px;background:#fff}</style></head><body>\n"
                + EMBED + "\n</body></html>\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmbedRewriter.withDefaults().rewrite(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)), out,
                new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "de", "uk"})
    void placeholderScreenshot(String language) throws IOException {
        pages.put("/" + language + ".html", "text/html; charset=utf-8", page(language));
        ChromeDriver driver = chromium.driver();
        driver.manage().window().setSize(new Dimension(800, 1000));
        driver.get(pages.url("/" + language + ".html"));
        DemoSiteBrowserContract.settle(driver);
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
        assertEquals(List.of(), proxy.requests(), "the placeholder loads nothing from outside");
        if (Boolean.getBoolean("embedconsent.screenshots.update")) {
            Path docs = Path.of(System.getProperty("embedconsent.repo.dir", ".."), "docs", "screenshots");
            Files.createDirectories(docs);
            Files.copy(target, docs.resolve(target.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

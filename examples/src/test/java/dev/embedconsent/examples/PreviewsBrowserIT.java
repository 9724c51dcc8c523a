package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import dev.embedconsent.testing.LoopbackPages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Preview stills in headless Chromium against the real demo (whose non-loopback traffic all goes to a
 * {@link LoggingProxy}): they come from the site's own origin and load, the delegation video shows the project's own
 * picture, the gallery has no broken image without internet and loads quickly, a tampered preview URL is refused at
 * once, and the texts over a still keep WCAG AA contrast even when the still is pure white (measured on the pixels).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreviewsBrowserIT {
    private static final String ASSETS = "/dev/embedconsent/servlet/assets/";
    /** WCAG 2 AA for normal-size text. */
    private static final double AA = 4.5;

    @TempDir
    static Path data;
    private DemoServer demo;
    private LoggingProxy proxy;
    private LoopbackPages pages;
    private HeadlessChromium chromium;
    /** When the page last opened with {@link #open} was ready ({@link System#nanoTime()}). */
    private long readyAt;

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        demo = DemoServer.start(new DemoOptions("127.0.0.1", 0, data));
        proxy = LoggingProxy.start();
        pages = LoopbackPages.start();
        pages.put("/embed-consent/embed-consent.css", "text/css", asset("embed-consent.css"));
        pages.put("/embed-consent/embed-consent.js", "text/javascript", asset("embed-consent.js"));
        pages.put("/preview/white.png", "image/png", whitePng());
        chromium = HeadlessChromium.start(proxy);
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (pages != null) {
            pages.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void reset() {
        ChromeDriver driver = chromium.driver();
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.get("about:blank");
        proxy.clear();
    }

    private static byte[] asset(String name) throws IOException {
        try (InputStream in = PreviewsBrowserIT.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new IOException("missing asset " + name);
            }
            return in.readAllBytes();
        }
    }

    private static byte[] whitePng() throws IOException {
        BufferedImage white = new BufferedImage(640, 360, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < white.getHeight(); y++) {
            for (int x = 0; x < white.getWidth(); x++) {
                white.setRGB(x, y, 0xffffff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(white, "png", out);
        return out.toByteArray();
    }

    private void open(String path) {
        ChromeDriver driver = chromium.driver();
        driver.get(demo.uri(path).toString());
        readyAt = DemoSiteBrowserContract.awaitReady(driver);
        loadEveryImage(driver);
    }

    /** Before asserting that the page contacted no provider: see {@link DemoSiteBrowserContract#QUIET}. */
    private void quiet() {
        DemoSiteBrowserContract.quietSince(readyAt);
    }

    /**
     * Scrolls every image into view in turn (they are lazy) and waits until each has loaded or failed, or 5 s
     * passed; then back to the top.
     */
    private static void loadEveryImage(ChromeDriver driver) {
        driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  for (const i of document.images) {
                    i.scrollIntoView({block: 'center'});
                    const until = performance.now() + 5000;
                    while (!i.complete && performance.now() < until) {
                      await new Promise(r => setTimeout(r, 25));
                    }
                  }
                  window.scrollTo(0, 0);
                })().then(done, done);""");
    }

    /** For each {@code img.ec-preview}: src, whether same-origin, complete, natural width and height. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> previews(ChromeDriver driver) {
        return (List<Map<String, Object>>) driver.executeScript("""
                return [...document.querySelectorAll('img.ec-preview')].map(i => ({
                  src: i.getAttribute('src'),
                  url: i.currentSrc || i.src,
                  sameOrigin: new URL(i.currentSrc || i.src).origin === location.origin,
                  complete: i.complete,
                  width: i.naturalWidth,
                  height: i.naturalHeight,
                  provider: i.closest('.ec-placeholder').dataset.consentProvider
                }));""");
    }

    @Test
    void homePreviewsAreSameOriginAndLoad() {
        open("/");
        List<Map<String, Object>> previews = previews(chromium.driver());
        assertFalse(previews.isEmpty(), "the home page shows a preview");
        for (Map<String, Object> preview : previews) {
            assertEquals(Boolean.TRUE, preview.get("sameOrigin"), () -> "same origin: " + preview);
            assertTrue(((String) preview.get("src")).startsWith("/embed-consent/preview/"), () -> "ours: " + preview);
            assertEquals(Boolean.TRUE, preview.get("complete"), () -> "loaded: " + preview);
            assertTrue(((Number) preview.get("width")).intValue() > 0, () -> "not broken: " + preview);
        }
        quiet();
        assertEquals(List.of(), proxy.requests(), "no provider contacted before a click");
    }

    @Test
    void delegationPreviewIsTheSeededPicture() throws Exception {
        open("/");
        Map<String, Object> preview = previews(chromium.driver()).stream()
                .filter(p -> "youtube".equals(p.get("provider"))).findFirst().orElseThrow();
        assertEquals(640L, ((Number) preview.get("width")).longValue(), () -> "the seeded 640x360 still: " + preview);
        assertEquals(360L, ((Number) preview.get("height")).longValue(), () -> "the seeded 640x360 still: " + preview);
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create((String) preview.get("url"))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.headers().firstValue("X-Embed-Consent-Preview").orElse(""));
        assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(DemoServer.demoPreview(), response.body(), "the bytes of delegation-visit-preview.jpg");
    }

    @Test
    void galleryHasNoBrokenImageAndLoadsQuickly() {
        open("/gallery");
        ChromeDriver driver = chromium.driver();
        @SuppressWarnings("unchecked")
        List<String> broken = (List<String>) driver.executeScript(
                "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                        + ".map(i => i.getAttribute('src'));");
        assertEquals(List.of(), broken, "broken images on /gallery");
        List<Map<String, Object>> previews = previews(driver);
        assertTrue(previews.size() >= 3, () -> "the gallery's videos show previews: " + previews);
        previews.forEach(p -> assertEquals(Boolean.TRUE, p.get("sameOrigin"), () -> "same origin: " + p));
        double loadMillis = ((Number) driver.executeScript(
                "return performance.getEntriesByType('navigation')[0].loadEventEnd;")).doubleValue();
        System.out.printf(Locale.ROOT, "PreviewsBrowserIT: /gallery load event after %.0f ms with %d previews%n",
                loadMillis, previews.size());
        assertTrue(loadMillis > 0 && loadMillis < 3000, () -> "load event after " + loadMillis + " ms");
        quiet();
        assertEquals(List.of(), proxy.requests(), "no provider contacted before a click");
    }

    @Test
    void tamperedPreviewUrlIsRefusedAtOnce() {
        open("/");
        ChromeDriver driver = chromium.driver();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> answers = (List<Map<String, Object>>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const src = document.querySelector('img.ec-preview').getAttribute('src');
                const parts = src.split('/');
                const sig = parts[parts.length - 1];
                const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
                const otherId = parts.slice(0, -2).concat(['dQw4w9WgXcQ', sig]).join('/');
                const urls = [src, parts.slice(0, -1).concat([flipped]).join('/'), otherId];
                Promise.all(urls.map(async url => {
                  const start = performance.now();
                  const response = await fetch(url, {cache: 'no-store'});
                  await response.arrayBuffer();
                  return {url, status: response.status, millis: performance.now() - start};
                })).then(done, e => done([{error: String(e)}]));""");
        assertEquals(3, answers.size(), () -> String.valueOf(answers));
        assertEquals(200L, ((Number) answers.get(0).get("status")).longValue(), () -> "control: " + answers.get(0));
        for (Map<String, Object> tampered : answers.subList(1, 3)) {
            long status = ((Number) tampered.get("status")).longValue();
            assertTrue(status >= 400 && status < 500, () -> "refused: " + tampered);
            double millis = ((Number) tampered.get("millis")).doubleValue();
            assertTrue(millis < 1000, () -> "at once: " + tampered);
        }
        quiet();
        assertEquals(List.of(), proxy.requests(), "no provider contacted");
    }

    /**
     * The still covers exactly the original's box (560 x 315, or the column on a phone), the play symbol sits on the
     * still, texts that need more room grow the placeholder instead of being cut, and nothing overflows the page.
     */
    @ParameterizedTest(name = "{0} CSS px")
    @ValueSource(ints = {320, 360, 768, 1280})
    void previewKeepsTheOriginalsAspectRatio(int width) {
        ChromeDriver driver = chromium.driver();
        PlaceholderScreenshotsIT.viewport(driver, width, 900);
        for (String path : List.of("/", "/gallery")) {
            open(path);
            assertEquals(Boolean.TRUE, driver.executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth"),
                    () -> "no horizontal scrolling on " + path + " at " + width);
            @SuppressWarnings("unchecked")
            List<String> bad = (List<String>) driver.executeScript("""
                    const bad = [];
                    const near = (a, b) => Math.abs(a - b) <= 1;
                    for (const p of document.querySelectorAll('.ec-placeholder')) {
                      const img = p.querySelector(':scope > img.ec-preview');
                      if (!img) continue;
                      const name = p.dataset.consentProvider;
                      const box = p.getBoundingClientRect();
                      const sizer = p.querySelector(':scope > .ec-sizer').getBoundingClientRect();
                      const r = img.getBoundingClientRect();
                      if (!near(r.left, sizer.left) || !near(r.top, sizer.top) || !near(r.width, sizer.width)
                          || !near(r.height, sizer.height) || !near(r.width, box.width)) {
                        bad.push(name + ' still ' + JSON.stringify(r) + ' vs sizer ' + JSON.stringify(sizer));
                      }
                      if (getComputedStyle(img).objectFit !== 'cover') bad.push(name + ' object-fit');
                      const play = p.querySelector(':scope > .ec-play').getBoundingClientRect();
                      if (play.width < 1 || play.left < r.left || play.right > r.right || play.top < r.top
                          || play.bottom > r.bottom) {
                        bad.push(name + ' play ' + JSON.stringify(play) + ' outside ' + JSON.stringify(r));
                      }
                      for (const e of p.querySelectorAll('.ec-body, .ec-body p, .ec-body button')) {
                        const t = e.getBoundingClientRect();
                        if (t.left < box.left - 1 || t.right > box.right + 1 || t.top < box.top - 1
                            || t.bottom > box.bottom + 1 || e.scrollWidth > e.clientWidth + 1) {
                          bad.push(name + ' cut ' + e.className);
                        }
                      }
                    }
                    return bad;""");
            assertEquals(List.of(), bad, () -> path + " at " + width + " px");
        }
    }

    /**
     * Over a pure white still, every text of the placeholder keeps 4.5:1: measured against the lightest and the
     * darkest pixel Chromium actually paints behind it (texts hidden), with the colours it computes for the texts.
     * With the scrim removed the same measurement fails, so it can tell.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en@800", "de@800", "en@360"})
    void textsOverAWhiteStillKeepAaContrast(String variant) throws IOException {
        String language = variant.substring(0, variant.indexOf('@'));
        int width = Integer.parseInt(variant.substring(variant.indexOf('@') + 1));
        List<Contrast> measured = measureOverWhite(language, width, false);
        measured.forEach(c -> System.out.printf(Locale.ROOT, "PreviewsBrowserIT %s: %s%n", variant, c));
        assertTrue(measured.size() >= 8, () -> "texts measured: " + measured);
        assertTrue(measured.stream().anyMatch(c -> c.what().startsWith("a ")), "a link measured");
        for (Contrast contrast : measured) {
            assertTrue(contrast.ratio() >= AA, () -> variant + ": " + contrast);
        }
    }

    @Test
    void contrastMeasurementFailsWithoutTheScrim() throws IOException {
        List<Contrast> measured = measureOverWhite("en", 800, true);
        List<Contrast> white = measured.stream()
                .filter(c -> !c.what().startsWith("button") && c.colour().equals("rgb(255, 255, 255)")).toList();
        assertFalse(white.isEmpty(), () -> "white texts measured: " + measured);
        white.forEach(c -> assertTrue(c.ratio() < 1.5, () -> "white on white must fail: " + c));
    }

    /** One text's colour against the background pixels behind it. */
    record Contrast(String what, String colour, double lightestBackground, double darkestBackground, double ratio) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s over L %.3f..%.3f: %.2f:1", what, colour, darkestBackground,
                    lightestBackground, ratio);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Contrast> measureOverWhite(String language, int width, boolean withoutScrim) throws IOException {
        String page = "/white-" + language + ".html";
        pages.put(page, "text/html; charset=utf-8",
                PlaceholderScreenshotsIT.previewPage(language, "/preview/white.png"));
        ChromeDriver driver = chromium.driver();
        PlaceholderScreenshotsIT.viewport(driver, width, 1000);
        driver.get(pages.url(page));
        DemoSiteBrowserContract.awaitReady(driver);
        PlaceholderScreenshotsIT.awaitImages(driver);
        assertEquals(language, driver.findElement(By.cssSelector(".ec-placeholder")).getAttribute("lang"));
        WebElement image = driver.findElement(By.cssSelector("img.ec-preview"));
        assertEquals(640L, Long.parseLong(image.getDomProperty("naturalWidth")), "the white still shows");
        if (withoutScrim) {
            driver.executeScript("const s = document.createElement('style');"
                    + "s.textContent = '.ec-preview ~ .ec-body { background: none !important;"
                    + " box-shadow: none !important; }';"
                    + "document.head.append(s);");
        }
        // Each text: its computed colour and its boxes, before the texts are hidden.
        List<Map<String, Object>> texts = (List<Map<String, Object>>) driver.executeScript("""
                const out = [];
                const p = document.querySelector('.ec-placeholder');
                const add = (what, e) => {
                  for (const r of e.getClientRects()) {
                    out.push({what, colour: getComputedStyle(e).color,
                              x: r.left, y: r.top, w: r.width, h: r.height});
                  }
                };
                for (const c of ['ec-title', 'ec-notice', 'ec-details', 'ec-links']) {
                  add('p.' + c, p.querySelector('.ec-body .' + c));
                }
                add('strong.ec-provider', p.querySelector('.ec-provider'));
                add('span.ec-embed-title', p.querySelector('.ec-embed-title'));
                p.querySelectorAll('.ec-body a').forEach((a, i) => add('a ' + i, a));
                p.querySelectorAll('.ec-body button').forEach((b, i) => add('button ' + i, b));
                return out;""");
        // What is painted behind them: the same page with every text transparent and the play symbol hidden.
        driver.executeScript("const s = document.createElement('style');"
                + "s.textContent = '.ec-body, .ec-body * { color: transparent !important;"
                + " text-shadow: none !important; text-decoration-color: transparent !important; }"
                + " .ec-play { visibility: hidden !important; }';"
                + "document.head.append(s);");
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        List<Contrast> measured = new ArrayList<>();
        for (Map<String, Object> text : texts) {
            // 4 px in from each edge keeps anti-aliased borders and rounded corners out of the sample.
            int x0 = (int) Math.ceil(((Number) text.get("x")).doubleValue()) + 4;
            int y0 = (int) Math.ceil(((Number) text.get("y")).doubleValue()) + 4;
            int x1 = (int) Math.floor(((Number) text.get("x")).doubleValue() + ((Number) text.get("w")).doubleValue())
                    - 4;
            int y1 = (int) Math.floor(((Number) text.get("y")).doubleValue() + ((Number) text.get("h")).doubleValue())
                    - 4;
            if (x1 <= x0 || y1 <= y0) {
                continue;
            }
            assertTrue(x1 <= shot.getWidth() && y1 <= shot.getHeight(), () -> "in the viewport: " + text);
            double lightest = 0;
            double darkest = 1;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    double l = luminance(shot.getRGB(x, y));
                    lightest = Math.max(lightest, l);
                    darkest = Math.min(darkest, l);
                }
            }
            String colour = (String) text.get("colour");
            double l = luminance(parseRgb(colour));
            double ratio = Math.min(ratio(l, lightest), ratio(l, darkest));
            measured.add(new Contrast((String) text.get("what"), colour, lightest, darkest, ratio));
        }
        return measured;
    }

    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([\\d.]+))?\\)");

    /** An opaque {@code rgb(r, g, b)} as getComputedStyle gives it, as 0xRRGGBB. */
    static int parseRgb(String css) {
        Matcher m = RGB.matcher(css);
        assertTrue(m.matches(), () -> "a computed colour: " + css);
        assertTrue(m.group(4) == null || Double.parseDouble(m.group(4)) == 1, () -> "an opaque colour: " + css);
        return Integer.parseInt(m.group(1)) << 16 | Integer.parseInt(m.group(2)) << 8 | Integer.parseInt(m.group(3));
    }

    /** WCAG 2 relative luminance of an sRGB colour 0xRRGGBB (alpha ignored). */
    static double luminance(int rgb) {
        return 0.2126 * linear(rgb >> 16 & 0xff) + 0.7152 * linear(rgb >> 8 & 0xff) + 0.0722 * linear(rgb & 0xff);
    }

    private static double linear(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    /** WCAG 2 contrast ratio of two relative luminances. */
    static double ratio(double a, double b) {
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }

    @Test
    void contrastArithmeticMatchesWcagExamples() {
        assertEquals(21.0, ratio(luminance(0x000000), luminance(0xffffff)), 1e-9);
        assertEquals(4.54, ratio(luminance(0x767676), luminance(0xffffff)), 0.01);
        assertEquals(0xcfe3ff, parseRgb("rgb(207, 227, 255)"));
    }
}

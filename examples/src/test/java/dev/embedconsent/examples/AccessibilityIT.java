package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core inside headless Chromium on the demo's pages: no serious or critical violations, with the placeholders
 * (with their preview stills) shown before consent, and on the settings page. The tests share one Chromium, handed
 * to each as a new visitor's ({@link SharedChromium}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityIT {
    @TempDir
    static Path data;
    private DemoServer demo;
    private LoggingProxy proxy;
    private SharedChromium browser;
    private String axe;

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        axe = AxeCore.source();
        demo = DemoServer.start(new DemoOptions("127.0.0.1", 0, data));
        proxy = LoggingProxy.start();
        browser = new SharedChromium(proxy);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    /** Runs axe on the current page; returns "impact rule: help (selectors)" for each serious or critical one. */
    @SuppressWarnings("unchecked")
    private List<String> seriousViolations(ChromeDriver driver) {
        driver.executeScript(axe);
        Map<String, Object> results = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']}).then(done, e => done({error: String(e)}));");
        assertTrue(!results.containsKey("error"), () -> "axe failed: " + results.get("error"));
        List<String> serious = new ArrayList<>();
        for (Map<String, Object> violation : (List<Map<String, Object>>) results.get("violations")) {
            String impact = String.valueOf(violation.get("impact"));
            if (impact.equals("serious") || impact.equals("critical")) {
                List<String> targets = new ArrayList<>();
                for (Map<String, Object> node : (List<Map<String, Object>>) violation.get("nodes")) {
                    targets.add(String.valueOf(node.get("target")));
                }
                serious.add(impact + " " + violation.get("id") + ": " + violation.get("help") + " " + targets);
            }
        }
        return serious;
    }

    /** Opens {@code path} in the class's browser and waits until it is ready and its visible images are loaded. */
    private void open(ChromeDriver driver, String path) {
        driver.get(demo.uri(path).toString());
        DemoSiteBrowserContract.awaitReady(driver);
        PlaceholderScreenshotsIT.awaitImages(driver);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/gallery", "/strict"})
    void pagesWithPlaceholdersHaveNoSeriousViolations(String path) {
        ChromeDriver driver = browser.fresh().driver();
        open(driver, path);
        assertTrue(!DemoSiteBrowserContract.placeholders(driver, "youtube").isEmpty(), "placeholders shown");
        assertTrue(!driver.findElements(By.cssSelector(".ec-placeholder > img.ec-preview")).isEmpty(),
                "preview stills shown");
        assertEquals(List.of(), seriousViolations(driver), path);
    }

    /**
     * 200% zoom of a 1280 px window is a 640 CSS px viewport, 400% (WCAG reflow) is 320: the placeholders reflow
     * without horizontal scrolling, and no text or button is cut off.
     */
    @ParameterizedTest(name = "{0} CSS px")
    @ValueSource(ints = {640, 320})
    void placeholdersReflowWhenZoomed(int width) {
        ChromeDriver driver = browser.fresh().driver();
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 800, "deviceScaleFactor", 2, "mobile", false));
        open(driver, "/gallery");
        assertEquals(Boolean.TRUE, driver.executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling");
        @SuppressWarnings("unchecked")
        List<String> clipped = (List<String>) driver.executeScript("""
                const bad = [];
                for (const p of document.querySelectorAll('.ec-placeholder')) {
                  const box = p.getBoundingClientRect();
                  for (const e of p.querySelectorAll('.ec-body p, .ec-body button')) {
                    const r = e.getBoundingClientRect();
                    if (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1
                        || e.scrollWidth > e.clientWidth + 1) {
                      bad.push(p.dataset.consentProvider + ' ' + e.className);
                    }
                  }
                }
                return bad;""");
        assertEquals(List.of(), clipped, "cut-off placeholder content at " + width + " px");
    }

    @Test
    void axeFindsAViolationWhenThereIsOne() {
        ChromeDriver driver = browser.fresh().driver();
        open(driver, "/");
        driver.executeScript("document.querySelector('.ec-placeholder .ec-button').textContent = '';");
        List<String> found = seriousViolations(driver);
        assertTrue(found.stream().anyMatch(v -> v.contains("button-name")), () -> "control: " + found);
    }

    @Test
    void settingsPageHasNoSeriousViolations() {
        ChromeDriver driver = browser.fresh().driver();
        open(driver, "/");
        DemoSiteBrowserContract.button(DemoSiteBrowserContract.placeholders(driver, "youtube").get(0), "provider")
                .click();
        DemoSiteBrowserContract.await(driver, "youtube allowed",
                d -> DemoSiteBrowserContract.placeholders(d, "youtube").isEmpty());
        open(driver, "/embed-consent/settings");
        assertEquals(List.of(), seriousViolations(driver), "/embed-consent/settings");
    }
}

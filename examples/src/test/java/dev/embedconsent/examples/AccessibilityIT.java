package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core inside headless Chromium on the demo's pages: no serious or critical violations, with the placeholders
 * shown (before consent) and on the settings page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityIT {
    private DemoServer demo;
    private LoggingProxy proxy;
    private String axe;

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        axe = AxeCore.source();
        demo = DemoServer.start(new DemoOptions("127.0.0.1", 0, Files.createTempDirectory("embed-consent-axe")));
        proxy = LoggingProxy.start();
    }

    @AfterAll
    void stop() throws Exception {
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/gallery", "/strict"})
    void pagesWithPlaceholdersHaveNoSeriousViolations(String path) {
        try (HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            driver.get(demo.uri(path).toString());
            DemoSiteBrowserContract.settle(driver);
            assertTrue(!DemoSiteBrowserContract.placeholders(driver, "youtube").isEmpty(), "placeholders shown");
            assertEquals(List.of(), seriousViolations(driver), path);
        }
    }

    @Test
    void axeFindsAViolationWhenThereIsOne() {
        try (HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            driver.get(demo.uri("/").toString());
            DemoSiteBrowserContract.settle(driver);
            driver.executeScript("document.querySelector('.ec-placeholder .ec-button').textContent = '';");
            List<String> found = seriousViolations(driver);
            assertTrue(found.stream().anyMatch(v -> v.contains("button-name")), () -> "control: " + found);
        }
    }

    @Test
    void settingsPageHasNoSeriousViolations() {
        try (HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            driver.get(demo.uri("/").toString());
            DemoSiteBrowserContract.settle(driver);
            DemoSiteBrowserContract.button(DemoSiteBrowserContract.placeholders(driver, "youtube").get(0), "provider")
                    .click();
            DemoSiteBrowserContract.settle(driver);
            driver.get(demo.uri("/embed-consent/settings").toString());
            DemoSiteBrowserContract.settle(driver);
            assertEquals(List.of(), seriousViolations(driver), "/embed-consent/settings");
        }
    }
}

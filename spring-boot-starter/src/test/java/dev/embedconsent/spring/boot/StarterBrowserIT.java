package dev.embedconsent.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The click path of a Boot application with only the starter and {@code embed-consent.data-dir}, in headless Chromium
 * whose non-loopback traffic all goes to a refusing, logging proxy: no provider is contacted before the click, the
 * click (a JSON post past Spring Security's CSRF protection) inserts the embed and is recorded, and the next page is
 * rendered with the embed by the server.
 */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = SiteApplication.NO_DATABASE)
class StarterBrowserIT {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Path DATA = Path.of("target", "it-data", "browser-" + UUID.randomUUID());
    static LoggingProxy proxy;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("embed-consent.data-dir", DATA::toString);
    }

    @BeforeAll
    static void startProxy() throws Exception {
        HeadlessChromium.assumeAvailable();
        proxy = LoggingProxy.start();
    }

    @AfterAll
    static void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsentStore store;

    private void open(ChromeDriver driver, String path) {
        driver.get("http://127.0.0.1:" + port + path);
        new WebDriverWait(driver, WAIT).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
        try {
            Thread.sleep(1200); // late (lazy, async) requests
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void nothingReachesTheProviderBeforeTheClickAndTheClickIsRecorded() {
        List<String> providerHosts = ProviderCatalogue.builtIn().all().stream()
                .flatMap(p -> p.hosts().stream()).toList();
        List<String> youtube = ProviderCatalogue.builtIn().get("youtube").orElseThrow().hosts();
        long youtubeRecords = store.stats().byProvider().getOrDefault("youtube", 0L);
        try (HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            open(driver, "/");
            List<WebElement> placeholders = driver.findElements(
                    By.cssSelector(".ec-placeholder[data-consent-provider='youtube']"));
            assertEquals(1, placeholders.size(), "one YouTube placeholder");
            assertTrue(placeholders.get(0).getText().contains("YouTube"));
            assertEquals(List.of(), proxy.contacted(providerHosts), "provider hosts contacted before any click");

            placeholders.get(0).findElement(By.xpath(".//form[.//input[@name='scope' and @value='provider']]//button"))
                    .click();
            new WebDriverWait(driver, WAIT).withMessage("the YouTube iframe is inserted").until(d -> !d.findElements(
                    By.cssSelector(".ec-loaded iframe[src^='https://www.youtube.com/embed/']")).isEmpty());
            new FluentWait<>(proxy).withTimeout(WAIT).pollingEvery(Duration.ofMillis(100))
                    .withMessage(() -> "the proxy never saw YouTube " + youtube + "; it saw " + proxy.hosts())
                    .until(p -> !p.contacted(youtube).isEmpty());
            assertEquals(youtubeRecords + 1, store.stats().byProvider().getOrDefault("youtube", 0L),
                    "the click is recorded in the store");

            open(driver, "/");
            assertTrue(driver.findElements(By.cssSelector(".ec-placeholder")).isEmpty(), "no placeholder once allowed");
            assertTrue(driver.findElements(By.cssSelector(".ec-loaded")).isEmpty(), "rendered by the server, not JS");
            assertEquals(1, driver.findElements(
                    By.cssSelector("iframe[src^='https://www.youtube.com/embed/']")).size());
        }
    }
}

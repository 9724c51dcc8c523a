package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.Scope;
import dev.embedconsent.store.JsonLinesConsentStore;
import dev.embedconsent.store.VerificationResult;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a newcomer does after clicking in the demo: {@code bin/embed-consent records --store DIR verify}. Here the
 * same check runs in-process on the demo's data directory: the clicks are recorded, with the right scope and method,
 * and the hash chain verifies.
 */
class ConsentRecordIT {

    @Test
    void clicksAreRecordedAndTheChainVerifies(@TempDir Path data) throws Exception {
        HeadlessChromium.assumeAvailable();
        try (LoggingProxy proxy = LoggingProxy.start(); JettySite site = JettySite.start(data)) {
            try (HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
                ChromeDriver driver = chromium.driver();
                driver.get(site.uri("/").toString());
                DemoSiteBrowserContract.awaitReady(driver);
                DemoSiteBrowserContract.button(DemoSiteBrowserContract.placeholders(driver, "youtube").get(0), "once")
                        .click();
                new WebDriverWait(driver, Duration.ofSeconds(15))
                        .until(d -> !d.findElements(By.cssSelector(".ec-loaded iframe")).isEmpty());
            }
            try (HeadlessChromium chromium = HeadlessChromium.start(proxy, HeadlessChromium.JAVASCRIPT_OFF)) {
                ChromeDriver driver = chromium.driver();
                driver.get(site.uri("/gallery").toString());
                DemoSiteBrowserContract.awaitReady(driver);
                DemoSiteBrowserContract.button(DemoSiteBrowserContract.placeholders(driver, "vimeo").get(0),
                        "provider").click();
                new WebDriverWait(driver, Duration.ofSeconds(15))
                        .until(d -> DemoSiteBrowserContract.placeholders(d, "vimeo").isEmpty());
            }
        }

        VerificationResult verified = JsonLinesConsentStore.verify(data);
        assertTrue(verified.valid(), verified.describe());
        assertEquals(2, verified.entries(), verified.describe());

        List<ConsentRecord> records = new ArrayList<>();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(data)) {
            store.forEach(entry -> {
                if (entry instanceof ConsentRecord record) {
                    records.add(record);
                }
            });
        }
        assertEquals(2, records.size(), records::toString);
        ConsentRecord once = records.get(0);
        assertEquals(List.of("youtube", Decision.GIVEN, Scope.ONCE, ConsentMethod.BUTTON, "/"),
                List.of(once.provider(), once.decision(), once.scope(), once.method(), String.valueOf(once.page())));
        ConsentRecord always = records.get(1);
        assertEquals(List.of("vimeo", Decision.GIVEN, Scope.PROVIDER, ConsentMethod.FORM),
                List.of(always.provider(), always.decision(), always.scope(), always.method()));
        assertEquals(once.hash(), always.previousHash(), "chained");
    }
}

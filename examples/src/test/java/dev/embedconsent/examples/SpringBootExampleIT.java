package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.examples.springboot.SpringBootExample;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.store.JsonLinesConsentStore;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot example, which has the starter and two lines of {@code application.properties} and no Embed Consent
 * code: its page gets a placeholder, a consent post is recorded in the data directory, the excluded path is left
 * alone, and in Chromium nothing reaches YouTube before the click. The properties are the README's, as written.
 */
class SpringBootExampleIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path data;

    private ConfigurableApplicationContext start() {
        // The data directory of application.properties, moved to a temporary one; everything else as the file says.
        return SpringApplication.run(SpringBootExample.class, "--server.port=0", "--server.address=127.0.0.1",
                "--embed-consent.data-dir=" + data, "--spring.main.banner-mode=off");
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Test
    void theStarterAloneRewritesPagesAndRecordsConsent() throws Exception {
        try (ConfigurableApplicationContext context = start()) {
            String base = base(context);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("data-consent-provider=\"youtube\""), page.body());
            assertFalse(page.body().replaceAll("(?s)<template.*?</template>", "").contains("youtube.com/embed"),
                    "the embed only survives inside the inert template");
            assertTrue(page.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Cookie")),
                    () -> "Vary: Cookie on a consent-dependent page; headers " + page.headers().map());

            HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/preview")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertFalse(admin.body().contains("data-consent-provider"), "embed-consent.exclude=/admin/** holds");

            HttpResponse<String> granted = http.send(HttpRequest.newBuilder(URI.create(base + "/embed-consent/consent"))
                    .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"provider\":\"youtube\",\"decision\":\"grant\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, granted.statusCode(), granted.body());
            assertTrue(granted.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("ec_consent=")));
        }
        assertTrue(JsonLinesConsentStore.verify(data).valid(), "the record is in embed-consent.data-dir and verifies");
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(data)) {
            assertEquals(1L, store.stats().byProvider().get("youtube"));
        }
    }

    @Test
    void noProviderContactBeforeTheClickInChromium() throws Exception {
        HeadlessChromium.assumeAvailable();
        List<String> providerHosts = ProviderCatalogue.builtIn().all().stream()
                .flatMap(p -> p.hosts().stream()).toList();
        List<String> youtube = ProviderCatalogue.builtIn().get("youtube").orElseThrow().hosts();
        try (ConfigurableApplicationContext context = start();
                LoggingProxy proxy = LoggingProxy.start();
                HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            driver.get(base(context) + "/");
            long readyAt = DemoSiteBrowserContract.awaitReady(driver);
            WebElement placeholder = driver.findElement(
                    By.cssSelector(".ec-placeholder[data-consent-provider='youtube']"));
            DemoSiteBrowserContract.quietSince(readyAt);
            assertEquals(List.of(), proxy.contacted(providerHosts), "provider hosts contacted before any click");

            placeholder.findElement(By.xpath(".//form[.//input[@name='scope' and @value='once']]//button")).click();
            new WebDriverWait(driver, WAIT).withMessage("the YouTube iframe is inserted").until(d -> !d.findElements(
                    By.cssSelector(".ec-loaded iframe[src^='https://www.youtube.com/embed/']")).isEmpty());
            new FluentWait<>(proxy).withTimeout(WAIT).pollingEvery(Duration.ofMillis(100))
                    .withMessage(() -> "the proxy never saw YouTube " + youtube + "; it saw " + proxy.hosts())
                    .until(p -> !p.contacted(youtube).isEmpty());
        }
    }

    @Test
    void theReadmeShowsTheExamplesProperties() throws Exception {
        String properties;
        try (InputStream in = SpringBootExample.class.getResourceAsStream("/application.properties")) {
            properties = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(2, properties.lines().count(), "two lines of properties");
        Path readme = Path.of(System.getProperty("embedconsent.repo.dir", ".."), "README.md");
        String text = Files.readString(readme);
        assertTrue(text.contains("```properties\n" + properties + "```"),
                "README.md shows the example's application.properties as written:\n" + properties);
        assertTrue(text.contains("<artifactId>embed-consent-spring-boot-starter</artifactId>"),
                "README.md names the starter");
    }
}

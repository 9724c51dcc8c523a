package dev.embedconsent.servlet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.ConsentCookie;
import dev.embedconsent.consent.ConsentCookieCodec;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Zero-config registration in a real WAR deployment: WARs built by the test ({@link TestWar}, the servlet-filter jar
 * and its runtime dependencies in {@code WEB-INF/lib}) are deployed by a standalone container process
 * ({@link StandaloneContainer}), all in one start. Each WAR is one case:
 * <ul>
 *   <li>{@code plain}: only the README's two context parameters; the filter registers itself.</li>
 *   <li>{@code webxml}: the README's {@code web.xml} filter block and the two context parameters: one filter.</li>
 *   <li>{@code listener}: the application's own listener, declared in {@code web.xml}, registers the filter: one.</li>
 *   <li>{@code late}: the application's listener is in a fragment ordered after {@code embed_consent}, so it
 *       registers after the automatic registration; the automatic filter stays idle: one.</li>
 *   <li>{@code excluded}: {@code <absolute-ordering/>} leaves the fragment out: none.</li>
 *   <li>{@code complete}: {@code metadata-complete="true"} on {@code web.xml}: no fragment is read, none.</li>
 *   <li>{@code optout}: {@code embed-consent.auto-register=false}: none.</li>
 * </ul>
 * A subclass names the container in three lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WarDeploymentContract {
    /** The cookie key, given to the container process as the environment variable the README's blocks name. */
    static final String KEY = "w1:" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    static final String PLACEHOLDER = "data-consent-provider=\"youtube\"";
    static final String STARTED = "embed-consent filter started";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path work;
    private StandaloneContainer container;
    private URI base;

    abstract StandaloneContainer container(Path base);

    @BeforeAll
    void deploy() throws Exception {
        work = Files.createTempDirectory("embed-consent-war-");
        String readmeParams = "**WAR without web.xml changes**";
        String readmeWebXml = "**web.xml**";
        byte[] appListener = AppListener.compile(work);
        List<TestWar> wars = List.of(
                TestWar.named("plain")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("plain"))),
                TestWar.named("webxml")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("webxml-params")))
                        .webXml(ReadmeBlocks.xmlAfter(readmeWebXml, data("webxml"))),
                TestWar.named("listener")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("listener-params")))
                        .contextParam("app.data-dir", data("listener-app").toString())
                        .webXml("<listener><listener-class>" + AppListener.CLASS_NAME + "</listener-class></listener>")
                        .file("WEB-INF/classes/app/RegistersEmbedConsent.class", appListener),
                TestWar.named("late")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("late-params")))
                        .contextParam("app.data-dir", data("late-app").toString())
                        .webXml("<absolute-ordering><name>embed_consent</name><name>" + AppListener.FRAGMENT_NAME
                                + "</name></absolute-ordering>")
                        .library(AppListener.fragmentJar(work, appListener)),
                TestWar.named("excluded")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("excluded")))
                        .webXml("<absolute-ordering/>"),
                TestWar.named("complete")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("complete")))
                        .webAppAttributes("metadata-complete=\"true\""),
                TestWar.named("optout")
                        .webXml(ReadmeBlocks.xmlAfter(readmeParams, data("optout")))
                        .contextParam("embed-consent.auto-register", "false"));
        Path warDir = Files.createDirectories(work.resolve("wars"));
        List<Path> files = new ArrayList<>();
        for (TestWar war : wars) {
            files.add(war.writeTo(warDir));
        }
        container = container(Files.createDirectories(work.resolve("container")));
        base = container.start(files, Map.of("EMBED_CONSENT_KEY", KEY));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private Path data(String war) {
        return work.resolve("data").resolve(war);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The lines of the container's log that say a filter started with this data directory. */
    private List<String> startedWith(Path dataDirectory) throws IOException {
        return container.log().lines()
                .filter(line -> line.contains(STARTED) && line.contains("data-dir=" + dataDirectory + ","))
                .toList();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The consent records of a JSON Lines store, read as text (the running container holds the store's lock). */
    private static List<JsonNode> records(Path dataDirectory) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.isDirectory(dataDirectory)) {
            return records;
        }
        try (Stream<Path> files = Files.list(dataDirectory)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(segment)) {
                    if (!line.isBlank()) {
                        records.add(JSON.readTree(line));
                    }
                }
            }
        }
        return records;
    }

    private String diagnostics() {
        try {
            return "\ncontainer log:\n" + container.log();
        } catch (IOException e) {
            return "\n(container log unreadable: " + e + ")";
        }
    }

    // ---- only the jar and two context parameters ----

    @Test
    void theJarAloneServesPlaceholders() throws Exception {
        HttpResponse<String> page = get("plain/index.html");
        assertEquals(200, page.statusCode());
        String body = page.body();
        assertEquals(1, count(body, PLACEHOLDER), body);
        assertEquals(1, count(body, "<template"), "the original kept inert once:\n" + body);
        assertTrue(body.contains("/plain/embed-consent/embed-consent.js"), body);
        assertEquals(200, get("plain/embed-consent/embed-consent.js").statusCode());
        assertEquals(1, startedWith(data("plain")).size(), diagnostics());
    }

    @Test
    void aConsentPostIsRecordedAndTheSignedCookieSet() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("plain/embed-consent/consent"))
                .timeout(WAIT)
                .header("Content-Type", "application/json")
                .header("Origin", base.toString().replaceFirst("/$", ""))
                .POST(HttpRequest.BodyPublishers.ofString("{\"provider\":\"youtube\",\"decision\":\"grant\","
                        + "\"scope\":\"provider\",\"page\":\"/plain/index.html\"}"))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        String recordId = JSON.readTree(response.body()).get("recordId").asString();

        JsonNode record = records(data("plain")).stream()
                .filter(r -> recordId.equals(r.path("recordId").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("record " + recordId + " not in " + data("plain")));
        assertEquals("youtube", record.get("provider").asString());
        assertEquals("given", record.get("decision").asString());

        String cookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsentCookieCodec.DEFAULT_COOKIE_NAME + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no consent cookie in " + response.headers().map()));
        String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        Optional<ConsentCookie> decoded = ConsentCookieCodec.builder().withKeys(KEY).build().decode(value);
        assertTrue(decoded.isPresent(), "the cookie is signed with embed-consent.hmac-key: " + cookie);
        assertEquals(record.get("subject").asString(), decoded.get().subject().toString());
        assertTrue(cookie.contains("Path=/plain"), cookie);

        String consented = http.send(HttpRequest.newBuilder(base.resolve("plain/index.html")).timeout(WAIT)
                .header("Cookie", ConsentCookieCodec.DEFAULT_COOKIE_NAME + "=" + value).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        assertEquals(0, count(consented, PLACEHOLDER), consented);
        assertTrue(consented.contains("src=\"https://www.youtube-nocookie.com/embed/M7lc1UVf-VE\""), consented);
    }

    @Test
    void noProviderContactBeforeTheClickAndTheClickIsRecorded() throws Exception {
        try {
            HeadlessChromium.assumeAvailable();
        } catch (TestAbortedException skipped) {
            System.out.println(getClass().getSimpleName() + ": " + skipped.getMessage());
            throw skipped;
        }
        List<String> youtube = ProviderCatalogue.builtIn().get("youtube").orElseThrow().hosts();
        int before = records(data("plain")).size();
        try (LoggingProxy proxy = LoggingProxy.start(); HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
            ChromeDriver driver = chromium.driver();
            driver.get(base.resolve("plain/index.html").toString());
            new WebDriverWait(driver, WAIT).until(d -> "complete".equals(
                    ((JavascriptExecutor) d).executeScript("return document.readyState")));
            Thread.sleep(1000);
            assertEquals(List.of(), proxy.contacted(youtube), "no YouTube host before the click");
            assertTrue(driver.findElements(By.cssSelector("iframe")).isEmpty(), driver.getPageSource());
            WebElement placeholder = driver.findElement(By.cssSelector(".ec-placeholder[" + PLACEHOLDER + "]"));
            placeholder.findElement(By.xpath(".//form[.//input[@name='scope' and @value='provider']]//button"))
                    .click();
            new FluentWait<>(proxy).withTimeout(WAIT).pollingEvery(Duration.ofMillis(100))
                    .withMessage(() -> "YouTube was never contacted after the click; the proxy saw " + proxy.hosts()
                            + "; console: " + chromium.takeConsoleLog())
                    .until(p -> !p.contacted(youtube).isEmpty());
            assertEquals(1, driver.findElements(
                    By.cssSelector("iframe[src^='https://www.youtube-nocookie.com/embed/M7lc1UVf-VE']")).size(),
                    driver.getPageSource());
            assertTrue(driver.manage().getCookieNamed(ConsentCookieCodec.DEFAULT_COOKIE_NAME) != null,
                    "the browser holds the consent cookie");
        }
        List<JsonNode> records = records(data("plain"));
        assertEquals(before + 1, records.size(), records.toString());
        JsonNode click = records.get(records.size() - 1);
        assertEquals("youtube", click.get("provider").asString());
        assertEquals("given", click.get("decision").asString());
        assertEquals("button", click.get("method").asString());
    }

    // ---- the application registers the filter itself: exactly one ----

    @Test
    void aWebXmlRegistrationIsTheOnlyFilter() throws Exception {
        assertOneFilter("webxml", data("webxml"), data("webxml-params"));
        assertTrue(container.log().contains("the application registers EmbedConsentFilter itself (as 'embedConsent')"),
                diagnostics());
    }

    @Test
    void aListenerRegistrationIsTheOnlyFilter() throws Exception {
        assertOneFilter("listener", data("listener-app"), data("listener-params"));
    }

    @Test
    void aRegistrationAfterTheFragmentsListenerLeavesTheAutomaticFilterIdle() throws Exception {
        assertOneFilter("late", data("late-app"), data("late-params"));
        assertTrue(container.log().contains("filter 'embedConsent' stays idle, the application registers "
                + "EmbedConsentFilter itself (as '" + AppListener.FILTER_NAME + "')"), diagnostics());
    }

    private void assertOneFilter(String war, Path used, Path unused) throws Exception {
        String body = get(war + "/index.html").body();
        assertEquals(1, count(body, PLACEHOLDER), body);
        assertEquals(1, count(body, "<template"), body);
        assertEquals(1, count(body, "embed-consent.js"), "one activation script:\n" + body);
        assertEquals(1, startedWith(used).size(), "the application's filter started once" + diagnostics());
        assertEquals(List.of(), startedWith(unused), "no filter from the context parameters" + diagnostics());
        assertFalse(Files.exists(unused), "the context parameters' store was never opened: " + unused);
        assertEquals(200, get(war + "/embed-consent/embed-consent.js").statusCode());
    }

    // ---- left out: none ----

    @Test
    void anEmptyAbsoluteOrderingLeavesTheFilterOut() throws Exception {
        assertNoFilter("excluded", data("excluded"));
    }

    @Test
    void aMetadataCompleteWebXmlLeavesTheFilterOut() throws Exception {
        assertNoFilter("complete", data("complete"));
    }

    @Test
    void theOptOutParameterLeavesTheFilterOut() throws Exception {
        assertNoFilter("optout", data("optout"));
        assertTrue(container.log().contains("embed-consent: not registered (embed-consent.auto-register=false)"),
                diagnostics());
    }

    private void assertNoFilter(String war, Path unused) throws Exception {
        assertEquals(TestWar.PAGE, get(war + "/index.html").body(), "the page as it is");
        assertEquals(404, get(war + "/embed-consent/embed-consent.js").statusCode());
        assertEquals(List.of(), startedWith(unused), diagnostics());
        assertFalse(Files.exists(unused), "no store opened: " + unused);
    }

    @Test
    void everyDeployedFilterLoggedItsStartOnce() throws Exception {
        Matcher started = Pattern.compile(Pattern.quote(STARTED) + ".*data-dir=([^,]+),").matcher(container.log());
        List<String> directories = new ArrayList<>();
        while (started.find()) {
            directories.add(started.group(1));
        }
        assertEquals(List.of(data("late-app"), data("listener-app"), data("plain"), data("webxml")).stream()
                .map(Path::toString).toList(), directories.stream().sorted().toList(), diagnostics());
    }
}

package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.servlet.RenderConsented;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo site end to end in headless Chromium, whose non-loopback traffic all goes to a {@link LoggingProxy}.
 * Each container (Jetty 12, Tomcat 11) runs this same suite through a three-line subclass. The tests of a class
 * share one Chromium with JavaScript and one without ({@link SharedChromium}), each handed over as a new visitor's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DemoSiteBrowserContract {
    static final List<String> PROVIDER_IDS = List.of("youtube", "vimeo", "dailymotion", "google-maps",
            "openstreetmap", "x", "instagram", "facebook", "tiktok", "spotify", "soundcloud", "twitch");
    static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * How long a page must have been ready before a test may conclude that it contacted no provider (or raised no
     * violation). There is no event to wait for, since a request that never comes sends no signal, so this is a
     * bounded wait. From a page starting a request (frame, image, preconnect, fetch) to the {@link LoggingProxy}
     * logging it took 20 to 650 ms, median 100, measured on the two-core test machine at a load average of 16 to 22;
     * requests a page can start after its load event (lazy frames and images) start within a frame or two of it.
     * 800 ms covers both.
     */
    static final Duration QUIET = Duration.ofMillis(800);

    @TempDir
    static Path temp;
    RunningSite site;
    LoggingProxy proxy;
    List<String> providerHosts;
    private SharedChromium browser;
    private SharedChromium browserWithoutJavaScript;
    /** When the page last opened with {@link #open} was ready ({@link System#nanoTime()}). */
    private long readyAt;

    abstract RunningSite startSite(Path dataDirectory) throws Exception;

    /** The site's {@code render-consented} mode; the client-mode subclasses override it. */
    RenderConsented mode() {
        return RenderConsented.SERVER;
    }

    boolean clientMode() {
        return mode() == RenderConsented.CLIENT;
    }

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        site = startSite(temp.resolve("data"));
        proxy = LoggingProxy.start();
        providerHosts = ProviderCatalogue.builtIn().all().stream().flatMap(p -> p.hosts().stream()).toList();
        browser = new SharedChromium(proxy);
        browserWithoutJavaScript = new SharedChromium(proxy, HeadlessChromium.JAVASCRIPT_OFF);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (browserWithoutJavaScript != null) {
            browserWithoutJavaScript.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @BeforeEach
    void forgetTraffic() {
        proxy.clear();
    }

    /** The class's Chromium with JavaScript, as a new visitor's: no cookies, no cache, on about:blank. */
    HeadlessChromium chromium() {
        return browser.fresh();
    }

    /** The class's Chromium with JavaScript turned off, as a new visitor's. */
    HeadlessChromium chromiumWithoutJavaScript() {
        return browserWithoutJavaScript.fresh();
    }

    /** Runs {@code source} at the start of every page the JavaScript browser loads in this test. */
    void addScriptToEveryPage(ChromeDriver driver, String source) {
        browser.addScriptToEveryPage(driver, source);
    }

    List<String> hostsOf(String providerId) {
        Provider provider = ProviderCatalogue.builtIn().get(providerId).orElseThrow();
        return provider.hosts();
    }

    void open(ChromeDriver driver, String path) {
        driver.get(site.uri(path).toString());
        readyAt = awaitReady(driver);
    }

    /** Waits until the page opened last has been ready for {@link #QUIET}: before asserting that nothing happened. */
    void quiet() {
        quietSince(readyAt);
    }

    /**
     * Waits until the page is ready: loaded, its fonts loaded, and the activation script done with any
     * {@code ec_hint} (no placeholder held back as {@code .ec-pending} any more). Returns when, as
     * {@link System#nanoTime()}, for {@link #quietSince}.
     */
    static long awaitReady(WebDriver driver) {
        new WebDriverWait(driver, WAIT).withMessage("page ready").until(d -> Boolean.TRUE.equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState === 'complete'"
                        + " && document.fonts.status === 'loaded'"
                        + " && !document.querySelector('.ec-placeholder.ec-pending')")));
        return System.nanoTime();
    }

    /** Sleeps until {@link #QUIET} (see there why) has passed since {@code readyAt}, from {@link #awaitReady}. */
    static void quietSince(long readyAt) {
        long left = QUIET.toNanos() - (System.nanoTime() - readyAt);
        if (left > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static List<WebElement> placeholders(WebDriver driver, String provider) {
        return driver.findElements(By.cssSelector(".ec-placeholder[data-consent-provider='" + provider + "']"));
    }

    static WebElement button(WebElement placeholder, String scope) {
        return placeholder.findElement(By.xpath(
                ".//form[.//input[@name='scope' and @value='" + scope + "']]//button[@type='submit' or not(@type)]"));
    }

    void awaitContact(String providerId) {
        List<String> hosts = hostsOf(providerId);
        awaitProxy(hosts, () -> "the proxy never saw " + providerId + " " + hosts + "; it saw " + proxy.hosts());
    }

    void awaitProxy(List<String> hosts, Supplier<String> message) {
        new FluentWait<>(proxy).withTimeout(WAIT).pollingEvery(Duration.ofMillis(100)).withMessage(message)
                .until(p -> !p.contacted(hosts).isEmpty());
    }

    static <T> T await(WebDriver driver, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(what).until(condition::apply);
    }

    static Object js(WebDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static String text(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getText();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/gallery", "/strict"})
    void noProviderIsContactedBeforeAnyClick(String path) {
        ChromeDriver driver = chromium().driver();
        open(driver, path);
        Set<String> shown = new TreeSet<>();
        driver.findElements(By.cssSelector(".ec-placeholder"))
                .forEach(p -> shown.add(p.getAttribute("data-consent-provider")));
        switch (path) {
            case "/" -> assertEquals(Set.of("youtube"), shown);
            case "/gallery" -> assertEquals(new TreeSet<>(PROVIDER_IDS), shown);
            default -> assertEquals(Set.of("youtube", "x"), shown);
        }
        assertTrue(driver.findElement(By.cssSelector(".ec-placeholder[data-consent-provider='youtube']"))
                .getText().contains("YouTube"));
        assertEquals(1, driver.findElements(By.cssSelector("footer a[href='/embed-consent/settings']")).size(),
                "footer link to the consent settings");
        quiet();
        assertEquals(List.of(), proxy.contacted(providerHosts),
                () -> site.container() + " " + path + ": provider hosts contacted before any click");
    }

    @Test
    void loadOnceContactsTheProviderAndInsertsTheEmbed() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/");
        quiet();
        assertEquals(List.of(), proxy.contacted(providerHosts));
        button(placeholders(driver, "youtube").get(0), "once").click();
        WebElement iframe = await(driver, "the YouTube iframe is inserted", d -> d.findElements(
                By.cssSelector(".ec-loaded iframe[src^='https://www.youtube.com/embed/']")).stream().findFirst()
                .orElse(null));
        assertEquals("Ukrainian representatives visit the ECMI in Flensburg", iframe.getAttribute("title"));
        awaitContact("youtube");
        assertTrue(placeholders(driver, "youtube").isEmpty());
        assertEquals("Consent given: youtube (once)", text(driver, "consent-log"), "embed-consent:granted event");
        assertEquals("ec-loaded", js(driver, "return document.activeElement.className"), "focus moved");
        await(driver, "activation announced", d -> js(d,
                "return document.querySelector('.ec-live').textContent").toString().endsWith(": loaded"));

        driver.navigate().refresh();
        awaitReady(driver);
        assertEquals(1, placeholders(driver, "youtube").size(), "'Load once' does not persist");
    }

    @Test
    void alwaysAllowIsRenderedByTheServerOnTheNextPage() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/gallery");
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "embed inserted", d -> !d.findElements(
                By.cssSelector(".ec-loaded iframe[src^='https://www.youtube-nocookie.com/embed/']")).isEmpty());
        assertEquals("Consent given: youtube (provider)", text(driver, "consent-log"));
        assertEquals(11, driver.findElements(By.cssSelector(".ec-placeholder")).size(), "other providers stay");

        proxy.clear();
        open(driver, "/");
        assertTrue(placeholders(driver, "youtube").isEmpty(), "no placeholder for an allowed provider");
        assertEquals(clientMode() ? 1 : 0, driver.findElements(By.cssSelector(".ec-loaded")).size(),
                clientMode() ? "activated by the script in the page everyone gets" : "rendered by the server");
        assertEquals(1, driver.findElements(By.cssSelector("iframe[src^='https://www.youtube.com/embed/']")).size());
        awaitContact("youtube");
        assertNotNull(driver.manage().getCookies().stream().findFirst().orElse(null), "consent cookie set");
    }

    @Test
    void alwaysAllowActivatesEveryPlaceholderOfTheProviderIncludingLaterOnes() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/");
        js(driver, """
                const p = document.querySelector('.ec-placeholder[data-consent-provider="youtube"]');
                window.ecCopy = p.outerHTML;
                const d = document.createElement('div'); d.id = 'copy-1'; d.innerHTML = window.ecCopy;
                document.querySelector('main').append(d);""");
        assertEquals(2, placeholders(driver, "youtube").size());
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "both placeholders activated", d -> placeholders(d, "youtube").isEmpty()
                && d.findElements(By.cssSelector(".ec-loaded iframe")).size() == 2);
        assertEquals(0, driver.findElements(By.cssSelector("#copy-1 .ec-placeholder")).size());

        js(driver, """
                const d = document.createElement('div'); d.id = 'copy-2'; d.innerHTML = window.ecCopy;
                document.querySelector('main').append(d);""");
        await(driver, "a placeholder added later is activated by the MutationObserver",
                d -> d.findElements(By.cssSelector("#copy-2 .ec-loaded iframe")).size() == 1);
        assertTrue(placeholders(driver, "youtube").isEmpty());
    }

    @Test
    void loadersOfAnActivatedProviderRun() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/gallery");
        quiet();
        assertTrue(proxy.contacted(List.of("platform.twitter.com")).isEmpty());
        button(placeholders(driver, "x").get(0), "once").click();
        await(driver, "the tweet's blockquote is inserted",
                d -> !d.findElements(By.cssSelector(".ec-loaded blockquote.twitter-tweet")).isEmpty());
        awaitProxy(List.of("platform.twitter.com"), () -> "widgets.js never requested: " + proxy.hosts());
        assertTrue(driver.findElements(By.cssSelector("template.ec-inert[data-consent-provider='x']")).isEmpty());
        assertEquals(1, driver.findElements(By.cssSelector("template.ec-inert[data-consent-provider='vimeo']"))
                .size(), "other providers' loaders stay inert");
    }

    @Test
    void formFlowWorksWithoutJavaScript() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(site.uri("/embed-consent/consent"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin())
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "provider=vimeo&scope=provider&decision=grant&return=%2Fgallery"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, answer.statusCode(), answer.body());
        assertEquals("/gallery", URI.create(answer.headers().firstValue("Location").orElseThrow()).getPath());
        assertTrue(answer.headers().firstValue("Set-Cookie").isPresent(), "consent cookie");

        ChromeDriver driver = chromiumWithoutJavaScript().driver();
        open(driver, "/");
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "back on the page after POST and 303", d -> URI.create(d.getCurrentUrl()).getPath().equals("/")
                && placeholders(d, "youtube").isEmpty());
        assertEquals(1, driver.findElements(By.cssSelector("iframe[src^='https://www.youtube.com/embed/']")).size());
        assertFalse(driver.manage().getCookies().isEmpty(), "consent cookie set by the 303");
        awaitContact("youtube");
        assertEquals("", text(driver, "consent-log"), "JavaScript really was off");
    }

    String origin() {
        URI home = site.uri("/");
        return home.getScheme() + "://" + home.getAuthority();
    }

    @ParameterizedTest(name = "javascript={0}")
    @ValueSource(booleans = {true, false})
    void withdrawalFromTheSettingsPageWorks(boolean javascript) {
        ChromeDriver driver = (javascript ? chromium() : chromiumWithoutJavaScript()).driver();
        open(driver, "/");
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "youtube allowed", d -> placeholders(d, "youtube").isEmpty());
        open(driver, "/embed-consent/settings");
        WebElement withdraw = await(driver, "a withdraw button for YouTube", d -> d.findElements(By.xpath(
                "//form[.//input[@name='provider' and @value='youtube']]"
                        + "[.//input[@name='decision' and @value='withdraw']]//button")).stream().findFirst()
                .orElse(null));
        withdraw.click();
        // The settings page is left only once the withdrawal is answered: by the script after its POST, or by the
        // form's POST and 303 without JavaScript.
        await(driver, "the settings page left after the withdrawal", ExpectedConditions.stalenessOf(withdraw));
        awaitReady(driver);
        open(driver, "/");
        assertEquals(1, placeholders(driver, "youtube").size(), "after withdrawal the placeholder is back");
    }

    @Test
    void scriptApiWithdrawsAndFiresTheEvent() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/");
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "youtube allowed", d -> placeholders(d, "youtube").isEmpty());
        Object log = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "embedConsent.withdraw('youtube').then("
                + "() => done(document.getElementById('consent-log').textContent), e => done('failed: ' + e));");
        assertEquals("Consent withdrawn: youtube", log, "embed-consent:withdrawn event");
        open(driver, "/");
        assertEquals(1, placeholders(driver, "youtube").size(), "withdrawn: the placeholder is back");
    }

    @Test
    void strictCspPageRaisesNoViolations() {
        HeadlessChromium chromium = chromium();
        ChromeDriver driver = chromium.driver();
        addScriptToEveryPage(driver, """
                window.ecViolations = [];
                document.addEventListener('securitypolicyviolation',
                    e => window.ecViolations.push(e.violatedDirective + ' ' + e.blockedURI));""");
        open(driver, "/strict");
        button(placeholders(driver, "youtube").get(0), "once").click();
        await(driver, "video inserted", d -> !d.findElements(By.cssSelector(".ec-loaded iframe")).isEmpty());
        button(placeholders(driver, "x").get(0), "once").click();
        awaitProxy(List.of("platform.twitter.com"),
                () -> "widgets.js (nonce copied by the activation script) never requested: " + proxy.hosts());
        // Whatever the activated loader does next gets the same time to raise a violation as a page to make a request.
        quietSince(System.nanoTime());
        assertEquals(List.of(), js(driver, "return window.ecViolations"), "CSP violations");
        List<String> cspMessages = new ArrayList<>();
        for (String line : chromium.takeConsoleLog()) {
            if (line.contains("Content Security Policy")) {
                cspMessages.add(line);
            }
        }
        assertEquals(List.of(), cspMessages);
        assertEquals("Consent given: x (once)", text(driver, "consent-log"), "the page's own nonce script runs");

        js(driver, "const s = document.createElement('script'); s.textContent = 'window.inline = 1';"
                + " document.body.append(s);");
        await(driver, "control: an inline script without nonce is reported",
                d -> !((List<?>) js(d, "return window.ecViolations")).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ENTER", "SPACE"})
    void keyboardOnlyActivationWorks(String key) {
        ChromeDriver driver = chromium().driver();
        open(driver, "/");
        String wanted = key.equals("ENTER") ? "once" : "provider";
        WebElement target = button(placeholders(driver, "youtube").get(0), wanted);
        int presses = 0;
        while (!target.equals(driver.switchTo().activeElement())) {
            assertTrue(presses++ < 80, "Tab never reached the " + wanted + " button");
            new Actions(driver).sendKeys(Keys.TAB).perform();
        }
        new Actions(driver).sendKeys(Keys.valueOf(key)).perform();
        await(driver, "embed inserted by keyboard",
                d -> !d.findElements(By.cssSelector(".ec-loaded iframe")).isEmpty());
        assertEquals("ec-loaded", js(driver, "return document.activeElement.className"),
                "focus on the loaded content");
        awaitContact("youtube");
    }

    @Test
    void scriptApiAsksForStateAndGrantsBeforeAnAppMakesItsOwnEmbed() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/gallery");
        Object result = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const api = window.embedConsent;
                api.state().then(before => api.grant('vimeo').then(granted => api.state().then(after => done([
                    JSON.stringify(before.state), granted.scope, after.state.vimeo.granted,
                    document.getElementById('consent-log').textContent,
                    document.querySelectorAll('.ec-placeholder[data-consent-provider="vimeo"]').length]))))
                  .catch(e => done('failed: ' + e));""");
        assertEquals(List.of("{}", "provider", true, "Consent given: vimeo (provider)", 0L), result,
                "state before, the grant's scope, state after, the event, vimeo placeholders left");
        awaitContact("vimeo");
        Object once = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "embedConsent.grant('youtube', {scope: 'once'}).then(r => done([r.scope, "
                + "document.querySelectorAll('.ec-placeholder[data-consent-provider=\"youtube\"]').length]));");
        assertEquals(List.of("once", 1L), once, "a once grant leaves the app to load its own embed");
    }
}

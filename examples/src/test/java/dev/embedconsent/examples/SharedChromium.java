package dev.embedconsent.examples;

import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * One headless Chromium for all the tests of a class, handed to each test as a new visitor would bring it: starting
 * Chromium costs one to two seconds, clearing what a test left behind a few milliseconds.
 *
 * <pre>{@code
 * SharedChromium browser = new SharedChromium(proxy);          // in @BeforeAll
 * ChromeDriver driver = browser.fresh().driver();              // in each test
 * browser.addScriptToEveryPage(driver, "window.probe = 1;");  // removed again by the next fresh()
 * }</pre>
 *
 * {@link #fresh()} leaves the browser on {@code about:blank} with no cookies (of any site; one left fails the
 * test), an empty HTTP cache, no script added with {@link #addScriptToEveryPage}, no device-metrics emulation and no
 * console messages, and clears the proxy once the previous page's connections have arrived there. What a page can
 * keep besides cookies and cache (local storage and the like) the demo never uses. The profile's history stays;
 * Chromium could learn from it to preconnect to a page's usual third parties, but after six visits of {@code /} that
 * loaded YouTube, a visit with cookies and cache cleared opened no connection to it in three seconds. If Chromium no
 * longer answers, it starts a new one.
 */
final class SharedChromium implements AutoCloseable {
    /** How long the proxy must see nothing before the previous test's last connections count as all arrived. */
    private static final long PROXY_SILENCE_MILLIS = 300;
    private static final long PROXY_SILENCE_LIMIT_MILLIS = 3000;

    private final LoggingProxy proxy;
    private final HeadlessChromium.Option[] options;
    private final List<String> addedScripts = new ArrayList<>();
    private HeadlessChromium chromium;

    SharedChromium(LoggingProxy proxy, HeadlessChromium.Option... options) {
        this.proxy = proxy;
        this.options = options.clone();
    }

    /** The shared browser, started on first use, reset to a new visitor's state, with the proxy cleared. */
    HeadlessChromium fresh() {
        if (chromium != null) {
            try {
                reset(chromium.driver());
            } catch (WebDriverException e) {
                System.getLogger(SharedChromium.class.getName()).log(System.Logger.Level.WARNING,
                        "the shared Chromium did not answer; starting a new one", e);
                try {
                    chromium.close();
                } catch (WebDriverException ignored) {
                    // It is being replaced; its profile directory is deleted either way.
                }
                chromium = null;
            }
        }
        if (chromium == null) {
            chromium = HeadlessChromium.start(proxy, options);
        }
        awaitProxySilence();
        proxy.clear();
        return chromium;
    }

    /** Runs {@code source} at the start of every document the browser loads, until the next {@link #fresh()}. */
    void addScriptToEveryPage(ChromeDriver driver, String source) {
        Map<String, Object> added = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", source));
        addedScripts.add((String) added.get("identifier"));
    }

    private void reset(ChromeDriver driver) {
        // Leaving the page first stops its timers and requests, so nothing of it runs into the next test.
        driver.get("about:blank");
        for (String identifier : addedScripts) {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", identifier));
        }
        addedScripts.clear();
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        // WebDriver's deleteAllCookies() only reaches the current page's domain, none on about:blank.
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        Object left = driver.executeCdpCommand("Storage.getCookies", Map.of()).get("cookies");
        if (!(left instanceof List<?> cookies) || !cookies.isEmpty()) {
            throw new IllegalStateException("cookies left after clearing them: " + left);
        }
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        chromium.takeConsoleLog();
    }

    /**
     * A connection the previous page opened just before it was left may reach the proxy a little later; this waits
     * until the proxy has logged no page request for {@value #PROXY_SILENCE_MILLIS} ms (at most
     * {@value #PROXY_SILENCE_LIMIT_MILLIS} ms), so that it cannot count against the next test. The browser's own
     * service hosts, which the proxy files apart, do not count.
     */
    private void awaitProxySilence() {
        long limit = System.nanoTime() + PROXY_SILENCE_LIMIT_MILLIS * 1_000_000;
        int seen = proxy.requests().size();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < PROXY_SILENCE_MILLIS * 1_000_000 && System.nanoTime() < limit) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int now = proxy.requests().size();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
    }

    @Override
    public void close() {
        if (chromium != null) {
            try {
                chromium.close();
            } finally {
                chromium = null;
            }
        }
    }
}

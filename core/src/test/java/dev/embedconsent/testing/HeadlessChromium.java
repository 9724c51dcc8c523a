package dev.embedconsent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver, with every non-loopback request sent to
 * a {@link LoggingProxy}. Loopback (the test's own server) goes direct: Chromium bypasses a proxy for
 * {@code localhost}, {@code 127.0.0.0/8} and {@code [::1]} unless told {@code <-loopback>}, which we never say.
 *
 * <pre>{@code
 * HeadlessChromium.assumeAvailable();
 * try (LoggingProxy proxy = LoggingProxy.start();
 *      HeadlessChromium chromium = HeadlessChromium.start(proxy, HeadlessChromium.JAVASCRIPT_OFF)) {
 *     chromium.driver().get("http://127.0.0.1:" + port + "/");
 * }
 * }</pre>
 *
 * Each instance gets a fresh temporary profile ({@code --user-data-dir}), deleted on {@link #close()}. Selenium
 * Manager never runs: {@code webdriver.chrome.driver} points at {@value #CHROMEDRIVER}.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    /** The flags every browser test starts Chromium with, besides the profile directory and the proxy. */
    public static final List<String> FLAGS = List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic");

    /**
     * Hosts that Debian's Chromium contacts on its own even with the flags above (its launcher sets Google API keys
     * and DuckDuckGo as the search engine): sign-in, component and update checks, network time, optimization hints,
     * search preconnect. Exact names, never patterns. None of them is where a provider's embed first connects (an
     * embed that leaked would show up as its player, script or map host), so leaving them out of the page traffic
     * cannot hide a leak.
     */
    public static final Set<String> BROWSER_SERVICE_HOSTS = Set.of(
            "accounts.google.com",
            "clients1.google.com",
            "clients2.google.com",
            "update.googleapis.com",
            "optimizationguide-pa.googleapis.com",
            "content-autofill.googleapis.com",
            "safebrowsingohttpgateway.googleapis.com",
            "redirector.gvt1.com",
            "edgedl.me.gvt1.com",
            "start.duckduckgo.com");

    /** Start options. */
    public enum Option {
        /** Turn JavaScript off for every page, as a visitor with scripts blocked would browse. */
        JAVASCRIPT_OFF
    }

    public static final Option JAVASCRIPT_OFF = Option.JAVASCRIPT_OFF;

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Skips the calling test when Chromium or chromedriver is missing and {@code CI} is unset, saying why; fails it
     * when {@code CI} is set, because CI must run every browser test.
     */
    public static void assumeAvailable() {
        String missing = missingTools();
        if (missing.isEmpty()) {
            return;
        }
        String message = missing + " not found; install them with: apt-get install -y chromium chromium-driver";
        if (System.getenv("CI") != null) {
            Assertions.fail("CI is set but " + message);
        }
        Assumptions.abort("skipping browser test (CI unset): " + message);
    }

    private static String missingTools() {
        StringBuilder missing = new StringBuilder();
        for (String tool : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing.append(missing.length() == 0 ? "" : " and ").append(tool);
            }
        }
        return missing.toString();
    }

    /** Starts a headless Chromium whose non-loopback traffic goes to {@code proxy}. */
    public static HeadlessChromium start(LoggingProxy proxy, Option... options) {
        Objects.requireNonNull(proxy, "proxy");
        boolean javascript = !List.of(options).contains(Option.JAVASCRIPT_OFF);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("embed-consent-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile directory", e);
        }
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(CHROMIUM);
        chrome.addArguments(FLAGS);
        chrome.addArguments("--user-data-dir=" + profile, "--proxy-server=" + proxy.address());
        if (!javascript) {
            chrome.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        chrome.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, chrome);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The temporary profile directory ({@code --user-data-dir}) of this browser. */
    public Path profile() {
        return profile;
    }

    /** Browser console messages logged since the last call (CSP violations show up here). */
    public List<String> takeConsoleLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(entry -> entry.getLevel() + " " + entry.getMessage())
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.getLogger(HeadlessChromium.class.getName())
                    .log(System.Logger.Level.WARNING, "could not delete Chromium profile " + root, e);
        }
    }
}

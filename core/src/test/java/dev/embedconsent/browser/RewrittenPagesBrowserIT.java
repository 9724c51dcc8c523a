package dev.embedconsent.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import dev.embedconsent.testing.LoopbackPages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Rewritten pages in a real browser: every provider fixture and a realistic page with embeds of every provider are
 * rewritten, served from a loopback server and loaded in headless Chromium (with JavaScript on, and off so that
 * {@code <noscript>} copies count), whose non-loopback traffic all goes to a {@link LoggingProxy}. The rewritten pages
 * must make zero connections to provider hosts. As a control that proves the check can fail, the original pages are
 * loaded too, after the rewritten ones and in a browser of their own so that nothing they start can be counted
 * against a rewritten page, and must reach the providers' hosts: the realistic page every one of its twelve, the
 * fixtures of each provider at least that provider. Negative fixtures (no embeds) must behave exactly as before.
 * The fixtures of one folder are loaded together as one page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RewrittenPagesBrowserIT {
    /** The providers on the realistic page. */
    private static final List<String> ON_REALISTIC_PAGE = List.of("youtube", "vimeo", "dailymotion", "google-maps",
            "openstreetmap", "x", "instagram", "facebook", "tiktok", "spotify", "soundcloud", "twitch");
    private static final Path ASSETS = Path.of("../servlet-filter/src/main/resources/dev/embedconsent/servlet/assets");

    /**
     * Known gap, asserted exactly so that it shows when it changes: an inline {@code <script>} that builds the
     * provider's loader URL from a string (the legacy Facebook SDK snippet) is not rewritten, because URLs in script
     * text stay untouched. With JavaScript on it loads the SDK; the widget markers themselves are neutralized.
     */
    private static final Map<String, Set<String>> INLINE_LOADER_LEAKS = Map.of(
            "facebook", Set.of("facebook (connect.facebook.net)"),
            "genially", Set.of("genially (view.genially.com)"),
            "infogram", Set.of("infogram (e.infogram.com)"),
            "typeform", Set.of("typeform (embed.typeform.com)"));

    /**
     * Hosts the browser itself talks to whatever the page (Google Cloud Messaging check-in, which no page can start);
     * they share {@code *.google.com} with providers and are not counted as the page's contacts.
     */
    private static final Set<String> BROWSER_OWN_HOSTS = Set.of("android.clients.google.com");

    private final Map<String, Set<String>> originalContacts = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> clickedContacts = new ConcurrentHashMap<>();
    private ProviderCatalogue catalogue;
    private EmbedRewriter rewriter;
    private LoggingProxy proxy;
    private LoopbackPages pages;
    private HeadlessChromium scripting;
    private HeadlessChromium noScripting;
    private HeadlessChromium control;

    @BeforeAll
    void start() throws IOException {
        HeadlessChromium.assumeAvailable();
        catalogue = ProviderCatalogue.builtIn();
        rewriter = EmbedRewriter.withDefaults();
        proxy = LoggingProxy.start();
        pages = LoopbackPages.start();
        // The real activation script and stylesheet, so the check also covers what they do on load.
        for (String asset : List.of("embed-consent.js", "embed-consent.css")) {
            Path file = ASSETS.resolve(asset);
            if (Files.isRegularFile(file)) {
                pages.put("/embed-consent/" + asset, asset.endsWith(".js") ? "text/javascript" : "text/css",
                        Files.readAllBytes(file));
            }
        }
        scripting = HeadlessChromium.start(proxy);
        noScripting = HeadlessChromium.start(proxy, HeadlessChromium.JAVASCRIPT_OFF);
        control = HeadlessChromium.start(proxy);
        // "Load once" posts the decision first; the filter's endpoint is stood in for by a fixed answer.
        pages.put("/embed-consent/consent", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        // What a fresh browser fetches on its first navigation is the browser's, not a page's.
        pages.put("/blank.html", "text/html; charset=utf-8", document(new byte[0]));
        for (HeadlessChromium chromium : List.of(scripting, noScripting, control)) {
            chromium.driver().get(pages.url("/blank.html"));
        }
        pause(1500);
        proxy.clear();
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable closeable : new AutoCloseable[] {scripting, noScripting, control, pages, proxy}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING, "close failed", e);
                }
            }
        }
    }

    /** The fixture folders: one per provider, and {@code negative}. */
    static Stream<String> folders() throws IOException, URISyntaxException {
        Path root = Path.of(RewrittenPagesBrowserIT.class.getResource("/fixtures").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    /**
     * All fixtures of a folder, one after the other in one document: a page per provider keeps the browser run short
     * (three page loads per provider instead of per fixture). A leak still names the provider and host;
     * {@code FixturePagesTest} checks each fixture on its own.
     */
    private static byte[] folderPage(String folder) throws IOException, URISyntaxException {
        Path dir = Path.of(RewrittenPagesBrowserIT.class.getResource("/fixtures/" + folder).toURI());
        StringBuilder body = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).sorted().toList()) {
                body.append("\n<!-- fixture ").append(file.getFileName()).append(" -->\n")
                        .append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return document(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RewrittenPagesBrowserIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Fixtures are fragments; a browser needs a document around them (the fixture bytes stay as they are). */
    private static byte[] document(byte[] fixture) {
        String text = new String(fixture, StandardCharsets.UTF_8);
        if (text.toLowerCase(Locale.ROOT).contains("<html")) {
            return fixture;
        }
        return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fixture</title></head><body>\n"
                + text + "\n</body></html>\n").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] rewrite(byte[] page, String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rewriter.rewrite(new ByteArrayInputStream(page), out,
                new PageContext(StandardCharsets.UTF_8, null, Set.of(), path, EmbedListener.NONE, null));
        return out.toByteArray();
    }

    /** Loads a page, scrolls through it so lazy embeds would load, waits, and returns the providers contacted. */
    private Set<String> visit(HeadlessChromium chromium, String path) {
        return visit(chromium, path, false).beforeClick();
    }

    /** What a visit contacted before any click, and after clicking "Load once" on the first visible placeholder. */
    private record Contacts(Set<String> beforeClick, Set<String> afterClick, boolean clicked) {}

    private Contacts visit(HeadlessChromium chromium, String path, boolean clickLoadOnce) {
        WebDriver driver = chromium.driver();
        proxy.clear();
        driver.get(pages.url(path));
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
        ((JavascriptExecutor) driver).executeScript(
                "for (let y = 0; y <= document.documentElement.scrollHeight; y += 400) { window.scrollTo(0, y); }");
        pause(900);
        Set<String> before = providersContacted();
        Set<String> after = Set.of();
        List<WebElement> buttons = clickLoadOnce
                ? driver.findElements(By.cssSelector(".ec-placeholder form.ec-form button")) : List.of();
        if (!buttons.isEmpty()) {
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView(); arguments[0].click();",
                    buttons.get(0));
            // the click's first new contact usually comes within a few hundred ms: wait for it (at most 3 s), then
            // let the embed's own follow-up requests arrive
            long until = System.nanoTime() + 3_000_000_000L;
            while (providersContacted().equals(before) && System.nanoTime() < until) {
                pause(50);
            }
            pause(300);
            after = providersContacted();
        }
        driver.get("about:blank");
        return new Contacts(before, after, !buttons.isEmpty());
    }

    private Set<String> providersContacted() {
        Set<String> providers = new TreeSet<>();
        for (LoggingProxy.ProxiedRequest request : proxy.requests()) {
            if (BROWSER_OWN_HOSTS.contains(request.host())) {
                continue;
            }
            for (Provider provider : catalogue.all()) {
                for (String pattern : provider.hosts()) {
                    if (LoggingProxy.hostMatches(request.host(), pattern)) {
                        providers.add(provider.id() + " (" + request.host() + ")");
                    }
                }
            }
        }
        return providers;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void rewrittenFixturesContactNoProvider(String folder) throws IOException, URISyntaxException {
        byte[] original = folderPage(folder);
        String path = "/" + folder + ".html";
        pages.put("/original" + path, "text/html; charset=utf-8", original);
        pages.put("/rewritten" + path, "text/html; charset=utf-8", rewrite(original, "/rewritten" + path));

        Contacts rewritten = visit(scripting, "/rewritten" + path, !folder.equals("negative"));
        Set<String> withScripts = rewritten.beforeClick();
        Set<String> withoutScripts = visit(noScripting, "/rewritten" + path);
        Set<String> reached = visit(control, "/original" + path);
        originalContacts.put(folder, reached);
        if (rewritten.clicked()) {
            clickedContacts.put(folder, rewritten.afterClick());
        }
        if (folder.equals("negative")) {
            // Negatives are not embeds (a reCAPTCHA on www.google.com, links, look-alike hosts) and stay untouched.
            assertEquals(reached, withScripts, "negative fixtures rewritten behave like the originals, JavaScript on");
        } else {
            assertEquals(INLINE_LOADER_LEAKS.getOrDefault(folder, Set.of()), withScripts,
                    folder + " fixtures rewritten, JavaScript on");
            assertEquals(Set.of(), withoutScripts, folder + " fixtures rewritten, JavaScript off");
        }
    }

    @Order(2)
    @Test
    void controlTheOriginalFixturesOfEveryProviderReachThatProvider() {
        Set<String> reached = new TreeSet<>();
        originalContacts.forEach((folder, contacts) -> {
            for (String contact : contacts) {
                if (contact.startsWith(folder + " (")) {
                    reached.add(folder);
                }
            }
        });
        assertTrue(!originalContacts.isEmpty(), "fixtures ran first");
        Set<String> all = new TreeSet<>();
        catalogue.all().forEach(provider -> all.add(provider.id()));
        assertEquals(all, reached, () -> "providers whose original fixtures reached them: " + reached
                + "; all contacts: " + originalContacts);
    }

    /**
     * After the click: on every provider page with a visible placeholder, "Load once" on the first one makes the
     * browser contact that provider (the activation script inserts the original).
     */
    @Order(2)
    @Test
    void loadOnceContactsTheProvider() {
        assertTrue(clickedContacts.size() >= 60, () -> "clicked on " + clickedContacts.size() + " provider pages");
        Map<String, Set<String>> silent = new TreeMap<>();
        clickedContacts.forEach((folder, contacts) -> {
            if (contacts.stream().noneMatch(c -> c.startsWith(folder + " ("))) {
                silent.put(folder, contacts);
            }
        });
        assertEquals(Map.of(), silent, "provider pages where Load once contacted not that provider");
    }

    @Order(3)
    @Test
    void realisticPageRewrittenContactsNoProviderWhileTheOriginalContactsAll() throws IOException {
        byte[] original = resource("/browser/realistic-all-providers.html");
        pages.put("/original/realistic.html", "text/html; charset=utf-8", original);
        pages.put("/rewritten/realistic.html", "text/html; charset=utf-8", rewrite(original, "/rewritten/realistic.html"));

        assertEquals(Set.of(), visit(scripting, "/rewritten/realistic.html"), "JavaScript on");
        assertEquals(Set.of(), visit(noScripting, "/rewritten/realistic.html"), "JavaScript off");

        Set<String> reached = new TreeSet<>();
        visit(control, "/original/realistic.html").forEach(c -> reached.add(c.substring(0, c.indexOf(' '))));
        // A host that providers share (www.google.com for Maps and Calendar) names each of them.
        assertTrue(reached.containsAll(ON_REALISTIC_PAGE), () -> "control: the original page reaches every provider: "
                + reached);
    }
    /**
     * Generic blocking in the browser: frames from hosts no provider names (a PeerTube instance, a regional player, a
     * booking widget) contact nothing before a click, while a same-site frame keeps loading; the original page, as
     * the control, reaches every one of those hosts.
     */
    @Order(4)
    @Test
    void unknownThirdPartyFramesAreBlockedWhileSameSiteFramesLoad() throws IOException {
        Set<String> unknown = Set.of("videos.example.org", "peertube.club.example", "booking.example.net");
        byte[] original = document(("<h1>Club news</h1>\n"
                + "<iframe src=\"https://videos.example.org/videos/embed/9c9de5e8\" width=\"560\" height=\"315\""
                + " allowfullscreen></iframe>\n"
                + "<iframe src=\"//peertube.club.example/videos/embed/abc\" loading=\"lazy\"></iframe>\n"
                + "<iframe src=\"https://booking.example.net/widget?club=7\"></iframe>\n"
                + "<iframe src=\"/club/same-site-frame.html\" title=\"Our calendar\"></iframe>\n")
                .getBytes(StandardCharsets.UTF_8));
        pages.put("/club/same-site-frame.html", "text/html; charset=utf-8", document(
                "<p>Calendar</p>".getBytes(StandardCharsets.UTF_8)));
        pages.put("/original/club.html", "text/html; charset=utf-8", original);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rewriter.rewrite(new ByteArrayInputStream(original), out, new PageContext(StandardCharsets.UTF_8, null,
                Set.of(), "/rewritten/club.html", EmbedListener.NONE, null, "127.0.0.1"));
        String rewritten = out.toString(StandardCharsets.UTF_8);
        for (String host : unknown) {
            assertTrue(rewritten.contains("data-consent-provider=\"host:" + host + "\""), rewritten);
        }
        assertTrue(rewritten.contains("<iframe src=\"/club/same-site-frame.html\" title=\"Our calendar\"></iframe>"),
                rewritten);
        pages.put("/rewritten/club.html", "text/html; charset=utf-8", out.toByteArray());

        for (HeadlessChromium chromium : List.of(scripting, noScripting)) {
            visit(chromium, "/rewritten/club.html");
            Set<String> contacted = new TreeSet<>(proxy.hosts());
            contacted.retainAll(unknown);
            assertEquals(Set.of(), contacted, "rewritten page, unknown hosts contacted");
        }
        assertTrue(pages.served("/club/same-site-frame.html"), "the same-site frame loaded");

        visit(control, "/original/club.html");
        Set<String> reached = new TreeSet<>(proxy.hosts());
        reached.retainAll(unknown);
        assertEquals(new TreeSet<>(unknown), reached, "control: the original page reaches every unknown host");
    }
}

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
import dev.embedconsent.testing.LoggingProxy.ProxiedRequest;
import dev.embedconsent.testing.LoopbackPages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@code <noscript>} copies count), whose non-loopback traffic goes to a {@link LoggingProxy}. The rewritten pages
 * must make zero connections to provider hosts. As a control that proves the check can fail, the original pages are
 * loaded too, in a browser of their own, and must reach the providers' hosts: the realistic page every one of its
 * twelve, the fixtures of each provider at least that provider. Negative fixtures (no embeds) must behave exactly as
 * before. The fixtures of one folder are loaded together as one page.
 *
 * <p>The three browsers (JavaScript on, which also clicks "Load once"; JavaScript off; the control) each have a
 * {@link LoggingProxy} of their own and are driven each from a thread of its own, side by side. Attribution holds by
 * construction rather than by the order of the visits: a proxy only ever sees its own browser, so nothing the
 * control starts while loading an original can be counted against a rewritten page, whenever the two run. Within one
 * browser, pages are loaded one at a time; after each the browser leaves for {@code about:blank} and the visit ends
 * only once its proxy has been quiet for {@value #QUIET_MILLIS} ms, so that what a page starts late is counted for
 * that page and not the next one. Each browser is queued with all fixture folders at the start and walks through
 * them on its own; the test of a folder waits for that folder's three visits and asserts on them.
 *
 * <p>Every page is loaded from a host name of its own, {@code <folder>.localhost} (Chromium resolves those to
 * loopback and never proxies them), so that no browser ever loads two pages of one host. Chromium's loading
 * predictor preconnects, at the start of a navigation, to the hosts that earlier pages of the same host used: with
 * all pages on {@code 127.0.0.1}, the original jw-player page "contacted" the jotform page's hosts before it, which
 * could credit the control with a provider it never reached. Turning prediction off in the browser is no way out,
 * because it also drops {@code <link rel="preconnect">}, which the check must see.
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

    /** After loading and scrolling a page, how long lazy embeds get to start their requests. */
    private static final long SETTLE_MILLIS = 900;
    /** How long a browser's proxy must have seen nothing new after the browser left a page. */
    private static final long QUIET_MILLIS = 250;
    /** How long to wait for that quiet at most; whatever still comes after would count against the next page. */
    private static final long QUIET_LIMIT_MILLIS = 5_000;
    /** Guards against a hung browser only: a folder's visits normally finish within seconds of the previous one's. */
    private static final long AWAIT_MINUTES = 10;

    private final Map<String, FolderVisits> folderVisits = new LinkedHashMap<>();
    private ProviderCatalogue catalogue;
    private EmbedRewriter rewriter;
    private LoopbackPages pages;
    private Browser scripting;
    private Browser noScripting;
    private Browser control;

    /** What one visit's proxy recorded before any click, and after clicking "Load once" on the first placeholder. */
    private record Visit(List<ProxiedRequest> beforeClick, List<ProxiedRequest> afterClick, boolean clicked) {}

    /** The three visits of one fixture folder, which run side by side. */
    private record FolderVisits(CompletableFuture<Visit> scripting, CompletableFuture<Visit> noScripting,
            CompletableFuture<Visit> control) {}

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        catalogue = ProviderCatalogue.builtIn();
        rewriter = EmbedRewriter.withDefaults();
        pages = LoopbackPages.start();
        // The real activation script and stylesheet, so the check also covers what they do on load.
        for (String asset : List.of("embed-consent.js", "embed-consent.css")) {
            Path file = ASSETS.resolve(asset);
            if (Files.isRegularFile(file)) {
                pages.put("/embed-consent/" + asset, asset.endsWith(".js") ? "text/javascript" : "text/css",
                        Files.readAllBytes(file));
            }
        }
        // "Load once" posts the decision first; the filter's endpoint is stood in for by a fixed answer.
        pages.put("/embed-consent/consent", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        // What a fresh browser fetches on its first navigation is the browser's, not a page's.
        pages.put("/blank.html", "text/html; charset=utf-8", document(new byte[0]));
        scripting = new Browser("JavaScript on");
        noScripting = new Browser("JavaScript off", HeadlessChromium.JAVASCRIPT_OFF);
        control = new Browser("control");
        for (Browser browser : List.of(scripting, noScripting, control)) {
            await(browser.ready, browser.name + " starting");
        }

        for (String folder : folders().toList()) {
            String path = "/" + folder + ".html";
            CompletableFuture<byte[]> original = attempt(() -> {
                byte[] page = folderPage(folder);
                pages.put("/original" + path, "text/html; charset=utf-8", page);
                return page;
            });
            CompletableFuture<Void> rewritten = original.thenCompose(page -> attempt(() -> {
                pages.put("/rewritten" + path, "text/html; charset=utf-8", rewrite(page, "/rewritten" + path));
                return null;
            }));
            folderVisits.put(folder, new FolderVisits(
                    rewritten.thenCompose(v -> scripting.visit(folder, "/rewritten" + path,
                            !folder.equals("negative"))),
                    rewritten.thenCompose(v -> noScripting.visit(folder, "/rewritten" + path, false)),
                    original.thenCompose(v -> control.visit(folder, "/original" + path, false))));
        }
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {scripting, noScripting, control, pages}) {
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

    private Set<String> providersContacted(List<ProxiedRequest> requests) {
        Set<String> providers = new TreeSet<>();
        for (ProxiedRequest request : requests) {
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

    private static Set<String> hosts(List<ProxiedRequest> requests) {
        Set<String> hosts = new TreeSet<>();
        requests.forEach(request -> hosts.add(request.host()));
        return hosts;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** A future of {@code step}, run now on the calling thread: its result, or failed with what it threw. */
    private static <T> CompletableFuture<T> attempt(Callable<T> step) {
        try {
            return CompletableFuture.completedFuture(step.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The result of {@code future}; what the visit threw is rethrown as it was, so a test fails with its message. */
    private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(AWAIT_MINUTES, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + AWAIT_MINUTES + " minutes", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * One headless Chromium with a {@link LoggingProxy} of its own, used only from its own thread (a WebDriver is
     * not thread-safe): visits queue up there and run one after the other.
     */
    private final class Browser implements AutoCloseable {
        private final String name;
        private final LoggingProxy proxy;
        private final ExecutorService thread;
        private final CompletableFuture<HeadlessChromium> chromium;
        private final CompletableFuture<Void> ready;

        Browser(String name, HeadlessChromium.Option... options) throws IOException {
            this.name = name;
            this.proxy = LoggingProxy.start();
            this.thread = Executors.newSingleThreadExecutor(runnable -> {
                Thread t = new Thread(runnable, "browser " + name);
                t.setDaemon(true);
                return t;
            });
            this.chromium = CompletableFuture.supplyAsync(() -> HeadlessChromium.start(proxy, options), thread);
            this.ready = chromium.thenAcceptAsync(started -> {
                started.driver().get(pages.url("/blank.html"));
                pause(1500);
                proxy.clear();
            }, thread);
        }

        /** Queues a visit of {@code path} on the host {@code <site>.localhost} on this browser's thread. */
        CompletableFuture<Visit> visit(String site, String path, boolean clickLoadOnce) {
            return ready.thenApplyAsync(v -> load(site, path, clickLoadOnce), thread);
        }

        /**
         * Loads a page, scrolls through it so lazy embeds would load, waits, and with {@code clickLoadOnce} clicks
         * "Load once" on the first visible placeholder; then leaves the page and waits until the proxy is quiet.
         * Without a click, the contacts are all the proxy recorded from the load until that quiet.
         */
        private Visit load(String site, String path, boolean clickLoadOnce) {
            WebDriver driver = chromium.join().driver();
            String host = site + ".localhost";
            String url = "http://" + host + ":" + URI.create(pages.url("/")).getPort() + path;
            proxy.clear();
            driver.get(url);
            new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> "complete".equals(
                    ((JavascriptExecutor) d).executeScript("return document.readyState")));
            // Without this, a page that never loaded would pass as one that contacts nothing.
            Object loaded = ((JavascriptExecutor) driver).executeScript(
                    "return location.hostname + ' ' + performance.getEntriesByType('navigation')[0]?.responseStatus");
            if (!(host + " 200").equals(loaded) || proxy.requests().stream().anyMatch(r -> r.host().equals(host))) {
                throw new IllegalStateException(name + ": " + url + " did not come straight from the loopback server ("
                        + loaded + "); the check needs Chromium to resolve *.localhost to loopback and not proxy it");
            }
            ((JavascriptExecutor) driver).executeScript(
                    "for (let y = 0; y <= document.documentElement.scrollHeight; y += 400) { window.scrollTo(0, y); }");
            pause(SETTLE_MILLIS);
            List<ProxiedRequest> before = proxy.requests();
            List<ProxiedRequest> after = List.of();
            List<WebElement> buttons = clickLoadOnce
                    ? driver.findElements(By.cssSelector(".ec-placeholder form.ec-form button")) : List.of();
            if (!buttons.isEmpty()) {
                Set<String> contactedBefore = providersContacted(before);
                ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView(); arguments[0].click();",
                        buttons.get(0));
                // the click's first new contact usually comes within a few hundred ms: wait for it (at most 3 s),
                // then let the embed's own follow-up requests arrive
                long until = System.nanoTime() + 3_000_000_000L;
                while (providersContacted(proxy.requests()).equals(contactedBefore) && System.nanoTime() < until) {
                    pause(50);
                }
                pause(300);
                after = proxy.requests();
            }
            driver.get("about:blank");
            awaitQuiet();
            return buttons.isEmpty() ? new Visit(proxy.requests(), List.of(), false) : new Visit(before, after, true);
        }

        /** Waits until the proxy has recorded nothing new for {@value #QUIET_MILLIS} ms, or the limit is reached. */
        private void awaitQuiet() {
            long limit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_LIMIT_MILLIS);
            int seen = proxy.requests().size();
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)
                    && System.nanoTime() < limit) {
                pause(50);
                int now = proxy.requests().size();
                if (now != seen) {
                    seen = now;
                    quietSince = System.nanoTime();
                }
            }
        }

        @Override
        public void close() throws IOException {
            thread.shutdownNow();
            try {
                thread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                if (chromium.isDone() && !chromium.isCompletedExceptionally()) {
                    chromium.join().close();
                }
            } finally {
                proxy.close();
            }
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void rewrittenFixturesContactNoProvider(String folder) throws Exception {
        FolderVisits visits = folderVisits.get(folder);
        Visit rewritten = await(visits.scripting(), folder + ", JavaScript on");
        Set<String> withScripts = providersContacted(rewritten.beforeClick());
        Set<String> withoutScripts = providersContacted(await(visits.noScripting(), folder + ", JavaScript off")
                .beforeClick());
        Set<String> reached = providersContacted(await(visits.control(), folder + ", control").beforeClick());
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
    void controlTheOriginalFixturesOfEveryProviderReachThatProvider() throws Exception {
        Map<String, Set<String>> originalContacts = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, FolderVisits> entry : folderVisits.entrySet()) {
            try {
                originalContacts.put(entry.getKey(),
                        providersContacted(await(entry.getValue().control(), entry.getKey()).beforeClick()));
            } catch (Exception e) {
                failed.add(entry.getKey() + ": " + e);
            }
        }
        Set<String> reached = new TreeSet<>();
        originalContacts.forEach((folder, contacts) -> {
            for (String contact : contacts) {
                if (contact.startsWith(folder + " (")) {
                    reached.add(folder);
                }
            }
        });
        assertTrue(!originalContacts.isEmpty(), "the fixture folders were visited");
        Set<String> all = new TreeSet<>();
        catalogue.all().forEach(provider -> all.add(provider.id()));
        assertEquals(all, reached, () -> "providers whose original fixtures reached them: " + reached
                + "; all contacts: " + originalContacts + "; control visits that failed: " + failed);
    }

    /**
     * After the click: on every provider page with a visible placeholder, "Load once" on the first one makes the
     * browser contact that provider (the activation script inserts the original).
     */
    @Order(2)
    @Test
    void loadOnceContactsTheProvider() throws Exception {
        Map<String, Set<String>> clickedContacts = new TreeMap<>();
        for (Map.Entry<String, FolderVisits> entry : folderVisits.entrySet()) {
            CompletableFuture<Visit> visit = entry.getValue().scripting();
            // a visit that failed fails its folder's test; here it only counts as a page without a click
            if (!visit.isCompletedExceptionally()) {
                Visit done = await(visit, entry.getKey() + ", JavaScript on");
                if (done.clicked()) {
                    clickedContacts.put(entry.getKey(), providersContacted(done.afterClick()));
                }
            }
        }
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
    void realisticPageRewrittenContactsNoProviderWhileTheOriginalContactsAll() throws Exception {
        byte[] original = resource("/browser/realistic-all-providers.html");
        pages.put("/original/realistic.html", "text/html; charset=utf-8", original);
        pages.put("/rewritten/realistic.html", "text/html; charset=utf-8", rewrite(original, "/rewritten/realistic.html"));

        CompletableFuture<Visit> withScripts = scripting.visit("realistic", "/rewritten/realistic.html", false);
        CompletableFuture<Visit> withoutScripts = noScripting.visit("realistic", "/rewritten/realistic.html", false);
        CompletableFuture<Visit> controlVisit = control.visit("realistic", "/original/realistic.html", false);
        assertEquals(Set.of(), providersContacted(await(withScripts, "realistic page, JavaScript on").beforeClick()),
                "JavaScript on");
        assertEquals(Set.of(), providersContacted(await(withoutScripts, "realistic page, JavaScript off")
                .beforeClick()), "JavaScript off");

        Set<String> reached = new TreeSet<>();
        providersContacted(await(controlVisit, "realistic page, control").beforeClick())
                .forEach(c -> reached.add(c.substring(0, c.indexOf(' '))));
        // A host that providers share (www.google.com for Maps and Calendar) names each of them.
        assertTrue(reached.containsAll(ON_REALISTIC_PAGE), () -> "control: the original page reaches every provider: "
                + reached);
    }

    /**
     * Generic blocking in the browser: frames from hosts no provider names (a PeerTube instance, a regional player, a
     * booking widget) contact nothing before a click, while a same-site frame keeps loading; the original page, as
     * the control, reaches every one of those hosts. The control loads it only after the same-site frame has been
     * checked, since the original asks for that frame too.
     */
    @Order(4)
    @Test
    void unknownThirdPartyFramesAreBlockedWhileSameSiteFramesLoad() throws Exception {
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
                Set.of(), "/rewritten/club.html", EmbedListener.NONE, null, "club.localhost"));
        String rewritten = out.toString(StandardCharsets.UTF_8);
        for (String host : unknown) {
            assertTrue(rewritten.contains("data-consent-provider=\"host:" + host + "\""), rewritten);
        }
        assertTrue(rewritten.contains("<iframe src=\"/club/same-site-frame.html\" title=\"Our calendar\"></iframe>"),
                rewritten);
        pages.put("/rewritten/club.html", "text/html; charset=utf-8", out.toByteArray());

        CompletableFuture<Visit> withScripts = scripting.visit("club", "/rewritten/club.html", false);
        CompletableFuture<Visit> withoutScripts = noScripting.visit("club", "/rewritten/club.html", false);
        for (Visit visit : List.of(await(withScripts, "club page, JavaScript on"),
                await(withoutScripts, "club page, JavaScript off"))) {
            Set<String> contacted = hosts(visit.beforeClick());
            contacted.retainAll(unknown);
            assertEquals(Set.of(), contacted, "rewritten page, unknown hosts contacted");
        }
        assertTrue(pages.served("/club/same-site-frame.html"), "the same-site frame loaded");

        Set<String> reached = hosts(await(control.visit("club", "/original/club.html", false), "club page, control")
                .beforeClick());
        reached.retainAll(unknown);
        assertEquals(new TreeSet<>(unknown), reached, "control: the original page reaches every unknown host");
    }
}

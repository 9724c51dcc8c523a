package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.HeadlessChromium;
import dev.embedconsent.testing.LoggingProxy;
import dev.embedconsent.testing.LoopbackPages;
import dev.embedconsent.testing.SharedTestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium as the judge of the rewriter on the html5lib tree-construction corpus. A YouTube iframe is
 * injected into every document at the end and in the middle; Chromium parses each input and says whether it would
 * load from YouTube; the rewriter's output must then load nothing from YouTube where the input would (no leak), and be
 * byte-identical where it would not (no needless rewrite), apart from the cases listed with their reason in
 * {@code chromium-corpus-needless.txt}, which is asserted exactly.
 *
 * <p><b>Would load</b> means: an element that fetches its URL (HTML {@code iframe} and {@code frame}; also
 * {@code img}, {@code embed}, {@code object}, media, {@code link}, {@code input type=image}, SVG {@code image} and a
 * {@code script} of a JavaScript type, because the injected tag can become another tag's attributes) with a YouTube URL
 * was inserted into a document that has a browsing context. Inserting such an element starts its fetch, so an element
 * removed again later still counts (Chromium's {@code <selectedcontent>} replaces its children after the frame was
 * inserted, and the proxy sees the connection); an {@code iframe} in the SVG or MathML namespace is a plain foreign
 * element; template content is an inert document. Each input is judged twice, with scripting enabled (a
 * {@code <noscript>}'s content is text, corpus scripts run) and disabled (it is markup), because visitors with
 * JavaScript off see the latter; an input loads when it loads in either.
 *
 * <p><b>Batch.</b> Navigating to each input takes a few hundred milliseconds, too slow for thousands of inputs in CI.
 * One page of Chromium parses all inputs instead, one after the other, through {@code document.open}, {@code write}
 * and {@code close} into an iframe of its own: the same HTML parser with the same insertion modes, quirks decided by
 * the doctype as on navigation, scripting enabled in an ordinary frame and disabled in one sandboxed with only
 * {@code allow-same-origin} (whose DOM the page can still read). A {@code MutationObserver} records every element
 * inserted. Two things keep it fast without touching parsing: the page's Content-Security-Policy (inherited by the
 * frames) blocks external scripts and stylesheets, so the placeholder's deferred script never holds a document open;
 * and the page first fills up Chromium's limit of frames per page with blank frames, so the iframe elements of judged
 * documents are inserted as usual but get no browsing context of their own (creating thousands costs minutes).
 * {@link #batchAgreesWithNavigation} shows the method faithful: a seeded random sample, every input whose verdict
 * depends on scripting and the listed needless rewrites of the rarer reasons are loaded by real navigation (bytes from
 * loopback with {@code charset=utf-8}, scripting switched off through DevTools'
 * {@code Emulation.setScriptExecutionDisabled}) while the refusing proxy records whether YouTube was contacted, and
 * the batch verdict must equal that, per mode.
 * {@link #batchJudgesKnownCases} checks the judge on inputs whose verdict the standard settles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChromiumCorpusIT {
    static final String SRC = "https://www.youtube.com/embed/dQw4w9WgXcQ";
    static final String IFRAME = "<iframe src=\"" + SRC + "\" title=\"t\"></iframe>";
    private static final PageContext UTF8 =
            new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null);
    private static final int BATCH = 250;
    private static final int SAMPLE = Integer.getInteger("embedconsent.oracle.sample", 40);

    /**
     * Inputs (file:line of the {@code #data}, {@code @end} or {@code @mid}) that Chromium would not load but the
     * rewriter changes, each with the reason from the README's list ({@code chromium-corpus-needless.txt} in the test
     * resources). Asserted exactly: a new needless rewrite fails, and so does one that went away (update the list).
     */
    private static final Map<String, String> NEEDLESS = needlessList();

    /** Shared by the batch page and the navigation check: does this document hold a loading YouTube frame? */
    static final String VERDICT = """
            function embedConsentLoads(node) {
              if (!node) { return null; }
              const all = (ns, name) => {
                const list = [...node.getElementsByTagNameNS(ns, name)];
                if (node.nodeType === 1 && node.namespaceURI === ns && node.localName === name) { list.push(node); }
                return list;
              };
              const HTML = 'http://www.w3.org/1999/xhtml';
              const youtube = (url, base) => {
                let host = '';
                try { host = new URL(url, base).hostname; } catch (e) { return false; }
                return host === 'youtube.com' || host.endsWith('.youtube.com')
                    || host === 'youtube-nocookie.com' || host.endsWith('.youtube-nocookie.com');
              };
              // Frames first: the injected element is an iframe.
              for (const name of ['iframe', 'frame']) {
                for (const f of all(HTML, name)) {
                  if (youtube(f.src)) { return true; }
                }
              }
              // The injected tag can also end up as attributes of another element (<img <=<iframe src=...>).
              const JS = new RegExp('^(|module|(text|application)/(x-)?(java|ecma)script'
                  + '|text/(javascript1\\\\.[0-5]|jscript|livescript|x-javascript))$');
              for (const s of all(HTML, 'script')) {
                const type = (s.getAttribute('type') ?? '').trim().toLowerCase();
                if (s.hasAttribute('src') && JS.test(type) && youtube(s.src)) { return true; }
              }
              const urls = { img: ['src'], embed: ['src'], object: ['data'], video: ['src', 'poster'], audio: ['src'],
                             source: ['src'], track: ['src'], link: ['href'] };
              for (const [name, attributes] of Object.entries(urls)) {
                for (const e of all(HTML, name)) {
                  for (const a of attributes) {
                    if (e.hasAttribute(a) && youtube(e.getAttribute(a), node.baseURI)) { return true; }
                  }
                }
              }
              for (const e of all(HTML, 'input')) {
                if ((e.getAttribute('type') ?? '').toLowerCase() === 'image' && youtube(e.src)) { return true; }
              }
              for (const e of all('http://www.w3.org/2000/svg', 'image')) {
                const href = e.getAttribute('href') ?? e.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
                if (href !== null && youtube(href, node.baseURI)) { return true; }
              }
              return false;
            }
            """;

    /**
     * Parses a batch of inputs one after the other in an iframe of the oracle page through {@code document.open},
     * {@code write} and {@code close}, and answers one verdict per input (null when none could be had).
     */
    private static final String BATCH_SCRIPT = VERDICT + """
            const docs = arguments[0], scripting = arguments[1], done = arguments[arguments.length - 1];
            const results = new Array(docs.length).fill(null);
            const frame = () => {
              const f = document.createElement('iframe');
              if (!scripting) { f.setAttribute('sandbox', 'allow-same-origin'); }
              document.body.appendChild(f);
              return f;
            };
            if (!window.oracleFrames) {
              // The judges first, then blank frames up to the browser's limit of frames in a page: the frames
              // that judged documents contain are then elements without a browsing context of their own, so
              // thousands of them cost nothing, while parsing and the DOM stay exactly as they would be.
              window.oracleFrames = {};
              for (const on of [true, false]) {
                const f = document.createElement('iframe');
                if (!on) { f.setAttribute('sandbox', 'allow-same-origin'); }
                document.body.appendChild(f);
                window.oracleFrames[on] = f;
              }
              const fillers = document.createElement('div');
              fillers.id = 'fillers';
              document.body.appendChild(fillers);
              for (let before = -1; window.length > before && window.length < 5000; ) {
                before = window.length;
                fillers.appendChild(document.createElement('iframe'));
              }
              window.oracleFillers = fillers.children.length;
            }
            const settled = (d) => new Promise((resolve) => {
              const began = Date.now();
              const poll = () => {
                if (d.readyState !== 'loading' || Date.now() - began > 5000) {
                  resolve();
                } else {
                  setTimeout(poll, 5);
                }
              };
              poll();
            });
            (async () => {
              let f = window.oracleFrames[scripting];
              for (let i = 0; i < docs.length; i++) {
                let d = f.contentDocument;
                if (!d) {
                  // A document navigated its frame away: make room for a new judge.
                  f.remove();
                  document.getElementById('fillers').lastChild.remove();
                  f = window.oracleFrames[scripting] = frame();
                  d = f.contentDocument;
                }
                try {
                  d.open();
                  // Every element ever inserted into the document counts, also one removed again later (Chromium
                  // replaces the children of a <selectedcontent>): inserting a frame starts its navigation.
                  const added = [];
                  const observer = new MutationObserver((records) => {
                    for (const r of records) { added.push(...r.addedNodes); }
                  });
                  observer.observe(d, { childList: true, subtree: true });
                  d.write(docs[i]);
                  d.close();
                  if (d.readyState === 'loading') { await settled(d); }
                  for (const r of observer.takeRecords()) { added.push(...r.addedNodes); }
                  observer.disconnect();
                  results[i] = f.contentDocument === d && d.readyState !== 'loading'
                      ? embedConsentLoads(d) || added.some((n) => n.nodeType === 1 && embedConsentLoads(n)) : null;
                } catch (e) {
                  results[i] = null;
                }
              }
              done(results);
            })();
            """;

    static final String PAGE = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; frame-src 'self'; "
            + "script-src 'unsafe-inline'; style-src 'unsafe-inline'\"><title>oracle</title></head>"
            + "<body></body></html>";

    private record Input(String key, String text) {}

    /** The verdicts for one input. */
    private record Verdict(boolean scripting, boolean noScripting) {
        boolean loads() {
            return scripting || noScripting;
        }
    }

    private List<Input> inputs;
    private List<Verdict> corpusVerdicts;
    private LoggingProxy proxy;
    private LoopbackPages pages;
    private HeadlessChromium chromium;

    @BeforeAll
    void start() throws IOException {
        SharedTestData.requireHtml5lib(Html5libCorpus.SUITE);
        HeadlessChromium.assumeAvailable();
        inputs = inputs();
        proxy = LoggingProxy.start();
        pages = LoopbackPages.start();
        pages.put("/oracle.html", "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
        chromium = HeadlessChromium.start(proxy);
        chromium.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {chromium, pages, proxy}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING, "close failed", e);
                }
            }
        }
    }

    /** Every corpus document with the frame at its end and in its middle; an input made twice is judged once. */
    private static List<Input> inputs() {
        Map<String, Input> byText = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Html5libCorpus.treeConstructionDir())) {
            for (Path file : files.filter(p -> p.toString().endsWith(".dat")).sorted().toList()) {
                String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (!lines[i].equals("#data")) {
                        continue;
                    }
                    int j = i + 1;
                    while (j < lines.length && !lines[j].equals("#errors") && !lines[j].startsWith("#document")) {
                        j++;
                    }
                    String doc = String.join("\n", Arrays.asList(lines).subList(i + 1, j));
                    String key = file.getFileName() + ":" + (i + 1);
                    int mid = doc.length() / 2;
                    if (mid > 0 && Character.isLowSurrogate(doc.charAt(mid))) {
                        mid--;
                    }
                    byText.putIfAbsent(doc + IFRAME, new Input(key + "@end", doc + IFRAME));
                    String inner = doc.substring(0, mid) + IFRAME + doc.substring(mid);
                    byText.putIfAbsent(inner, new Input(key + "@mid", inner));
                    i = j;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(byText.values());
    }

    /** The batch verdicts of all inputs, judged once. */
    private List<Verdict> corpusVerdicts() {
        if (corpusVerdicts == null) {
            corpusVerdicts = batch(inputs.stream().map(Input::text).toList());
        }
        return corpusVerdicts;
    }

    /** Judges many documents in iframes of the one oracle page. */
    private List<Verdict> batch(List<String> documents) {
        var driver = chromium.driver();
        if (!pages.url("/oracle.html").equals(driver.getCurrentUrl())) {
            driver.get(pages.url("/oracle.html"));
        }
        List<Verdict> verdicts = new ArrayList<>(documents.size());
        for (int from = 0; from < documents.size(); from += BATCH) {
            List<String> part = documents.subList(from, Math.min(documents.size(), from + BATCH));
            List<Boolean> on = judge(part, true);
            List<Boolean> off = judge(part, false);
            for (int k = 0; k < part.size(); k++) {
                verdicts.add(new Verdict(on.get(k), off.get(k)));
            }
        }
        return verdicts;
    }

    @SuppressWarnings("unchecked")
    private List<Boolean> judge(List<String> part, boolean scripting) {
        List<Object> answers = (List<Object>) ((JavascriptExecutor) chromium.driver())
                .executeAsyncScript(BATCH_SCRIPT, part, scripting);
        List<Boolean> verdicts = new ArrayList<>(answers.size());
        for (int k = 0; k < answers.size(); k++) {
            if (!(answers.get(k) instanceof Boolean b)) {
                throw new AssertionError("no verdict (the document did not finish parsing) for " + part.get(k));
            }
            verdicts.add(b);
        }
        return verdicts;
    }

    /** What real navigation says: the DOM verdicts with scripting on and off, and whether YouTube was contacted. */
    private record Navigated(Verdict verdict, Verdict contacted) {}

    private Navigated navigate(String text, int n) {
        var driver = chromium.driver();
        String path = "/nav/" + n + ".html";
        pages.put(path, "text/html; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        boolean[] dom = new boolean[2];
        boolean[] contacted = new boolean[2];
        for (int mode = 0; mode < 2; mode++) {
            boolean scripting = mode == 0;
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", !scripting));
            proxy.clear();
            driver.get(pages.url(path));
            new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> "complete".equals(
                    ((JavascriptExecutor) d).executeScript("return document.readyState")));
            Object answer = driver.executeScript(VERDICT + "return embedConsentLoads(document);");
            dom[mode] = Boolean.TRUE.equals(answer);
            contacted[mode] = !proxy.contacted(List.of("youtube.com", "*.youtube.com")).isEmpty();
        }
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        return new Navigated(new Verdict(dom[0], dom[1]), new Verdict(contacted[0], contacted[1]));
    }

    private static Map<String, String> needlessList() {
        Map<String, String> list = new LinkedHashMap<>();
        try (var in = ChromiumCorpusIT.class.getResourceAsStream("/chromium-corpus-needless.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource chromium-corpus-needless.txt");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    String[] parts = entry.split("\\s+", 2);
                    list.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }

    /** Lists the needless rewrites with their inputs in {@code target/chromium-corpus-needless.txt}. */
    private static void writeReport(String report) {
        try {
            Files.writeString(Path.of("target/chromium-corpus-needless.txt"), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.getLogger(ChromiumCorpusIT.class.getName()).log(System.Logger.Level.WARNING, "no report", e);
        }
    }

    private static String escape(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The batch judge itself on inputs whose verdict the HTML standard settles. */
    @Test
    @Order(0)
    void batchJudgesKnownCases() {
        Map<String, Verdict> expected = new LinkedHashMap<>();
        expected.put(IFRAME, new Verdict(true, true));
        expected.put("<!DOCTYPE html><p>" + IFRAME, new Verdict(true, true));
        expected.put("<noscript>" + IFRAME + "</noscript>", new Verdict(false, true));
        expected.put("<head><noscript>" + IFRAME + "</noscript></head>", new Verdict(false, true));
        expected.put("<template>" + IFRAME + "</template>", new Verdict(false, false));
        expected.put("<svg>" + IFRAME + "</svg>", new Verdict(false, false));
        expected.put("<math>" + IFRAME + "</math>", new Verdict(false, false));
        expected.put("<svg><foreignObject>" + IFRAME + "</foreignObject></svg>", new Verdict(true, true));
        expected.put("<textarea>" + IFRAME + "</textarea>", new Verdict(false, false));
        expected.put("<frameset></frameset>" + IFRAME, new Verdict(false, false));
        expected.put("<script>document.write('<ifr' + 'ame src=\"" + SRC + "\"></iframe>')</script>",
                new Verdict(true, false));
        expected.put("<!-- " + IFRAME + " -->", new Verdict(false, false));
        // Inserted, then replaced by a copy of the selected option: the frame was connected, its navigation started.
        expected.put("<select><button><selectedcontent>" + IFRAME + "</button><option>X", new Verdict(true, true));
        expected.put("<select><option>" + IFRAME + "</select>", new Verdict(true, true));
        List<String> docs = new ArrayList<>(expected.keySet());
        List<Verdict> verdicts = batch(docs);
        Map<String, Verdict> actual = new LinkedHashMap<>();
        for (int k = 0; k < docs.size(); k++) {
            actual.put(docs.get(k), verdicts.get(k));
        }
        assertEquals(expected, actual);
    }

    @Test
    @Order(2)
    void batchAgreesWithNavigation() {
        // A seeded random sample, plus every input where scripting changes the batch verdict (noscript), every listed
        // needless rewrite of the rarer reasons and a few of each common one: where the batch says Chromium would
        // not load what the rewriter changed, navigation must say so too.
        List<Input> shuffled = new ArrayList<>(inputs);
        Collections.shuffle(shuffled, new Random(13));
        List<Input> sample = new ArrayList<>(shuffled.subList(0, Math.min(SAMPLE, shuffled.size())));
        List<Verdict> all = corpusVerdicts();
        for (int i = 0; i < inputs.size(); i++) {
            if (all.get(i).scripting() != all.get(i).noScripting() && !sample.contains(inputs.get(i))) {
                sample.add(inputs.get(i));
            }
        }
        Map<String, Integer> perReason = new java.util.HashMap<>();
        for (Input input : shuffled) {
            String reason = NEEDLESS.get(input.key());
            if (reason == null || sample.contains(input)) {
                continue;
            }
            int limit = Set.of("frameset", "template").contains(reason) ? 5 : 20;
            if (perReason.merge(reason, 1, Integer::sum) <= limit) {
                sample.add(input);
            }
        }
        long began = System.nanoTime();
        List<Navigated> navigated = new ArrayList<>();
        for (int n = 0; n < sample.size(); n++) {
            navigated.add(navigate(sample.get(n).text(), n));
        }
        long navigationMillis = (System.nanoTime() - began) / 1_000_000;
        List<Verdict> batched = sample.stream().map(input -> all.get(inputs.indexOf(input))).toList();
        List<String> disagreements = new ArrayList<>();
        int loading = 0;
        int domAgrees = 0;
        for (int n = 0; n < sample.size(); n++) {
            Navigated nav = navigated.get(n);
            loading += nav.contacted().loads() ? 1 : 0;
            // The batch verdict must be what the browser did on navigation: connect to YouTube or not, in each mode.
            if (!nav.contacted().equals(batched.get(n))) {
                disagreements.add(sample.get(n).key() + " navigation contacted " + nav.contacted() + ", batch says "
                        + batched.get(n));
            }
            // The DOM after navigation only misses frames that were inserted and removed again.
            if (nav.contacted().equals(nav.verdict())) {
                domAgrees++;
            }
        }
        System.out.printf("chromium oracle sample: %d inputs, %d contact YouTube when navigated to; the batch verdict "
                + "agrees with the connections on %d, the DOM after navigation on %d; navigation %d ms (both modes)%n",
                sample.size(), loading, sample.size() - disagreements.size(), domAgrees, navigationMillis);
        assertTrue(loading > 0 && loading < sample.size(), "sample without both outcomes: " + loading);
        assertEquals(List.of(), disagreements);
    }

    @Test
    @Order(1)
    void rewriterFollowsChromium() {
        long began = System.nanoTime();
        List<byte[]> outputs = new ArrayList<>(inputs.size());
        List<String> changedOutputs = new ArrayList<>();
        List<Integer> changedIndex = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            byte[] in = inputs.get(i).text().getBytes(StandardCharsets.UTF_8);
            byte[] out = Rewrites.rewrite(Rewrites.DEFAULT, in, UTF8, null);
            outputs.add(out);
            if (!Arrays.equals(in, out)) {
                changedOutputs.add(new String(out, StandardCharsets.UTF_8));
                changedIndex.add(i);
            }
        }
        long rewritten = System.nanoTime();
        List<Verdict> verdicts = corpusVerdicts();
        long judged = System.nanoTime();
        List<Verdict> outputVerdicts = batch(changedOutputs);
        System.out.printf("chromium oracle timing: rewriting %d ms, judging inputs %d ms, outputs %d ms%n",
                (rewritten - began) / 1_000_000, (judged - rewritten) / 1_000_000,
                (System.nanoTime() - judged) / 1_000_000);
        int loads = 0;
        int loadsWithoutScripting = 0;
        List<String> leaks = new ArrayList<>();
        Set<String> needless = new TreeSet<>();
        int changedAt = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            Verdict verdict = verdicts.get(i);
            boolean changed = changedAt < changedIndex.size() && changedIndex.get(changedAt) == i;
            Verdict after = changed ? outputVerdicts.get(changedAt++) : verdict;
            if (verdict.loads()) {
                loads++;
                loadsWithoutScripting += verdict.scripting() ? 0 : 1;
            }
            if (after.loads()) {
                leaks.add(input.key() + " " + after + ": " + input.text());
            } else if (changed && !verdict.loads()) {
                needless.add(input.key());
                report.append(input.key()).append('\t').append(escape(input.text())).append('\n');
            }
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        writeReport(report.toString());
        Set<String> newNeedless = new TreeSet<>(needless);
        newNeedless.removeAll(NEEDLESS.keySet());
        Set<String> goneNeedless = new TreeSet<>(NEEDLESS.keySet());
        goneNeedless.removeAll(needless);
        System.out.printf("chromium oracle: %d inputs, %d where Chromium loads the frame (%d only without scripting), "
                + "%d rewritten, %d leaks, %d needless rewrites (%d listed); %d ms%n", inputs.size(), loads,
                loadsWithoutScripting, changedIndex.size(), leaks.size(), needless.size(), NEEDLESS.size(), millis);
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        for (String key : needless) {
            reasons.merge(NEEDLESS.getOrDefault(key, "not listed"), 1, Integer::sum);
        }
        System.out.println("chromium oracle: needless rewrites by reason: " + reasons);
        for (String key : newNeedless) {
            System.out.println("needless rewrite: " + key);
        }
        assertTrue(inputs.size() > 3000, "corpus too small: " + inputs.size());
        assertTrue(loads > inputs.size() / 4, "too few loading inputs: " + loads);
        assertEquals(List.of(), leaks.subList(0, Math.min(20, leaks.size())), leaks.size() + " leaks");
        assertEquals(Set.of(), newNeedless, "needless rewrites not listed");
        assertEquals(Set.of(), goneNeedless, "listed needless rewrites that are gone (remove them from NEEDLESS)");
    }
}

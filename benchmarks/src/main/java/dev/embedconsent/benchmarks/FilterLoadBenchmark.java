package dev.embedconsent.benchmarks;

import dev.embedconsent.html.FoundEmbed;
import dev.embedconsent.preview.PreviewFetcher;
import dev.embedconsent.preview.UpstreamClient;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.servlet.EmbedConsentConfig;
import dev.embedconsent.servlet.EmbedConsentFilter;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The servlet filter under load: ONE servlet serving fixed pages ({@link PageServlet}, like a static file servlet)
 * mapped at {@code /plain/*} and at {@code /filtered/*}, with {@link EmbedConsentFilter} (previews off) mapped only on
 * {@code /filtered/*}, in embedded Jetty 12 and Tomcat 11 on {@code 127.0.0.1}. Each page is driven over loopback
 * with a fixed number of keep-alive connections, closed loop, for a warm-up and then a measured period, first without
 * the filter, then with it; it prints responses/s and latency percentiles side by side with the ratio
 * filtered/unfiltered, as a Markdown table. A second part measures the time to the first body byte of a 5 MB page
 * written slowly (64 KB writes, each flushed, with a pause between), with and without the filter, one request at a
 * time.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.embedconsent.benchmarks.FilterLoadBenchmark \
 *     [--container jetty|tomcat|both] [--connections 16] [--seconds 10] [--warmup 5] \
 *     [--pages embeds,plain,big[,embeds-previews,embeds-writer,embeds-cookie,plain-cookie,embeds-nolength,
 *     plain-nolength]] \
 *     [--client auto|wrk|java] [--rounds 1] [--chunk 8192] [--ttfb 20] [--slow-pause 2] \
 *     [--only unfiltered|filtered] [--filter-warm-up 5s|off] [--filter-rewrite-cache 16MB|off] [--verbose]
 * }</pre>
 *
 * <ul>
 *   <li>Pages ({@link LoadPages}): {@code embeds} the bundled ~93 KB news page with seven embeds; {@code plain} the
 *       same size without any embed; {@code big} about 5 MB, the page's {@code <main>} repeated;
 *       {@code embeds-previews} the embeds page through a second filter with previews on (every still seeded, so
 *       nothing is fetched), mapped on {@code /previews/*}; {@code embeds-writer} the embeds page written through
 *       {@code getWriter()}; {@code embeds-cookie} and {@code plain-cookie} those pages requested with a consent
 *       cookie ("always allow" YouTube, taken from the filter's endpoint at start; both sides send it), so that
 *       every request verifies it and looks the consent up in the store; {@code embeds-nolength} and
 *       {@code plain-nolength} those pages without {@code Content-Length} (the filter's look-ahead path, as for a
 *       page rendered by a template engine); {@code none} for the time to first byte
 *       only.</li>
 *   <li>{@code --client}: {@code wrk} runs Debian's {@code wrk --latency} (its own process); {@code java} a load
 *       generator in this JVM (a thread per connection, {@link Http1Connection}); {@code auto} (default) wrk when it
 *       is on the PATH.</li>
 *   <li>{@code --chunk}: the servlet's write size in bytes, 0 for one write of the whole page; default 8192, what
 *       {@code InputStream.transferTo} uses on Java 17.</li>
 *   <li>{@code --ttfb}: requests per side for the slow-page check, 0 to skip; {@code --slow-pause} its pause in ms
 *       between 64 KB writes.</li>
 *   <li>{@code --rounds}: how often each side is measured, alternating; the table shows the round with the
 *       median responses/s, which tames a machine that is busy now and then.</li>
 *   <li>{@code --filter-warm-up}: the filter's {@code warm-up} option (its default when not given); the warm-up
 *       happens once per JVM, at the first filter's start, before any load.</li>
 *   <li>{@code --filter-rewrite-cache}: the filters' {@code rewrite-cache} option (its default when not given);
 *       {@code off} measures the rewrite of every response, as for pages that differ on each request.</li>
 *   <li>{@code --only}: measure one side only (e.g. to profile {@code --only filtered --pages embeds}).</li>
 * </ul>
 *
 * <p>Client and server share the machine's cores, so the absolute figures are what is left after the client; the
 * ratios are what to compare. Not part of the build's tests.
 */
public final class FilterLoadBenchmark {
    /** A 1x1 PNG, the still every seeded preview shows. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC");
    /** A cookie key of the run (none configured would generate one into the data directory, with a warning). */
    private static final String KEYS = "load:" + Base64.getUrlEncoder().withoutPadding()
            .encodeToString(new SecureRandom().generateSeed(32));
    private static final List<String> ALL_PAGES =
            List.of("embeds", "plain", "big", "embeds-previews", "embeds-writer", "embeds-cookie", "plain-cookie",
                    "embeds-nolength", "plain-nolength");

    private final Map<String, String> options;
    private final LoadPages pages;
    private final LoadGenerator client;
    private final int connections;
    private final int seconds;
    private final int warmup;
    private final int ttfbRequests;
    private final String only;
    private final int rounds;

    private FilterLoadBenchmark(Map<String, String> options) {
        this.options = options;
        this.pages = LoadPages.build();
        this.connections = Integer.parseInt(options.get("connections"));
        this.seconds = Integer.parseInt(options.get("seconds"));
        this.warmup = Integer.parseInt(options.get("warmup"));
        this.ttfbRequests = Integer.parseInt(options.get("ttfb"));
        this.only = options.get("only");
        this.rounds = Integer.parseInt(options.get("rounds"));
        this.client = switch (options.get("client")) {
            case "wrk" -> new LoadGenerator.Wrk();
            case "java" -> new LoadGenerator.Java();
            case "auto" -> LoadGenerator.wrkAvailable() ? new LoadGenerator.Wrk() : new LoadGenerator.Java();
            default -> throw new IllegalArgumentException("--client is auto, wrk or java");
        };
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (!options.containsKey("verbose")) {
            Logger.getLogger("").setLevel(Level.WARNING);
        }
        new FilterLoadBenchmark(options).run();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("container", "both");
        o.put("connections", "16");
        o.put("seconds", "10");
        o.put("warmup", "5");
        o.put("pages", "embeds,plain,big");
        o.put("client", "auto");
        o.put("chunk", "8192");
        o.put("ttfb", "20");
        o.put("slow-pause", "2");
        o.put("rounds", "1");
        o.put("filter-warm-up", "default");
        o.put("filter-rewrite-cache", "default");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "; see the javadoc of "
                        + FilterLoadBenchmark.class.getName());
            }
            String name = a.substring(2);
            if (name.equals("verbose")) {
                o.put(name, "true");
            } else if (name.equals("only") || o.containsKey(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + a + "; known: " + o.keySet()
                        + ", --only, --verbose");
            }
        }
        return o;
    }

    private void run() throws Exception {
        List<String> containers = options.get("container").equals("both")
                ? List.of("jetty", "tomcat") : List.of(options.get("container"));
        List<String> cases = options.get("pages").equals("none") ? List.of()
                : List.of(options.get("pages").split(","));
        for (String c : cases) {
            if (!ALL_PAGES.contains(c)) {
                throw new IllegalArgumentException("unknown page " + c + "; known: " + ALL_PAGES);
            }
        }
        System.out.printf(Locale.ROOT, "# FilterLoadBenchmark: %d cores shared by server and client, %s %s, "
                        + "max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "# client: %s; %d connections; %d s warm-up + %d s measured per side, "
                        + "%d round(s) alternating, the median round shown; servlet writes of %s bytes; "
                        + "pages: embeds %d B, plain %d B, big %d B%n",
                client.describe(), connections, warmup, seconds, rounds, options.get("chunk"), pages.embeds.length,
                pages.plain.length, pages.big.length);
        Path work = Files.createTempDirectory("embed-consent-load");
        try {
            for (String container : containers) {
                runContainer(container, cases, work.resolve(container));
            }
        } finally {
            deleteTree(work);
        }
    }

    private void runContainer(String containerName, List<String> cases, Path work) throws Exception {
        Map<String, Filter> filters = new LinkedHashMap<>();
        EmbedConsentConfig.Builder filterConfig = EmbedConsentFilter.builder()
                .dataDirectory(Files.createDirectories(work.resolve("data")))
                .hmacKeys(KEYS)
                .basePath("/filtered/embed-consent")
                .previews(false);
        if (!options.get("filter-warm-up").equals("default")) {
            filterConfig.option("warm-up", options.get("filter-warm-up"));
        }
        if (!options.get("filter-rewrite-cache").equals("default")) {
            filterConfig.option("rewrite-cache", options.get("filter-rewrite-cache"));
        }
        filters.put("/filtered", filterConfig.build());
        if (cases.contains("embeds-previews")) {
            filters.put("/previews", previewFilter(Files.createDirectories(work.resolve("data-previews"))));
        }
        List<String> prefixes = new ArrayList<>(List.of("/plain"));
        prefixes.addAll(filters.keySet());
        PageServlet servlet = new PageServlet(pages, Integer.parseInt(options.get("chunk")),
                Long.parseLong(options.get("slow-pause")));
        LoadServer server = LoadServer.named(containerName);
        try {
            int port = server.start(servlet, prefixes, filters, work);
            System.out.printf(Locale.ROOT, "%n## %s%n%n", server.version());
            System.out.println("| page | unfiltered resp/s | p50 ms | p99 ms | p99.9 ms | filtered resp/s | p50 ms "
                    + "| p99 ms | p99.9 ms | resp/s filtered/unfiltered | p50 ratio | p99 ratio | errors "
                    + "| server CPU µs/resp unfiltered | filtered | added |");
            System.out.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            String cookie = cases.stream().anyMatch(c -> c.endsWith("-cookie")) ? consentCookie(port) : null;
            for (String c : cases) {
                String page = c.substring(0, c.indexOf('-') < 0 ? c.length() : c.indexOf('-'));
                String query = c.equals("embeds-writer") ? "?writer" : c.endsWith("-nolength") ? "?nolength" : "";
                String filteredPrefix = c.equals("embeds-previews") ? "/previews" : "/filtered";
                String header = c.endsWith("-cookie") ? "Cookie: " + cookie : null;
                List<LoadGenerator.Result> plain = new ArrayList<>();
                List<LoadGenerator.Result> filtered = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    if (!"filtered".equals(only)) {
                        plain.add(client.run(port, "/plain/" + page + query, header, connections, warmup, seconds));
                    }
                    if (!"unfiltered".equals(only)) {
                        filtered.add(client.run(port, filteredPrefix + "/" + page + query, header, connections,
                                warmup, seconds));
                    }
                }
                System.out.println(row(c, median(plain), median(filtered)));
            }
            if (ttfbRequests > 0) {
                ttfb(port);
            }
        } finally {
            server.stop();
        }
    }

    /**
     * A consent cookie as a visitor gets it, from the filter's own endpoint: "always allow" for YouTube, so the
     * pages are rendered for a visitor with standing consent (the YouTube embed stays, the others are replaced).
     */
    private static String consentCookie(int port) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/filtered/embed-consent/consent"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"provider\":\"youtube\",\"decision\":\"grant\","
                        + "\"scope\":\"provider\",\"page\":\"/filtered/embeds\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String cookie = answer.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith("ec_consent="))
                .map(v -> v.substring(0, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new IOException("no consent cookie from the endpoint: " + answer.statusCode()
                        + " " + answer.body()));
        return cookie;
    }

    /** Of several rounds, the one with the median responses/s (all of it, so its figures belong together). */
    private static LoadGenerator.Result median(List<LoadGenerator.Result> rounds) {
        if (rounds.isEmpty()) {
            return null;
        }
        List<LoadGenerator.Result> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(LoadGenerator.Result::perSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The second filter, previews on: every still of the embeds page seeded, an upstream that resolves nothing. */
    private Filter previewFilter(Path data) {
        ProviderCatalogue catalogue = ProviderCatalogue.builtIn();
        EmbedConsentConfig.Builder builder = EmbedConsentFilter.builder()
                .dataDirectory(data)
                .hmacKeys(KEYS)
                .previews(true)
                .previewDiskSize(0)
                .previewClient(UpstreamClient.builder().resolver(host -> {
                    throw new UnknownHostException(host);
                }).build());
        int seeded = 0;
        for (FoundEmbed embed : LoadPages.found(pages.embeds)) {
            Provider provider = catalogue.get(embed.provider()).orElse(null);
            if (provider != null && PreviewFetcher.hasPreview(provider, embed.url())) {
                builder.seedPreview(provider.id(), embed.url(), PNG, "A still");
                seeded++;
            }
        }
        if (seeded == 0) {
            throw new IllegalStateException("the embeds page has no embed with a preview");
        }
        return builder.build();
    }

    private static String row(String page, LoadGenerator.Result plain, LoadGenerator.Result filtered) {
        long errors = (plain == null ? 0 : plain.errors()) + (filtered == null ? 0 : filtered.errors());
        double cpuPlain = plain == null ? Double.NaN : plain.serverCpuMicros();
        double cpuFiltered = filtered == null ? Double.NaN : filtered.serverCpuMicros();
        return String.format(Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |",
                page,
                plain == null ? "-" : fmt(plain.perSecond(), 0), plain == null ? "-" : fmt(plain.p50(), 2),
                plain == null ? "-" : fmt(plain.p99(), 2), plain == null ? "-" : fmt(plain.p999(), 2),
                filtered == null ? "-" : fmt(filtered.perSecond(), 0), filtered == null ? "-" : fmt(filtered.p50(), 2),
                filtered == null ? "-" : fmt(filtered.p99(), 2), filtered == null ? "-" : fmt(filtered.p999(), 2),
                ratio(plain, filtered, LoadGenerator.Result::perSecond),
                ratio(plain, filtered, LoadGenerator.Result::p50),
                ratio(plain, filtered, LoadGenerator.Result::p99),
                errors, fmt(cpuPlain, 0), fmt(cpuFiltered, 0), fmt(cpuFiltered - cpuPlain, 0));
    }

    private static String ratio(LoadGenerator.Result plain, LoadGenerator.Result filtered,
            java.util.function.ToDoubleFunction<LoadGenerator.Result> metric) {
        if (plain == null || filtered == null) {
            return "-";
        }
        return fmt(metric.applyAsDouble(filtered) / metric.applyAsDouble(plain), 2);
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * Time to the first body byte of the slowly written 5 MB page, with and without the filter: one connection, one
     * request at a time, the two sides alternating, after a few unmeasured pairs.
     */
    private void ttfb(int port) throws IOException {
        byte[] plainRequest = Http1Connection.request("/plain/slow", null);
        byte[] filteredRequest = Http1Connection.request("/filtered/slow", null);
        int warm = 3;
        long[][] first = new long[2][ttfbRequests];
        long[][] whole = new long[2][ttfbRequests];
        long[] bytes = new long[2];
        try (Http1Connection c = new Http1Connection("127.0.0.1", port)) {
            for (int i = -warm; i < ttfbRequests; i++) {
                for (int side = 0; side < 2; side++) {
                    long begin = System.nanoTime();
                    c.exchange(side == 0 ? plainRequest : filteredRequest);
                    long end = System.nanoTime();
                    if (c.status != 200) {
                        throw new IOException("slow page answered " + c.status);
                    }
                    if (i >= 0) {
                        first[side][i] = c.firstBodyNanos - begin;
                        whole[side][i] = end - begin;
                        bytes[side] = c.bodyBytes;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nSlowly written big page (%d B in %d KB writes, each flushed, %s ms apart), "
                        + "%d requests per side, one at a time, medians:%n%n", pages.big.length,
                PageServlet.SLOW_CHUNK / 1024, options.get("slow-pause"), ttfbRequests);
        System.out.println("| | first body byte ms | whole response ms | body bytes |");
        System.out.println("|---|--:|--:|--:|");
        String[] names = {"unfiltered", "filtered"};
        for (int side = 0; side < 2; side++) {
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %d |%n", names[side], median(first[side]),
                    median(whole[side]), bytes[side]);
        }
        System.out.printf(Locale.ROOT, "| filtered - unfiltered | %+.2f | %+.1f | |%n",
                median(first[1]) - median(first[0]), median(whole[1]) - median(whole[0]));
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

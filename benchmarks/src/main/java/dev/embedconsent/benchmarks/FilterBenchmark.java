package dev.embedconsent.benchmarks;

import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.servlet.EmbedConsentFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The filter's cost per response, in process and side by side with what it has to do anyway: the real
 * {@link EmbedConsentFilter#doFilter} path around a servlet that writes the page like a static file servlet
 * ({@code Content-Length}, {@code getOutputStream()}, 8 KB writes, as {@link PageServlet}), against the same servlet
 * without the filter and against the bare rewrite of the same bytes.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar FilterBenchmark -prof gc
 * java -jar benchmarks/target/benchmarks.jar FilterBenchmark -p page=embeds -p length=declared -f 1 -wi 3 -w 1 -i 5 -r 1
 * }</pre>
 *
 * <ul>
 *   <li>{@code unfiltered}: the servlet alone, writing into the "container" ({@link BenchServlets.Response}, whose
 *       output is a reusable in-memory sink): what any response costs here;</li>
 *   <li>{@code filtered}: the filter around the same servlet; {@code filtered - unfiltered} is the filter's added
 *       cost per response;</li>
 *   <li>{@code rewrite}: the bare rewrite of the page, written in one piece, as {@code RewriteBenchmark.rewrite},
 *       with a rewriter and page context set up as the filter sets them up;</li>
 *   <li>{@code rewriteChunked}: the same in the servlet's 8 KB writes, which is how the filter feeds the rewriter.</li>
 * </ul>
 *
 * {@code page}: {@code embeds} (the bundled 93 KB page, seven embeds) or {@code plain} (the same without any embed,
 * the same length); see {@link LoadPages}. The container objects are minimal hand-written ones
 * ({@link BenchServlets}); any servlet method they do not implement throws, so the filter's path is all here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class FilterBenchmark {
    private static final int CHUNK = 8192;
    private static final String PREFIX = "/filtered";

    @Param({"embeds", "plain"})
    public String page;

    /**
     * {@code declared}: the servlet sets {@code Content-Length}, like a static file servlet (a page longer than the
     * look-ahead then skips it); {@code unknown}: it does not, like most pages rendered by a template engine (the
     * filter holds the first 32 KB in its look-ahead, then streams).
     */
    @Param({"declared", "unknown"})
    public String length;

    /**
     * The filter's {@code rewrite-cache}: {@code off} by default, since this benchmark compares the filter with the
     * bare rewrite of the same page ({@code -p rewriteCache=16MB} measures replays of the kept rewrite instead).
     */
    @Param({"off"})
    public String rewriteCache = "off";

    private byte[] input;
    private Path data;
    private EmbedConsentFilter filter;
    private BenchServlets.Request request;
    private BenchServlets.Response response;
    private FilterChain servlet;
    private EmbedRewriter rewriter;
    private PageContext context;
    private BenchServlets.Sink out;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ServletException {
        LoadPages pages = LoadPages.build();
        input = pages.get(page);
        data = Files.createTempDirectory("embed-consent-filter-bench");
        filter = EmbedConsentFilter.builder()
                .dataDirectory(data)
                .hmacKeys(CookieKey.generate("bench").toConfig())
                .basePath(PREFIX + "/embed-consent")
                .previews(false)
                .option("rewrite-cache", rewriteCache)
                .build();
        ServletContext servletContext = BenchServlets.context("");
        filter.init(BenchServlets.filterConfig(servletContext));
        request = new BenchServlets.Request("GET", "", PREFIX, "/" + page, "localhost");
        response = new BenchServlets.Response();
        byte[] body = input;
        boolean declared = switch (length) {
            case "declared" -> true;
            case "unknown" -> false;
            default -> throw new IllegalArgumentException("length is declared or unknown, not " + length);
        };
        servlet = (req, res) -> {
            jakarta.servlet.http.HttpServletResponse r = (jakarta.servlet.http.HttpServletResponse) res;
            r.setContentType("text/html;charset=utf-8");
            if (declared) {
                r.setContentLength(body.length);
            }
            jakarta.servlet.ServletOutputStream o = r.getOutputStream();
            for (int off = 0; off < body.length; off += CHUNK) {
                o.write(body, off, Math.min(CHUNK, body.length - off));
            }
        };
        // The rewriter and page context the filter builds for this request (ConsentRuntime), set up the same way.
        rewriter = EmbedRewriter.builder()
                .placeholders(PlaceholderRenderer.builder().basePath(PREFIX + "/embed-consent").build())
                .build();
        context = new PageContext(StandardCharsets.UTF_8, null, Set.of(), PREFIX + "/" + page, EmbedListener.NONE,
                null, "localhost");
        out = new BenchServlets.Sink(1 << 20);
        check();
    }

    /** The filter really rewrites (or, for {@code plain}, passes the page unchanged but still through the rewriter). */
    private void check() throws IOException, ServletException {
        int filteredBytes = filtered();
        byte[] filteredBody = response.sink().toByteArray();
        int rewrittenBytes = rewrite();
        byte[] rewritten = out.toByteArray();
        if (!java.util.Arrays.equals(filteredBody, rewritten)) {
            throw new IllegalStateException("the filter's body (" + filteredBytes + " B) differs from the bare rewrite ("
                    + rewrittenBytes + " B)");
        }
        if (rewriteChunked() != rewrittenBytes || unfiltered() != input.length) {
            throw new IllegalStateException("chunked rewrite or pass-through differ in length");
        }
        if (page.equals("embeds") == (filteredBytes == input.length)) {
            throw new IllegalStateException("unexpected output length " + filteredBytes + " for " + page);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        filter.destroy();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public int unfiltered() throws IOException, ServletException {
        request.recycle();
        response.recycle();
        servlet.doFilter(request, response);
        response.complete();
        return response.sink().size();
    }

    @Benchmark
    public int filtered() throws IOException, ServletException {
        request.recycle();
        response.recycle();
        filter.doFilter(request, response, servlet);
        response.complete();
        return response.sink().size();
    }

    @Benchmark
    public int rewrite() throws IOException {
        out.reset();
        try (RewriteSession session = rewriter.open(out, context)) {
            session.write(input, 0, input.length);
        }
        return out.size();
    }

    @Benchmark
    public int rewriteChunked() throws IOException {
        out.reset();
        try (RewriteSession session = rewriter.open(out, context)) {
            for (int off = 0; off < input.length; off += CHUNK) {
                session.write(input, off, Math.min(CHUNK, input.length - off));
            }
        }
        return out.size();
    }
}

package dev.embedconsent.benchmarks;

import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.FoundEmbed;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.preview.PreviewFetcher;
import dev.embedconsent.preview.PreviewService;
import dev.embedconsent.preview.UpstreamClient;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Rewriting one page, against jsoup parse + serialize and a plain byte copy, over the same bytes into the same
 * reusable output stream.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RewriteBenchmark -prof gc
 * java -jar benchmarks/target/benchmarks.jar RewriteBenchmark -p page=/path/to/page.html
 * }</pre>
 *
 * {@code page} is a path to an HTML file; {@code bundled} means the bundled ~93 KB news page with seven embeds
 * (twelve elements neutralized, counting loader scripts and resource hints).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class RewriteBenchmark {

    @Param("bundled")
    public String page;

    private byte[] input;
    private EmbedRewriter rewriter;
    private EmbedRewriter withPreviews;
    private PreviewService previews;
    private PageContext context;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    @Setup
    public void setUp() throws IOException {
        input = page.equals("bundled") ? bundledPage() : Files.readAllBytes(Path.of(page));
        rewriter = EmbedRewriter.withDefaults();
        context = PageContext.defaults();
        withPreviews = previewRewriter();
    }

    /**
     * A rewriter whose placeholders show previews, every one of the page's stills already cached (the steady state of
     * a site): what previews add to a render is looking them up and signing their URLs. Its upstream client resolves
     * nothing, so a benchmark never touches the network.
     */
    private EmbedRewriter previewRewriter() throws IOException {
        ProviderCatalogue catalogue = ProviderCatalogue.builtIn();
        previews = PreviewService.builder(catalogue, List.of(CookieKey.generate("bench")))
                .client(UpstreamClient.builder().resolver(host -> {
                    throw new UnknownHostException(host);
                }).build())
                .build();
        byte[] png = Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC");
        List<FoundEmbed> found = new ArrayList<>();
        EmbedRewriter.withDefaults().rewrite(new ByteArrayInputStream(input), OutputStream.nullOutputStream(),
                new PageContext(null, null, Set.of(), "/", found::add, null));
        int seeded = 0;
        for (FoundEmbed embed : found) {
            Provider provider = catalogue.get(embed.provider()).orElse(null);
            if (provider != null && PreviewFetcher.hasPreview(provider, embed.url())) {
                previews.seed(provider.id(), embed.url(), png, null);
                seeded++;
            }
        }
        if (seeded == 0 && page.equals("bundled")) {
            throw new IllegalStateException("the bundled page has no embed with a preview");
        }
        return EmbedRewriter.builder()
                .catalogue(catalogue)
                .placeholders(PlaceholderRenderer.builder().previews(previews).build())
                .build();
    }

    @TearDown
    public void tearDown() {
        previews.close();
    }

    static byte[] bundledPage() {
        try (InputStream in = RewriteBenchmark.class.getResourceAsStream("page.html")) {
            if (in == null) {
                throw new IllegalStateException("bundled page.html missing from the benchmarks jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    public int rewriteWithPreviews() throws IOException {
        out.reset();
        try (RewriteSession session = withPreviews.open(out, context)) {
            session.write(input, 0, input.length);
        }
        return out.size();
    }

    @Benchmark
    public int jsoupParseSerialize() {
        out.reset();
        Document doc = Jsoup.parse(new String(input, StandardCharsets.UTF_8));
        byte[] html = doc.outerHtml().getBytes(StandardCharsets.UTF_8);
        out.write(html, 0, html.length);
        return out.size();
    }

    @Benchmark
    public int copy() {
        out.reset();
        out.write(input, 0, input.length);
        return out.size();
    }
}

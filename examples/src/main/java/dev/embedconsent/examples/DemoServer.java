package dev.embedconsent.examples;

import dev.embedconsent.servlet.EmbedConsentFilter;
import dev.embedconsent.servlet.RenderConsented;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The demo site on embedded Jetty 12 (ee10), with {@link EmbedConsentFilter} registered programmatically in front of
 * {@link SitePagesServlet}.
 *
 * <pre>{@code
 * bin/embed-consent demo --port 8080 --data ./embed-consent-data
 * try (DemoServer demo = DemoServer.start(new DemoOptions("127.0.0.1", 0, dataDir))) {
 *     URI home = demo.uri("/");
 * }
 * }</pre>
 *
 * Pages: {@code /} (the Centre's offices with the delegation-visit video), {@code /gallery} (one embed of every
 * built-in provider), {@code /strict} (the same under a strict CSP) and the filter's {@code /embed-consent/settings}.
 */
public final class DemoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());

    private final Server server;
    private final ServerConnector connector;
    private final DemoOptions options;

    private DemoServer(Server server, ServerConnector connector, DemoOptions options) {
        this.server = server;
        this.connector = connector;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(List.of(args), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("embed-consent demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        DemoServer demo = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        System.out.println("Embed Consent demo running at " + demo.uri("/")
                + "  (consent records in " + options.dataDirectory().toAbsolutePath() + ", Ctrl+C to stop)");
        demo.server.join();
    }

    /** The demo video's embed URL, as on the home page. */
    public static final String VIDEO_URL = "https://www.youtube.com/embed/kU1_gDqGmQk?si=ecmiDemoVisit";
    /** The demo video's title. */
    public static final String VIDEO_TITLE = "Ukrainian representatives visit the ECMI in Flensburg";

    /**
     * The filter the demo registers: a JSON Lines store in the data directory, CSP nonces from the strict page, and
     * the project's own preview picture for the delegation-visit video seeded into the preview cache, so the demo
     * shows a preview without any network (a provider's image is never shipped).
     */
    public static EmbedConsentFilter filter(Path dataDirectory) {
        return filter(dataDirectory, RenderConsented.SERVER);
    }

    /** The demo's filter with the given {@code render-consented} mode. */
    public static EmbedConsentFilter filter(Path dataDirectory, RenderConsented mode) {
        return EmbedConsentFilter.builder()
                .dataDirectory(dataDirectory)
                .renderConsented(mode)
                .cspNonceAttribute(StrictCspFilter.NONCE_ATTRIBUTE)
                .seedPreview("youtube", VIDEO_URL, demoPreview(), VIDEO_TITLE)
                .build();
    }

    /** The delegation-visit still the project drew itself ({@code examples/tools/DemoPreviewImage.java}). */
    static byte[] demoPreview() {
        try (InputStream in = DemoServer.class.getResourceAsStream("site/delegation-visit-preview.jpg")) {
            if (in == null) {
                throw new IllegalStateException("site/delegation-visit-preview.jpg is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's preview picture", e);
        }
    }

    /** Starts the site; close it to stop. */
    public static DemoServer start(DemoOptions options) throws Exception {
        return start(options, RenderConsented.SERVER);
    }

    /** Starts the site with the given {@code render-consented} mode; close it to stop. */
    public static DemoServer start(DemoOptions options, RenderConsented mode) throws Exception {
        Objects.requireNonNull(options, "options");
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR);
        context.addFilter(new FilterHolder(new StrictCspFilter()), "/strict", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(filter(options.dataDirectory(), mode)), "/*", dispatches);
        context.addServlet(new ServletHolder("site", new SitePagesServlet()), "/");
        server.setHandler(context);
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        DemoServer demo = new DemoServer(server, connector, options);
        LOG.log(System.Logger.Level.INFO, "demo listening on {0}", demo.uri("/"));
        return demo;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public DemoOptions options() {
        return options;
    }

    /** An absolute URI on this server, e.g. {@code uri("/gallery")}. */
    public URI uri(String path) {
        String host = options.host().equals("0.0.0.0") ? "localhost" : options.host();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + path);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "demo server did not stop cleanly", e);
        }
    }
}

package dev.embedconsent.servlet.soak;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.embedconsent.servlet.EmbedConsentFilter;
import dev.embedconsent.servlet.RateLimit;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One application node of {@link MultiNodeSoakIT}, run in a JVM of its own: embedded Jetty 12 (ee10) serving news
 * pages with three embeds, behind {@link EmbedConsentFilter} on the PostgreSQL store, configured as a site that runs
 * several nodes configures it: the application's pooled {@code DataSource} (HikariCP) and the cookie keys every node
 * shares, from the environment ({@code hmac-key=env:EMBED_CONSENT_KEY}).
 *
 * <pre>{@code
 * java -cp ... dev.embedconsent.servlet.soak.SoakNode PORT SCHEMA NAME    # PORT 0: any free port
 * }</pre>
 *
 * <p>The database comes from {@code EMBEDCONSENT_PG_URL}, {@code _USER} and {@code _PASSWORD}; the store's tables
 * live in {@code SCHEMA} ({@code currentSchema} of the JDBC URL). Two options differ from the defaults, both because
 * of the test, not the cluster: {@code rate-limit=off}, since every simulated visitor comes from 127.0.0.1 (the
 * limit is per client address), and {@code previews=off}, so that no node fetches provider stills from the internet.
 * The pool waits at most 3 s for a connection (HikariCP's default is 30 s), as a web application's pool would be set;
 * the store retries for its own 30 s. When it serves, it prints {@value #READY} and its port on stdout.
 */
public final class SoakNode {
    static final String READY = "SOAK-NODE-READY port=";
    static final String KEY_VARIABLE = "EMBED_CONSENT_KEY";
    static final String YOUTUBE = "<iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" title=\"Delegation visit\"></iframe>";
    static final String VIMEO = "<iframe src=\"https://player.vimeo.com/video/76979871\" width=\"640\" height=\"360\" "
            + "title=\"Harbour tour\"></iframe>";
    static final String MAP = "<iframe src=\"https://www.google.com/maps/embed?pb=!1m14!1m8!1m3!1d9360!2d9.43!3d54.78"
            + "\" width=\"600\" height=\"450\" title=\"Where we meet\"></iframe>";
    /** The last line of every page: a page that has it arrived whole. */
    static final String END = "<p>end of soak page</p>";
    private static final Pattern PAGE_PATH = Pattern.compile("/news/[0-9]{1,3}");

    private SoakNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SoakNode PORT SCHEMA NAME");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String schema = args[1];
        String name = args[2];

        String url = System.getenv("EMBEDCONSENT_PG_URL");
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("soak-" + name);
        pool.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        pool.setUsername(System.getenv("EMBEDCONSENT_PG_USER"));
        pool.setPassword(System.getenv("EMBEDCONSENT_PG_PASSWORD"));
        pool.setMaximumPoolSize(8);
        pool.setConnectionTimeout(3000);
        HikariDataSource dataSource = new HikariDataSource(pool);

        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataSource(dataSource)
                .option("hmac-key", "env:" + KEY_VARIABLE)
                .rateLimit(RateLimit.OFF)
                .previews(false)
                .build();

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder consent = new FilterHolder(filter);
        consent.setAsyncSupported(true);
        context.addFilter(consent, "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new NewsPages(name)), "/news/*");
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println(READY + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** The site's own pages: {@code /news/N}, each with a YouTube video, a Vimeo video and a Google map. */
    private static final class NewsPages extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String node;

        NewsPages(String node) {
            this.node = node;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI();
            if (!PAGE_PATH.matcher(path).matches()) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType("text/html;charset=UTF-8");
            response.setHeader("X-Soak-Node", node);
            StringBuilder page = new StringBuilder(6000)
                    .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>News ")
                    .append(path.substring("/news/".length())).append("</title></head><body>\n<main>\n<h1>")
                    .append("The delegation's visit</h1>\n");
            for (int i = 0; i < 8; i++) {
                page.append("<p>The delegation met the harbour master, the mayor and the school choir; paragraph ")
                        .append(i).append(" of the report, long enough to make this a page of a few kilobytes like ")
                        .append("the news pages of a real site, with its embeds in between.</p>\n");
                switch (i) {
                    case 2 -> page.append(YOUTUBE).append('\n');
                    case 4 -> page.append(VIMEO).append('\n');
                    case 6 -> page.append(MAP).append('\n');
                    default -> { }
                }
            }
            page.append("</main>\n").append(END).append("\n</body></html>\n");
            response.getWriter().write(page.toString());
        }
    }
}

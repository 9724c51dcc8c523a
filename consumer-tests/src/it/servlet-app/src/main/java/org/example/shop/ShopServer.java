package org.example.shop;

import dev.embedconsent.servlet.EmbedConsent;
import dev.embedconsent.servlet.EmbedConsentFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Period;
import java.util.EnumSet;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/** A small shop site on embedded Tomcat with the Embed Consent filter, registered as the README shows. */
public final class ShopServer implements AutoCloseable {
    static final String PAGE = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>"
            + "</head><body><h1>Our workshop</h1><iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube.com/embed/kU1_gDqGmQk\" title=\"Workshop tour\"></iframe></body></html>";

    private final Tomcat tomcat = new Tomcat();

    private ShopServer(int port, Path dataDirectory) throws Exception {
        Path base = Files.createDirectories(dataDirectory.resolve("tomcat"));
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", Files.createDirectories(base.resolve("docs")).toString());
        context.addServletContainerInitializer(new Setup(dataDirectory.resolve("consent")), null);
        tomcat.start();
    }

    /** Starts the site on {@code port} (0 for any free one) with its consent records in {@code dataDirectory}. */
    public static ShopServer start(int port, Path dataDirectory) throws Exception {
        return new ShopServer(port, dataDirectory);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    public static void main(String[] args) throws Exception {
        ShopServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080, Path.of("shop-data"));
        System.out.println("http://127.0.0.1:" + server.port() + "/");
        server.tomcat.getServer().await();
    }

    private record Setup(Path dataDirectory) implements ServletContainerInitializer {
        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext servletContext) {
            // The README's "Programmatic" block as written; only the data directory differs.
            EmbedConsentFilter filter = EmbedConsentFilter.builder()
                    .dataDirectory(dataDirectory)
                    .consentLifetime(Period.ofMonths(6))
                    .exclude("/admin", "/api/**")
                    .build();
            FilterRegistration.Dynamic registration = servletContext.addFilter("embedConsent", filter);
            registration.setAsyncSupported(true);
            registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                    DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR), false, "/*");
            servletContext.addServlet("consent", new ConsentServlet()).addMapping("/my-consent");
            servletContext.addServlet("pages", new PageServlet()).addMapping("/");
        }
    }

    private static final class PageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(PAGE);
        }
    }

    /** The application asking the filter from its own code. */
    private static final class ConsentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=UTF-8");
            response.setHeader("Cache-Control", "private, no-store");
            response.getWriter().write("youtube=" + EmbedConsent.from(request).granted("youtube"));
        }
    }
}

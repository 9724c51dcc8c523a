package dev.embedconsent.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the demo site's pages and assets from the class path ({@code dev/embedconsent/examples/site/}). Pages are
 * plain HTML with third-party embeds exactly as their providers' embed dialogs produce them; the
 * {@link dev.embedconsent.servlet.EmbedConsentFilter} in front of this servlet does all the consent work. The page
 * {@code /strict} carries a {@code {{nonce}}} marker that is replaced by the nonce {@link StrictCspFilter} chose.
 */
public final class SitePagesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String ROOT = "/dev/embedconsent/examples/site/";

    private record Resource(String file, String contentType) {}

    private static final Map<String, Resource> ROUTES = Map.of(
            "/", new Resource("index.html", "text/html; charset=UTF-8"),
            "/gallery", new Resource("gallery.html", "text/html; charset=UTF-8"),
            "/strict", new Resource("strict.html", "text/html; charset=UTF-8"),
            "/assets/site.css", new Resource("site.css", "text/css; charset=UTF-8"),
            "/assets/site.js", new Resource("site.js", "text/javascript; charset=UTF-8"));

    private final Map<String, byte[]> bodies = loadAll();

    private static Map<String, byte[]> loadAll() {
        java.util.HashMap<String, byte[]> loaded = new java.util.HashMap<>();
        for (Resource resource : ROUTES.values()) {
            try (InputStream in = SitePagesServlet.class.getResourceAsStream(ROOT + resource.file())) {
                if (in == null) {
                    throw new IllegalStateException("missing demo resource " + ROOT + resource.file());
                }
                loaded.put(resource.file(), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read demo resource " + resource.file(), e);
            }
        }
        return Map.copyOf(loaded);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Resource resource = ROUTES.get(path.isEmpty() ? "/" : path);
        if (resource == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] body = bodies.get(resource.file());
        Object nonce = request.getAttribute(StrictCspFilter.NONCE_ATTRIBUTE);
        if (nonce != null && resource.contentType().startsWith("text/html")) {
            body = new String(body, StandardCharsets.UTF_8).replace("{{nonce}}", nonce.toString())
                    .getBytes(StandardCharsets.UTF_8);
        }
        response.setContentType(resource.contentType());
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

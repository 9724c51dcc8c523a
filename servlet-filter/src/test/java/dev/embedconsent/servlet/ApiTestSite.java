package dev.embedconsent.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * An application that asks {@link EmbedConsent} from its own code, as the README shows: the filter on
 * {@code /embed-consent/*}, {@code /api/*} (excluded from rewriting, as JSON APIs usually are) and {@code /pages/*};
 * {@code /other/*} is not mapped to the filter at all. Without a filter ({@code null}), the servlets run alone.
 *
 * <ul>
 *   <li>{@code GET /api/consent.json}, {@code GET /other/consent.json}: {@code {"youtube":true,"granted":[...]}}</li>
 *   <li>{@code GET /api/embed.json?page=/news}: {@code {"html":"<placeholder or embed>"}} for {@link TestSite#EMBED}</li>
 *   <li>{@code GET /api/embed.html?page=...&lang=de}: the same as an HTML fragment (not rewritten: excluded)</li>
 *   <li>{@code POST /api/echo.html}: the placeholder for the posted body</li>
 *   <li>{@code GET /pages/article}: a page with {@link TestSite#EMBED}, rewritten by the filter</li>
 * </ul>
 * An {@link IllegalStateException} from {@link EmbedConsent#from} is answered {@code 503} with its message.
 */
final class ApiTestSite implements ServletContainerInitializer {
    private final @Nullable Filter filter;

    ApiTestSite(@Nullable Filter filter) {
        this.filter = filter;
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        if (filter != null) {
            FilterRegistration.Dynamic consent = context.addFilter("embed-consent", filter);
            consent.setAsyncSupported(true);
            consent.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false,
                    "/embed-consent/*", "/api/*", "/pages/*");
        }
        context.addServlet("api", new ApiServlet()).addMapping("/api/*", "/other/*", "/pages/*");
    }

    private static final class ApiServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            if (path.equals("/pages/article")) {
                html(response, "<!DOCTYPE html><html lang=\"de\"><head><title>Article</title></head><body>"
                        + TestSite.EMBED + "</body></html>");
                return;
            }
            EmbedConsent consent;
            try {
                consent = EmbedConsent.from(request);
            } catch (IllegalStateException e) {
                response.setStatus(503);
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().write(e.getMessage());
                return;
            }
            String page = request.getParameter("page");
            if (page != null) {
                consent = consent.forPage(page);
            }
            String lang = request.getParameter("lang");
            if (lang != null) {
                consent = consent.inLanguage(lang);
            }
            switch (path) {
                case "/api/consent.json", "/other/consent.json" -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("youtube", consent.granted("youtube"));
                    answer.put("granted", consent.grantedProviders());
                    json(response, answer);
                }
                case "/api/embed.json" -> json(response, Map.of("html", consent.placeholder(TestSite.EMBED)));
                case "/api/embed.html" -> html(response, consent.placeholder(TestSite.EMBED));
                default -> response.sendError(404);
            }
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String page = request.getParameter("page");
            EmbedConsent consent = EmbedConsent.from(request);
            html(response, (page == null ? consent : consent.forPage(page)).placeholder(body));
        }

        private static void json(HttpServletResponse response, Object value) throws IOException {
            response.setContentType("application/json");
            response.setHeader("Cache-Control", "private, no-store");
            response.getOutputStream().write(JSON.writeValueAsBytes(value));
        }

        private static void html(HttpServletResponse response, String html) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(html);
        }
    }
}

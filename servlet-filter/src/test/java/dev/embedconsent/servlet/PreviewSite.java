package dev.embedconsent.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The application the preview container tests run: {@link EmbedConsentFilter} on {@code /*} and one servlet on
 * {@code /p/*} with pages of video embeds.
 * <ul>
 *   <li>{@code /p/page}: a YouTube player with a title and a Vimeo player.</li>
 *   <li>{@code /p/videos?v=ID,ID,...&title=no}: one YouTube player per id, titled {@code Video n} unless
 *       {@code title=no}.</li>
 * </ul>
 */
final class PreviewSite implements ServletContainerInitializer {
    static final String YOUTUBE_ID = "kU1_gDqGmQk";
    static final String VIMEO_ID = "76979871";
    static final String PAGE_TITLE = "Dialogue across borders";
    static final String HEAD = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Previews</title>"
            + "</head><body>\n<h1>Videos</h1>\n";
    static final String TAIL = "\n<p>end of page</p>\n</body></html>\n";
    static final String PAGE = HEAD
            + "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/" + YOUTUBE_ID + "\" title=\""
            + PAGE_TITLE + "\" allowfullscreen></iframe>\n"
            + "<iframe src=\"https://player.vimeo.com/video/" + VIMEO_ID + "\" width=\"640\" height=\"360\" "
            + "allow=\"autoplay; fullscreen\"></iframe>\n"
            + TAIL;

    private final EmbedConsentFilter filter;

    PreviewSite(EmbedConsentFilter filter) {
        this.filter = filter;
    }

    static String youtube(String id, @Nullable String title) {
        return "<iframe width=\"480\" height=\"270\" src=\"https://www.youtube.com/embed/" + id + "\""
                + (title == null ? "" : " title=\"" + title + "\"") + "></iframe>\n";
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration.Dynamic consent = context.addFilter("embed-consent", filter);
        consent.setAsyncSupported(true);
        consent.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        ServletRegistration.Dynamic pages = context.addServlet("pages", new PagesServlet());
        pages.addMapping("/p/*");
    }

    private static final class PagesServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String what = request.getPathInfo() == null ? "" : request.getPathInfo();
            switch (what) {
                case "/page" -> html(response, PAGE);
                case "/videos" -> {
                    String ids = request.getParameter("v");
                    if (ids == null || !ids.matches("[A-Za-z0-9_,-]+")) {
                        response.sendError(400);
                        return;
                    }
                    boolean titled = !"no".equals(request.getParameter("title"));
                    StringBuilder page = new StringBuilder(HEAD);
                    int n = 0;
                    for (String id : ids.split(",")) {
                        n++;
                        page.append(youtube(id, titled ? "Video " + n : null));
                    }
                    html(response, page.append(TAIL).toString());
                }
                default -> response.sendError(404);
            }
        }

        private static void html(HttpServletResponse response, String page) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(page);
        }
    }
}

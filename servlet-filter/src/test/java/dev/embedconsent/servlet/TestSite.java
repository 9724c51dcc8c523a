package dev.embedconsent.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The application the container tests run: {@link EmbedConsentFilter} on {@code /*} for every dispatcher type, a
 * gzip filter behind it on {@code /t/gzip}, and one servlet on {@code /t/*} whose path info picks the behaviour.
 */
final class TestSite implements ServletContainerInitializer {
    static final String EMBED = "<iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" title=\"Delegation visit\"></iframe>";
    static final String HEAD = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test</title>"
            + "</head><body>\n<h1>Grüße aus Flensburg – €</h1>\n";
    static final String TAIL = "\n<p>end of page</p>\n</body></html>\n";
    static final String PAGE = HEAD + EMBED + TAIL;
    /** A frame from a host that no provider names. */
    static final String UNKNOWN_FRAME = "<iframe src=\"https://videos.example.org/w/1\" title=\"Elsewhere\"></iframe>";
    /**
     * Inserts two frames from an unknown host after load, where the rewriter never sees them, and keeps the
     * violations the page is told about in {@code window.blockedFrames}.
     */
    static final String INJECT_SCRIPT = "window.blockedFrames = [];\n"
            + "document.addEventListener('securitypolicyviolation', function (e) {\n"
            + "  window.blockedFrames.push(e.effectiveDirective + ':' + e.blockedURI);\n"
            + "});\n"
            + "window.addEventListener('load', function () {\n"
            + "  ['https://videos.example.org/', 'http://videos.example.org/plain'].forEach(function (src) {\n"
            + "    var frame = document.createElement('iframe');\n"
            + "    frame.className = 'injected';\n"
            + "    frame.src = src;\n"
            + "    document.body.appendChild(frame);\n"
            + "  });\n"
            + "});\n";
    static final String ERROR_PAGE = "<!DOCTYPE html><html><body><h1>ERROR PAGE</h1>" + EMBED + "</body></html>";
    static final long BIG_BLOCKS = 100;
    static final int BLOCK = 1 << 20;

    /** Released by the early-flush test once the first bytes arrived. */
    static final AtomicReference<CountDownLatch> FLUSH_GATE = new AtomicReference<>(new CountDownLatch(0));

    private final @Nullable Filter consentFilter;
    private final Map<String, String> initParameters;

    /** The filter registered as an instance (programmatic, Spring Boot). */
    TestSite(Filter consentFilter) {
        this.consentFilter = consentFilter;
        this.initParameters = Map.of();
    }

    /** The filter registered by class with init-params, as {@code web.xml} does. */
    TestSite(Map<String, String> initParameters) {
        this.consentFilter = null;
        this.initParameters = Map.copyOf(initParameters);
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration.Dynamic consent = consentFilter != null
                ? context.addFilter("embed-consent", consentFilter)
                : context.addFilter("embed-consent", EmbedConsentFilter.class);
        initParameters.forEach(consent::setInitParameter);
        consent.setAsyncSupported(true);
        consent.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        FilterRegistration.Dynamic gzip = context.addFilter("gzip", new GzipFilter());
        gzip.setAsyncSupported(true);
        gzip.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/t/gzip");
        ServletRegistration.Dynamic pages = context.addServlet("pages", new PagesServlet());
        pages.setAsyncSupported(true);
        pages.addMapping("/t/*", "/excluded/*");
        ServletRegistration.Dynamic error = context.addServlet("error-page", new ErrorPageServlet());
        error.setAsyncSupported(true);
        error.addMapping("/error-page");
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class PagesServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(PAGE);
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            Object included = request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
            String what = included != null ? (String) included
                    : request.getPathInfo() == null ? "/page" : request.getPathInfo();
            if (request.getServletPath().equals("/excluded")) {
                what = "/writer";
            }
            switch (what) {
                case "/writer" -> writer(request, response);
                case "/unknown-frame" -> html(response, HEAD + UNKNOWN_FRAME + TAIL);
                case "/injecting" -> html(response, HEAD + EMBED + "<script src=\"/t/inject.js\"></script>" + TAIL);
                case "/inject.js" -> {
                    response.setContentType("text/javascript;charset=UTF-8");
                    response.getWriter().write(INJECT_SCRIPT);
                }
                case "/stream" -> {
                    if ("add".equals(request.getParameter("type"))) {
                        response.addHeader("Content-Type", "text/html; charset=utf-8");
                    } else {
                        response.setHeader("Content-Type", "text/html; charset=utf-8");
                    }
                    ServletOutputStream out = response.getOutputStream();
                    byte[] page = bytes(PAGE);
                    for (int i = 0; i < page.length; i += 17) {
                        out.write(page, i, Math.min(17, page.length - i));
                    }
                }
                case "/late-type" -> {
                    ServletOutputStream out = response.getOutputStream();
                    response.setContentType("text/html;charset=UTF-8");
                    out.write(bytes(PAGE));
                }
                case "/bytebuffer" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    byte[] page = bytes(PAGE);
                    ByteBuffer direct = ByteBuffer.allocateDirect(page.length);
                    direct.put(page, 0, 100).put(page, 100, page.length - 100).flip();
                    response.getOutputStream().write(direct);
                }
                case "/both" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    try {
                        response.getOutputStream();
                        writer.write("no exception");
                    } catch (IllegalStateException e) {
                        writer.write("IllegalStateException");
                    }
                }
                case "/both-reverse" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    ServletOutputStream out = response.getOutputStream();
                    try {
                        response.getWriter();
                        out.write(bytes("no exception"));
                    } catch (IllegalStateException e) {
                        out.write(bytes("IllegalStateException"));
                    }
                }
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            Thread.sleep(50);
                            HttpServletResponse r = (HttpServletResponse) async.getResponse();
                            r.setContentType("text/html;charset=UTF-8");
                            r.getWriter().write(PAGE);
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                }
                case "/async-dispatch" -> {
                    AsyncContext async = request.startAsync();
                    async.start(() -> async.dispatch("/t/writer"));
                }
                case "/async-dispatch-unwrapped" -> {
                    ServletRequest innermost = request;
                    while (innermost instanceof ServletRequestWrapper w) {
                        innermost = w.getRequest();
                    }
                    ServletResponse container = response;
                    while (container instanceof ServletResponseWrapper w) {
                        container = w.getResponse();
                    }
                    AsyncContext async = request.startAsync(innermost, container);
                    async.start(() -> async.dispatch("/t/writer"));
                }
                case "/forward" -> request.getRequestDispatcher("/t/writer").forward(request, response);
                case "/include" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    writer.write(HEAD);
                    request.getRequestDispatcher("/t/fragment").include(request, response);
                    writer.write(TAIL);
                }
                case "/fragment" -> response.getWriter().write(EMBED);
                case "/missing" -> response.sendError(404);
                case "/throw" -> throw new ServletException("the test servlet fails on purpose");
                case "/gzip" -> writer(request, response);
                case "/partial" -> {
                    byte[] page = bytes(PAGE);
                    response.setStatus(206);
                    response.setHeader("Content-Range", "bytes 0-" + (page.length - 1) + "/" + (page.length + 100));
                    response.setContentType("text/html;charset=UTF-8");
                    response.getOutputStream().write(page);
                }
                case "/plain" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    response.getWriter().write(PAGE);
                }
                case "/etag" -> {
                    if ("\"v1\"".equals(request.getHeader("If-None-Match"))) {
                        response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                        response.setHeader("ETag", "\"v1\"");
                        response.setHeader("Cache-Control", "public, max-age=60");
                        return;
                    }
                    response.setHeader("ETag", "\"v1\"");
                    response.setHeader("Vary", "Accept-Encoding");
                    response.setHeader("Cache-Control", "public, max-age=60");
                    writer(request, response);
                }
                case "/no-embeds" -> {
                    byte[] page = bytes(HEAD + "<p>Nothing from another site on this page.</p>" + TAIL);
                    response.setContentType("text/html;charset=UTF-8");
                    response.setHeader("Cache-Control", "public, max-age=600");
                    response.setHeader("ETag", "\"plain-v1\"");
                    response.setContentLength(page.length);
                    response.getOutputStream().write(page);
                }
                case "/slow-big" -> {
                    // 2 MB in 64 KB chunks, 40 ms apart, never flushed: about 1.3 s in all
                    response.setContentType("text/html;charset=UTF-8");
                    ServletOutputStream out = response.getOutputStream();
                    out.write(bytes(HEAD + EMBED));
                    byte[] chunk = bytes(("<p>" + "slow ".repeat(100) + "</p>\n").repeat(128));
                    for (int written = 0; written < 2 * 1024 * 1024; written += chunk.length) {
                        out.write(chunk);
                        try {
                            Thread.sleep(40);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    out.write(bytes(TAIL));
                }
                case "/late-cache-headers" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    ServletOutputStream out = response.getOutputStream();
                    out.write(bytes(HEAD));
                    response.setHeader("Cache-Control", "public, max-age=600");
                    response.addHeader("Cache-Control", "s-maxage=600");
                    response.setHeader("Vary", "Accept-Language");
                    out.write(bytes(EMBED + TAIL));
                }
                case "/flush" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    writer.write(HEAD + "<p>FIRST-CHUNK</p>\n");
                    writer.flush();
                    try {
                        if (!FLUSH_GATE.get().await(20, TimeUnit.SECONDS)) {
                            writer.write("<p>GATE-TIMEOUT</p>");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    writer.write(EMBED + TAIL);
                }
                case "/skip" -> {
                    EmbedConsentFilter.skip(request);
                    writer(request, response);
                }
                case "/reset-buffer" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    writer.write("<p>JUNK</p>" + EMBED);
                    response.resetBuffer();
                    writer.write(PAGE);
                }
                case "/reset" -> {
                    response.setContentType("text/plain");
                    response.setHeader("X-Junk", "yes");
                    response.getOutputStream().write(bytes("JUNK"));
                    response.reset();
                    response.setContentType("text/html;charset=UTF-8");
                    response.getWriter().write(PAGE);
                }
                case "/redirect" -> response.sendRedirect("/t/writer");
                case "/error-after-commit" -> {
                    response.setContentType("text/html;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    writer.write(HEAD);
                    response.flushBuffer();
                    try {
                        response.sendError(500);
                    } catch (IllegalStateException committed) {
                        writer.write(EMBED + TAIL);
                    }
                }
                case "/big" -> big(response);
                case "/nonblocking" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    AsyncContext async = request.startAsync();
                    ServletOutputStream out = response.getOutputStream();
                    out.setWriteListener(new WriteListener() {
                        @Override
                        public void onWritePossible() throws IOException {
                            if (out.isReady()) {
                                out.write(bytes("non-blocking body"));
                                async.complete();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            async.complete();
                        }
                    });
                }
                default -> response.sendError(404);
            }
        }

        private static void html(HttpServletResponse response, String page) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(page);
        }

        private static void writer(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            int length = bytes(PAGE).length;
            String via = request.getParameter("length");
            if (via != null) {
                switch (via) {
                    case "setContentLength" -> response.setContentLength(length);
                    case "setContentLengthLong" -> response.setContentLengthLong(length);
                    case "setHeader" -> response.setHeader("Content-Length", Integer.toString(length));
                    case "addHeader" -> response.addHeader("Content-Length", Integer.toString(length));
                    case "setIntHeader" -> response.setIntHeader("Content-Length", length);
                    case "addIntHeader" -> response.addIntHeader("Content-Length", length);
                    default -> throw new IllegalArgumentException(via);
                }
            }
            response.getWriter().write(PAGE);
        }

        /** 100 MiB of HTML in 1 MiB blocks, each with one embed; written as it is generated. */
        private static void big(HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            ServletOutputStream out = response.getOutputStream();
            byte[] head = bytes("<!DOCTYPE html><html lang=\"en\"><body>\n");
            byte[] embed = bytes(EMBED + "\n");
            byte[] line = bytes("<p>Minority rights are human rights: a paragraph of filler text.</p>\n");
            byte[] tail = bytes("</body></html>\n");
            out.write(head);
            for (int block = 0; block < BIG_BLOCKS; block++) {
                out.write(embed);
                int written = embed.length;
                while (written + line.length <= BLOCK) {
                    out.write(line);
                    written += line.length;
                }
                out.write(line, 0, BLOCK - written);
            }
            out.write(tail);
        }
    }

    private static final class ErrorPageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(ERROR_PAGE);
        }
    }

    /** Compresses everything behind it, as an application's own gzip filter would. */
    private static final class GzipFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("Content-Encoding", "gzip");
            GZIPOutputStream gzip = new GZIPOutputStream(http.getOutputStream());
            ServletOutputStream compressed = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    gzip.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    gzip.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            PrintWriter writer = new PrintWriter(new OutputStreamWriter(compressed, StandardCharsets.UTF_8));
            chain.doFilter(request, new HttpServletResponseWrapper(http) {
                @Override
                public ServletOutputStream getOutputStream() {
                    return compressed;
                }

                @Override
                public PrintWriter getWriter() {
                    return writer;
                }

                @Override
                public void setContentLength(int len) {
                    // the compressed length differs
                }
            });
            writer.flush();
            gzip.finish();
        }
    }
}

package dev.embedconsent.benchmarks;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Serves the {@link LoadPages} like a static file servlet: {@code Content-Type: text/html;charset=utf-8}, a
 * {@code Content-Length}, the bytes through {@code getOutputStream()} in {@code chunk}-sized writes (0: one write).
 * The page is the last path segment, under whatever prefix the servlet is mapped at:
 * <ul>
 *   <li>{@code /embeds}, {@code /plain}, {@code /big}; with {@code ?writer} through {@code getWriter()} instead;
 *       with {@code ?nolength} without {@code Content-Length}, as a page rendered by a template engine;</li>
 *   <li>{@code /slow}: the big page in 64 KB writes, each flushed and followed by a pause of {@code slowPauseMillis}
 *       (a page produced slowly, for time to first byte): a pause between writes, none after the last.</li>
 * </ul>
 */
final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int SLOW_CHUNK = 64 * 1024;

    private final transient LoadPages pages;
    private final String embedsText;
    private final String plainText;
    private final String bigText;
    private final int chunk;
    private final long slowPauseMillis;

    PageServlet(LoadPages pages, int chunk, long slowPauseMillis) {
        this.pages = pages;
        this.embedsText = new String(pages.embeds, StandardCharsets.UTF_8);
        this.plainText = new String(pages.plain, StandardCharsets.UTF_8);
        this.bigText = new String(pages.big, StandardCharsets.UTF_8);
        this.chunk = chunk;
        this.slowPauseMillis = slowPauseMillis;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String info = request.getPathInfo();
        String name = info == null ? "" : info.substring(info.lastIndexOf('/') + 1);
        byte[] page;
        try {
            page = pages.get(name);
        } catch (IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        if (!"nolength".equals(request.getQueryString())) {
            response.setContentLength(page.length);
        }
        if (name.equals("slow")) {
            writeSlowly(page, response.getOutputStream());
        } else if ("writer".equals(request.getQueryString())) {
            PrintWriter writer = response.getWriter();
            writer.write(name.equals("embeds") ? embedsText : name.equals("plain") ? plainText : bigText);
        } else {
            ServletOutputStream out = response.getOutputStream();
            int step = chunk <= 0 ? page.length : chunk;
            for (int off = 0; off < page.length; off += step) {
                out.write(page, off, Math.min(step, page.length - off));
            }
        }
    }

    private void writeSlowly(byte[] page, ServletOutputStream out) throws IOException {
        for (int off = 0; off < page.length; off += SLOW_CHUNK) {
            if (off > 0) {
                pause();
            }
            out.write(page, off, Math.min(SLOW_CHUNK, page.length - off));
            out.flush();
        }
    }

    /**
     * Between writes only: a pause after the last one would hold up the next request on the connection, which a
     * client reading a {@code Content-Length} body has already sent, and count as its time to first byte.
     */
    private void pause() throws IOException {
        try {
            Thread.sleep(slowPauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing slowly");
        }
    }
}

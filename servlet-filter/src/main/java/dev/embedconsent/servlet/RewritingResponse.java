package dev.embedconsent.servlet;

import dev.embedconsent.html.PageContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The response the application writes to. It holds back {@code Content-Length} and {@code ETag}
 * ({@link HeldHeaders}) until it knows whether the body is rewritten, lets the configured {@link RewritePolicy}
 * decide at the first write or flush (or at {@link #finish()}), and then streams the body through its
 * {@link RewritingOutputStream}: through a {@code RewriteSession} or straight to the container.
 *
 * <pre>{@code
 * RewritingResponse wrapped = new RewritingResponse(response, request, runtime);
 * chain.doFilter(request, wrapped);
 * wrapped.finish();               // the rewriter's tail; the container closes the rest
 * }</pre>
 *
 * A rewritten page is first held in a look-ahead buffer ({@code look-ahead}, 32 KB by default; {@link LookaheadSink}).
 * If it ends within it without an embed, it is the application's page byte for byte and keeps the application's
 * headers, {@code Content-Length} included. Otherwise (an embed found, the page longer than the look-ahead, or a
 * flush before its end) it differs by visitor: it loses {@code Content-Length} (a whole page within the look-ahead gets
 * its new one), gains {@code Vary: Cookie} and {@code Cache-Control: private} (also against later attempts to set them
 * otherwise), and its {@code ETag} gets the consent-variant suffix; passed through, the held headers are set as the
 * application gave them. The writer encodes with the response charset,
 * which is then fixed, as the Servlet spec wants. {@code sendError} and {@code sendRedirect} go to the container
 * untouched and drop what the rewriter holds.
 */
final class RewritingResponse extends HttpServletResponseWrapper {
    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());

    /**
     * UNDECIDED until the first write; then PASS (not rewritten), LOOKAHEAD (rewritten, the headers wait for the
     * look-ahead to tell what the page holds) or REWRITE (rewritten, the headers of a rewritten page are set).
     */
    private enum Mode { UNDECIDED, LOOKAHEAD, REWRITE, PASS }

    private final HttpServletRequest request;
    private final ConsentRuntime runtime;
    private final RewritingOutputStream out;
    private final CacheHeaders.Audience audience;
    private final HeldHeaders held;
    private Mode mode = Mode.UNDECIDED;
    private @Nullable PageContext page;
    /** The {@link FramePolicy} value this rewritten page carries; an application's {@code setHeader} keeps it. */
    private @Nullable String ownPolicy;
    private @Nullable EncodingWriter encoder;
    private @Nullable PrintWriter writer;
    private boolean usingStream;
    private boolean finished;
    /** Embeds the finished document held; set before a page in look-ahead gets its headers. */
    private int embedsFound = -1;

    RewritingResponse(HttpServletResponse response, HttpServletRequest request, ConsentRuntime runtime) {
        super(response);
        this.request = request;
        this.runtime = runtime;
        this.out = new RewritingOutputStream(this, runtime);
        this.audience = runtime.audience(request);
        this.held = new HeldHeaders(audience);
    }

    HttpServletResponse container() {
        return (HttpServletResponse) getResponse();
    }

    /** Decides once, with the headers set so far; the page to rewrite, or {@code null} when passing through. */
    @Nullable PageContext decide() {
        if (mode == Mode.UNDECIDED) {
            HttpServletResponse r = container();
            if (runtime.config().rewritePolicy().rewrites(request, r)) {
                EncodingWriter e = encoder;
                Charset transport = e != null ? e.charset() : ContentTypes.charset(r.getContentType());
                page = runtime.pageContext(request, r, transport, audience);
                if (runtime.config().lookAhead() > 0) {
                    mode = Mode.LOOKAHEAD;
                } else {
                    rewrittenHeaders(r);
                }
            } else {
                mode = Mode.PASS;
                held.passed(r);
            }
        }
        return mode == Mode.REWRITE || mode == Mode.LOOKAHEAD ? page : null;
    }

    /**
     * The headers of a rewritten page: consent-variant ETag and, unless it is the same for every visitor
     * ({@link CacheHeaders.Audience}), {@code Vary: Cookie} and private.
     */
    private void rewrittenHeaders(HttpServletResponse r) {
        mode = Mode.REWRITE;
        PageContext context = Objects.requireNonNull(page);
        // the variant, and with it the visitor's consent, only if there is an ETag to suffix
        held.rewritten(r, () -> runtime.variant(audience, context.consentedProviders()));
        FramePolicy policy = runtime.framePolicy();
        if (policy != null) {
            String value = policy.value(context.consentedProviders());
            ownPolicy = value;
            r.addHeader(policy.headerName(), value);
        }
    }

    /**
     * Called when the rewrite session opens: how many bytes of this page to hold before deciding its headers. The
     * {@code look-ahead}, or 0 when the application announced a longer body: such a page cannot end within it, so its
     * rewritten-page headers are set here and it streams at once.
     */
    int openLookAhead() {
        int limit = runtime.config().lookAhead();
        Long declared = held.length();
        if (mode == Mode.LOOKAHEAD && declared != null && declared > limit) {
            rewrittenHeaders(container());
            return 0;
        }
        return mode == Mode.LOOKAHEAD ? limit : 0;
    }

    /** The number of embeds the finished document held ({@link RewritingOutputStream#endDocument()}). */
    void embedsFound(int count) {
        embedsFound = count;
    }

    /**
     * Decides the headers of a page in look-ahead ({@link LookaheadSink.Commit}). A whole page without embeds is the
     * application's page byte for byte: it keeps the application's headers, {@code Content-Length} included. Any
     * other page differs by visitor and gets the rewritten page's headers; a whole one also gets its length.
     *
     * @return the container's stream, where the held bytes go
     */
    OutputStream commit(boolean whole, long length) throws IOException {
        HttpServletResponse r = container();
        if (mode == Mode.LOOKAHEAD) {
            if (whole && embedsFound == 0) {
                mode = Mode.PASS;
                held.passed(r);
            } else {
                rewrittenHeaders(r);
                if (whole && !r.isCommitted()) {
                    r.setContentLengthLong(length);
                }
            }
        }
        return r.getOutputStream();
    }

    /** Non-blocking output ({@code setWriteListener}) cannot be rewritten in a stream: an undecided body passes. */
    void passNonBlocking() {
        if (mode == Mode.UNDECIDED) {
            LOG.log(Level.WARNING, "non-blocking output (setWriteListener) on {0} is passed through "
                    + "without rewriting; embeds on it are not held back", request.getRequestURI());
            mode = Mode.PASS;
            held.passed(container());
        }
    }

    /** The variant of an {@code If-None-Match} tag we handed to the application without its suffix. */
    void revalidating(String variant) {
        held.revalidating(variant);
    }

    /** Ends the document: pending characters, the rewriter's tail. Idempotent; the container closes the rest. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        EncodingWriter e = encoder;
        if (e != null) {
            e.end();
        }
        finished = true;
        decide();
        out.endDocument();
        if (mode == Mode.LOOKAHEAD) {
            if ("HEAD".equals(request.getMethod())) {
                // no body to judge: a HEAD gets the headers a GET of a page with embeds gets, never fewer
                rewrittenHeaders(container());
            } else {
                // nothing was written: an empty body holds no embed
                embedsFound = 0;
                commit(true, 0).flush();
            }
        }
    }

    /**
     * Drops what the rewriter holds; after an exception, or after {@code sendError} or {@code sendRedirect}
     * succeeded (on a committed response they throw, and the page goes on being rewritten).
     */
    void abandon() {
        EncodingWriter e = encoder;
        if (e != null) {
            e.discard();
        }
        if (mode == Mode.REWRITE || mode == Mode.LOOKAHEAD) {
            out.drop();
        }
        held.clear();
        mode = Mode.PASS;
    }

    private void length(long length) {
        if (mode == Mode.UNDECIDED || mode == Mode.LOOKAHEAD) {
            held.length(length);
        } else if (mode == Mode.PASS) {
            super.setContentLengthLong(length);
        }
    }

    private void etag(String value) {
        if (mode == Mode.UNDECIDED || mode == Mode.LOOKAHEAD) {
            held.etag(value);
        } else if (mode == Mode.PASS) {
            super.setHeader("ETag", value);
        } else {
            PageContext context = page;
            super.setHeader("ETag", CacheHeaders.etag(value,
                    runtime.variant(audience, Objects.requireNonNull(context).consentedProviders())));
        }
    }

    private static @Nullable Long parseLength(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void setContentLength(int len) {
        length(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        length(len);
    }

    @Override
    public void setHeader(String name, @Nullable String value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            Long len = parseLength(value);
            if (len != null) {
                length(len);
            }
        } else if ("ETag".equalsIgnoreCase(name) && value != null) {
            etag(value);
        } else if ("Content-Type".equalsIgnoreCase(name) && value != null) {
            setContentType(value);
        } else if (isCachingHeader(name)) {
            cachingHeader(name, value == null ? List.of() : List.of(value));
        } else if (ownPolicy != null && Objects.requireNonNull(runtime.framePolicy()).isOwnHeader(name)) {
            super.setHeader(name, value);
            super.addHeader(name, ownPolicy);
        } else {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, @Nullable String value) {
        if ("Content-Length".equalsIgnoreCase(name) || "ETag".equalsIgnoreCase(name)
                || "Content-Type".equalsIgnoreCase(name)) {
            setHeader(name, value);
        } else if (isCachingHeader(name) && value != null) {
            List<String> values = new ArrayList<>(container().getHeaders(name));
            values.add(value);
            cachingHeader(name, values);
        } else {
            super.addHeader(name, value);
        }
    }

    /**
     * {@code Vary} or {@code Cache-Control} on a rewritten page that differs by visitor: set after the decision, they
     * keep our terms.
     */
    private boolean isCachingHeader(String name) {
        return mode == Mode.REWRITE && audience != CacheHeaders.Audience.EVERYONE
                && ("Vary".equalsIgnoreCase(name) || "Cache-Control".equalsIgnoreCase(name));
    }

    private void cachingHeader(String name, List<String> values) {
        super.setHeader(name, "Vary".equalsIgnoreCase(name)
                ? CacheHeaders.vary(values) : CacheHeaders.cacheControl(audience, values));
    }

    @Override
    public void setIntHeader(String name, int value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            length(value);
        } else {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            length(value);
        } else {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setContentType(@Nullable String type) {
        EncodingWriter e = encoder;
        if (e != null && type != null && ContentTypes.charset(type) != null) {
            // the writer's charset is fixed (Servlet spec): keep it in the header so the bytes match
            int semi = type.indexOf(';');
            super.setContentType(semi < 0 ? type : type.substring(0, semi).strip());
            super.setCharacterEncoding(e.charset().name());
        } else {
            super.setContentType(type);
        }
    }

    @Override
    public void setCharacterEncoding(@Nullable String charset) {
        if (encoder == null) {
            super.setCharacterEncoding(charset);
        }
    }

    @Override
    public void setLocale(Locale locale) {
        super.setLocale(locale);
        EncodingWriter e = encoder;
        if (e != null) {
            super.setCharacterEncoding(e.charset().name());
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (encoder != null) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        usingStream = true;
        return out;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (usingStream) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        PrintWriter w = writer;
        if (w == null) {
            String name = getCharacterEncoding();
            Charset charset;
            try {
                charset = Charset.forName(name == null ? "ISO-8859-1" : name);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException("unsupported response charset " + name);
            }
            super.setCharacterEncoding(charset.name());
            EncodingWriter e = new EncodingWriter(out, charset);
            encoder = e;
            w = new PrintWriter(e, false);
            writer = w;
        }
        return w;
    }

    @Override
    public void flushBuffer() throws IOException {
        EncodingWriter e = encoder;
        if (e != null) {
            e.drain();
        }
        decide();
        out.flushWritten();
        if (mode == Mode.LOOKAHEAD) {
            // flushed before anything was written: the rest is unknown, so the headers are those of a rewritten page
            rewrittenHeaders(container());
        }
        super.flushBuffer();
    }

    @Override
    public void reset() {
        super.reset();
        EncodingWriter e = encoder;
        if (e != null) {
            e.discard();
        }
        encoder = null;
        writer = null;
        usingStream = false;
        out.drop();
        page = null;
        ownPolicy = null;
        embedsFound = -1;
        held.clear();
        mode = Mode.UNDECIDED;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        EncodingWriter e = encoder;
        if (e != null) {
            e.discard();
        }
        out.drop();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        super.sendError(sc, msg);
        abandon();
    }

    @Override
    public void sendError(int sc) throws IOException {
        super.sendError(sc);
        abandon();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        super.sendRedirect(location);
        abandon();
    }

    @Override
    public void sendRedirect(String location, int sc) throws IOException {
        super.sendRedirect(location, sc);
        abandon();
    }

    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        super.sendRedirect(location, clearBuffer);
        abandon();
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        super.sendRedirect(location, sc, clearBuffer);
        abandon();
    }

    @Override
    public String toString() {
        return "RewritingResponse[" + mode + "]";
    }
}

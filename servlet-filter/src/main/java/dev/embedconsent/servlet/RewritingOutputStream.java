package dev.embedconsent.servlet;

import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of a {@link RewritingResponse}: what the application writes through {@code getOutputStream()}, or
 * through the writer's encoder. The first write (or flush) makes the response decide; the bytes then go through a
 * rewrite session into the container's stream, or straight into it.
 */
final class RewritingOutputStream extends ServletOutputStream {
    private static final int CHUNK = 8192;

    private final RewritingResponse response;
    private final ConsentRuntime runtime;
    /** Where bytes go once decided: {@link #session} or the container's stream. */
    private @Nullable OutputStream target;
    private @Nullable RewriteSession session;
    private @Nullable LookaheadSink lookahead;
    private boolean closed;

    RewritingOutputStream(RewritingResponse response, ConsentRuntime runtime) {
        this.response = response;
        this.runtime = runtime;
    }

    private OutputStream target() throws IOException {
        if (closed) {
            throw new IOException("the response output is already closed");
        }
        OutputStream t = target;
        if (t == null) {
            PageContext page = response.decide();
            if (page != null) {
                int limit = response.openLookAhead();
                OutputStream sink;
                if (limit > 0) {
                    // the limit is the configured look-ahead, the size of the runtime's buffers
                    LookaheadSink held = new LookaheadSink(runtime.lookaheadBuffers(), response::commit);
                    lookahead = held;
                    sink = held;
                } else {
                    sink = response.container().getOutputStream();
                }
                RewriteSession opened = runtime.open(sink, page);
                session = opened;
                t = opened;
            } else {
                t = response.container().getOutputStream();
            }
            target = t;
        }
        return t;
    }

    /** Flushes what was written so far, if anything was; unlike {@link #flush()} it opens nothing. */
    void flushWritten() throws IOException {
        OutputStream t = target;
        if (t != null) {
            t.flush();
        }
    }

    /**
     * Ends the rewritten document: the session writes its tail; a page still within the look-ahead gets its headers
     * now, with {@link RewriteSession#embedsFound()} known. The container's stream stays open.
     */
    void endDocument() throws IOException {
        RewriteSession s = session;
        LookaheadSink held = lookahead;
        session = null;
        lookahead = null;
        if (s != null) {
            if (held != null) {
                held.ending();
            }
            s.close();
            if (held != null) {
                response.embedsFound(s.embedsFound());
                held.end();
            }
        }
    }

    /** The open session's count of embeds found so far; 0 when none is open. */
    int embedsFound() {
        RewriteSession s = session;
        return s == null ? 0 : s.embedsFound();
    }

    /** Forgets the target, with what a rewrite session holds; the next write opens a new one. */
    void drop() {
        target = null;
        session = null;
        lookahead = null;
    }

    @Override
    public void write(int b) throws IOException {
        target().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > 0) {
            target().write(b, off, len);
        }
    }

    /** Servlet 6.1: the container's own {@code write(ByteBuffer)} when passing through, else copied in chunks. */
    @Override
    public void write(ByteBuffer buffer) throws IOException {
        OutputStream t = target();
        if (t instanceof ServletOutputStream raw) {
            raw.write(buffer);
        } else if (buffer.hasArray()) {
            t.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
        } else {
            byte[] chunk = new byte[Math.min(buffer.remaining(), CHUNK)];
            while (buffer.hasRemaining()) {
                int n = Math.min(chunk.length, buffer.remaining());
                buffer.get(chunk, 0, n);
                t.write(chunk, 0, n);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            return;
        }
        target().flush();
    }

    /** Finishes the document, then closes the container's stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        response.finish();
        closed = true;
        response.container().getOutputStream().close();
    }

    @Override
    public boolean isReady() {
        try {
            return response.container().getOutputStream().isReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** Non-blocking output is passed through unrewritten (see {@link RewritingResponse#passNonBlocking()}). */
    @Override
    public void setWriteListener(WriteListener listener) {
        response.passNonBlocking();
        try {
            response.container().getOutputStream().setWriteListener(listener);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

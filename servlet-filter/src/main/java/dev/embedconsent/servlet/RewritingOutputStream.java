package dev.embedconsent.servlet;

import dev.embedconsent.html.PageContext;
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
    private @Nullable OutputStream session;
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
            ServletOutputStream raw = response.container().getOutputStream();
            if (page != null) {
                session = runtime.open(raw, page);
                t = session;
            } else {
                t = raw;
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

    /** Ends the rewritten document: the session writes its tail. The container's stream stays open. */
    void endDocument() throws IOException {
        OutputStream s = session;
        session = null;
        if (s != null) {
            s.close();
        }
    }

    /** Forgets the target, with what a rewrite session holds; the next write opens a new one. */
    void drop() {
        target = null;
        session = null;
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

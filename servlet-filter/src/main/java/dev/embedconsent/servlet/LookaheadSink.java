package dev.embedconsent.servlet;

import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Where a rewrite session writes a page: the first {@code limit} bytes are held in memory, so that a page which ends
 * within them can get headers that fit what it turned out to hold (a page without embeds keeps the application's
 * {@code Content-Length}, {@code Cache-Control} and no {@code Vary: Cookie}). When the page grows past the limit, or
 * the application flushes, the headers are committed as for a rewritten page and the bytes stream on; memory per
 * response stays at most {@code limit}, in a buffer reused across responses ({@link LookaheadBuffers}).
 */
final class LookaheadSink extends OutputStream {
    private static final byte[] NONE = new byte[0];

    /** What the response does when the headers must be decided. */
    interface Commit {
        /**
         * Sets the headers and returns the container's stream.
         *
         * @param whole whether the page ended within the look-ahead (then {@code length} is its full length)
         */
        OutputStream commit(boolean whole, long length) throws IOException;
    }

    private final LookaheadBuffers buffers;
    private final int limit;
    private final Commit commit;
    /** Taken from {@link #buffers} at the first write, given back once its bytes went to the container. */
    private byte[] buffer = NONE;
    private int count;
    private @Nullable OutputStream target;
    /** While the session ends the document: its closing flush is not the application's. */
    private boolean ending;

    /** Holds up to {@code buffers.size()} bytes, in a buffer of {@code buffers}. */
    LookaheadSink(LookaheadBuffers buffers, Commit commit) {
        this.buffers = buffers;
        this.limit = buffers.size();
        this.commit = commit;
    }

    @Override
    public void write(int b) throws IOException {
        OutputStream t = target;
        if (t != null) {
            t.write(b);
        } else if (count < limit) {
            held()[count++] = (byte) b;
        } else {
            streaming().write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        OutputStream t = target;
        if (t != null) {
            t.write(b, off, len);
            return;
        }
        if (count + len <= limit) {
            System.arraycopy(b, off, held(), count, len);
            count += len;
            return;
        }
        t = streaming();
        t.write(b, off, len);
    }

    /** The application flushed: the bytes must go out now, so the headers are decided now, as for a rewritten page. */
    @Override
    public void flush() throws IOException {
        if (ending) {
            return;
        }
        streaming().flush();
    }

    /** The session is about to end the document; its closing flush is ignored. */
    void ending() {
        ending = true;
    }

    /** The document has ended: decides the headers with the whole page known, unless they were decided already. */
    void end() throws IOException {
        OutputStream t = target;
        if (t == null) {
            t = commit.commit(true, count);
            target = t;
            t.write(buffer, 0, count);
            release();
        }
        t.flush();
    }

    /** Whether the headers were decided before the end (the page outgrew the look-ahead, or was flushed). */
    boolean streamed() {
        return target != null;
    }

    private byte[] held() {
        byte[] b = buffer;
        if (b == NONE) {
            b = buffers.take();
            buffer = b;
        }
        return b;
    }

    private OutputStream streaming() throws IOException {
        OutputStream t = target;
        if (t == null) {
            t = commit.commit(false, -1);
            target = t;
            if (count > 0) {
                t.write(buffer, 0, count);
            }
            release();
        }
        return t;
    }

    /** The held bytes are with the container (a blocking write keeps no reference): the buffer can serve another. */
    private void release() {
        byte[] b = buffer;
        buffer = NONE;
        count = 0;
        if (b != NONE) {
            buffers.give(b);
        }
    }
}

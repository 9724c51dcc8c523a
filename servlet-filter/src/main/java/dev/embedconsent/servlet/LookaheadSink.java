package dev.embedconsent.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where a rewrite session writes a page: the first {@code limit} bytes are held in memory, so that a page which ends
 * within them can get headers that fit what it turned out to hold (a page without embeds keeps the application's
 * {@code Content-Length}, {@code Cache-Control} and no {@code Vary: Cookie}). When the page grows past the limit, or
 * the application flushes, the headers are committed as for a rewritten page and the bytes stream on; memory per
 * response stays at most {@code limit}.
 */
final class LookaheadSink extends OutputStream {
    private static final int INITIAL = 4096;

    /** What the response does when the headers must be decided. */
    interface Commit {
        /**
         * Sets the headers and returns the container's stream.
         *
         * @param whole whether the page ended within the look-ahead (then {@code length} is its full length)
         */
        OutputStream commit(boolean whole, long length) throws IOException;
    }

    private final int limit;
    private final Commit commit;
    private byte[] buffer = new byte[0];
    private int count;
    private OutputStream target;
    /** While the session ends the document: its closing flush is not the application's. */
    private boolean ending;

    /**
     * @param expected the body length the application announced (0 if none): the buffer starts at about that size,
     *     so a page is not copied while the buffer grows
     */
    LookaheadSink(int limit, int expected, Commit commit) {
        this.limit = limit;
        this.commit = commit;
        if (expected > 0) {
            this.buffer = new byte[Math.min(limit, expected + expected / 8 + 1024)];
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        OutputStream t = target;
        if (t != null) {
            t.write(b, off, len);
            return;
        }
        if (count + len <= limit) {
            if (count + len > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(INITIAL, Math.max(count + len,
                        buffer.length * 2))));
            }
            System.arraycopy(b, off, buffer, count, len);
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
            buffer = new byte[0];
        }
        t.flush();
    }

    /** Whether the headers were decided before the end (the page outgrew the look-ahead, or was flushed). */
    boolean streamed() {
        return target != null;
    }

    private OutputStream streaming() throws IOException {
        OutputStream t = target;
        if (t == null) {
            t = commit.commit(false, -1);
            target = t;
            if (count > 0) {
                t.write(buffer, 0, count);
            }
            buffer = new byte[0];
            count = 0;
        }
        return t;
    }
}

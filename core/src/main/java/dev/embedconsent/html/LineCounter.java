package dev.embedconsent.html;

import dev.embedconsent.internal.ByteScan;
import java.io.IOException;

/**
 * Counts line breaks (LF, CR LF, lone CR) in the document's bytes as they pass through the {@link ByteWindow}, for
 * the line numbers an {@link EmbedListener} is told; does nothing when no listener wants them. Positions are only
 * asked for in ascending order, before the window drops those bytes.
 */
final class LineCounter implements ByteWindow.Sink {
    private final ByteWindow window;
    private final boolean counting;
    /** Line breaks before the start of this document (a noscript fragment starts mid-page). */
    private final long base;
    private long countedTo;
    private long lineBreaks;
    private boolean crBefore;

    LineCounter(ByteWindow window, boolean counting, long base) {
        this.window = window;
        this.counting = counting;
        this.base = base;
    }

    boolean counting() {
        return counting;
    }

    /** Line breaks in the page before {@code position}; 0 when not counting. */
    long lineBreaksBefore(long position) {
        if (!counting) {
            return 0;
        }
        countTo(position);
        return base + lineBreaks;
    }

    void countTo(long position) {
        if (!counting || position <= countedTo) {
            return;
        }
        long from = countedTo;
        countedTo = position;
        try {
            window.copy(from, position, this);
        } catch (IOException e) {
            throw new AssertionError("counting lines does no I/O", e);
        }
    }

    @Override
    public void put(byte[] b, int off, int len) {
        lineBreaks += ByteScan.lineBreaks(b, off, off + len, crBefore);
        crBefore = b[off + len - 1] == '\r';
    }
}

package dev.embedconsent.html;

import java.io.IOException;
import java.util.Arrays;

/**
 * The bytes of a document the rewriter can still reach, by absolute position: the chunk being tokenized and, before
 * it, what was kept from earlier chunks (a start tag or a held embed that spans chunks). {@link #copy} is the one way
 * a range leaves it, held bytes first, then the chunk's; {@link #tagBytes} makes a tag contiguous for reading.
 *
 * <p>The kept bytes live in one array, allocated when a tag or embed first spans two chunks and reused after.
 */
final class ByteWindow {
    private static final byte[] NONE = new byte[0];

    /** Where {@link #copy} puts a range: one call per contiguous part. */
    interface Sink {
        void put(byte[] b, int off, int len) throws IOException;
    }

    private byte[] in = NONE;
    private int inFrom;
    private long inPos;
    private byte[] hold = NONE;
    private int holdLength;
    private long holdPos;
    /** Set by {@link #tagBytes}. */
    private int tagOffset;

    /** The next chunk, {@code b[off, ...)}, whose first byte is at {@code position}. */
    void chunk(byte[] b, int off, long position) {
        in = b;
        inFrom = off;
        inPos = position;
    }

    /** The end of the input at {@code position}: only kept bytes remain. */
    void endOfInput(long position) {
        chunk(NONE, 0, position);
    }

    /** Puts {@code [from, to)} into {@code sink}: the kept part, then the chunk's. */
    void copy(long from, long to, Sink sink) throws IOException {
        if (from >= to) {
            return;
        }
        long holdEnd = holdPos + holdLength;
        if (holdLength > 0 && from < holdEnd) {
            long until = Math.min(to, holdEnd);
            sink.put(hold, (int) (from - holdPos), (int) (until - from));
            from = until;
        }
        if (from < to) {
            sink.put(in, inFrom + (int) (from - inPos), (int) (to - from));
        }
    }

    /** The array that holds the tag {@code [start, end)} contiguously; its {@code <} is at {@link #tagOffset()}. */
    byte[] tagBytes(long start, long end) {
        if (start >= inPos) {
            tagOffset = inFrom + (int) (start - inPos);
            return in;
        }
        extendHold(end);
        tagOffset = (int) (start - holdPos);
        return hold;
    }

    int tagOffset() {
        return tagOffset;
    }

    /** After a chunk that ends at {@code end}: keeps only {@code [from, end)}, for a pending tag or a held embed. */
    void keep(long from, long end) {
        long holdEnd = holdPos + holdLength;
        if (holdLength > 0 && from < holdEnd && from >= holdPos) {
            int drop = (int) (from - holdPos);
            System.arraycopy(hold, drop, hold, 0, holdLength - drop);
            holdLength -= drop;
        } else {
            holdLength = 0;
        }
        holdPos = from;
        extendHold(end);
    }

    /** Makes the kept bytes reach {@code end} by appending bytes of the current chunk. */
    private void extendHold(long end) {
        long holdEnd = holdPos + holdLength;
        if (end <= holdEnd) {
            return;
        }
        int n = (int) (end - holdEnd);
        if (holdLength + n > hold.length) {
            hold = Arrays.copyOf(hold, Math.max(holdLength + n, Math.max(512, hold.length * 2)));
        }
        System.arraycopy(in, inFrom + (int) (holdEnd - inPos), hold, holdLength, n);
        holdLength += n;
    }
}

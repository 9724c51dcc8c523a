package dev.embedconsent.servlet;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The look-ahead buffers of one started filter, reused from response to response: a page without a
 * {@code Content-Length} would otherwise allocate and grow a fresh buffer up to the look-ahead size (32 KB by default;
 * about 60 KB of allocation and 28 KB of copies per response), only to drop it once the page streams.
 *
 * <pre>{@code
 * byte[] b = buffers.take();     // a buffer of exactly size() bytes, pooled or new
 * ...                            // only b[0, count) is ever read, and only what this response wrote there
 * buffers.give(b);               // after its bytes went to the container; b is not touched again
 * }</pre>
 *
 * A fixed number of slots, at most 1 MB held in all; a buffer that finds no free slot, or one never given back (an
 * abandoned response), is left to the garbage collector. Thread-safe without locks.
 */
final class LookaheadBuffers {
    private static final long MAX_HELD_BYTES = 1024 * 1024;

    private final int size;
    private final AtomicReferenceArray<byte @Nullable []> slots;

    LookaheadBuffers(int size) {
        this.size = size;
        int wanted = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        int fit = size <= 0 ? 0 : (int) Math.min(wanted, MAX_HELD_BYTES / size);
        this.slots = new AtomicReferenceArray<>(fit);
    }

    /** The length of every buffer. */
    int size() {
        return size;
    }

    /** A buffer of {@link #size()} bytes, holding whatever an earlier response left in it. */
    byte[] take() {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                byte[] b = slots.getAndSet(i, null);
                if (b != null) {
                    return b;
                }
            }
        }
        return new byte[size];
    }

    /** Hands back a buffer from {@link #take()}; the caller must not use it any more. */
    void give(byte[] buffer) {
        if (buffer.length != size) {
            return;
        }
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, buffer)) {
                return;
            }
        }
    }
}

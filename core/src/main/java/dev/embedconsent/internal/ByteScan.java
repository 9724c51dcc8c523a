package dev.embedconsent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds bytes in arrays eight at a time (SWAR over little-endian longs), the inner loop of the tokenizer's text
 * states.
 */
public final class ByteScan {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan() {}

    /**
     * Index of the first {@code b} in {@code a[from, to)}, or {@code to}. The first word is tested alone (the next tag
     * is mostly near), then two words per step, with one branch for both.
     */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        long pattern = ONES * (b & 0xFF);
        int i = from;
        if (i <= to - 8) {
            long found = zeroBytes((long) LONGS.get(a, i) ^ pattern);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
            for (int last = to - 16; i <= last; i += 16) {
                long first = zeroBytes((long) LONGS.get(a, i) ^ pattern);
                long second = zeroBytes((long) LONGS.get(a, i + 8) ^ pattern);
                if ((first | second) != 0) {
                    return first != 0 ? i + (Long.numberOfTrailingZeros(first) >>> 3)
                            : i + 8 + (Long.numberOfTrailingZeros(second) >>> 3);
                }
            }
            if (i <= to - 8) {
                found = zeroBytes((long) LONGS.get(a, i) ^ pattern);
                if (found != 0) {
                    return i + (Long.numberOfTrailingZeros(found) >>> 3);
                }
                i += 8;
            }
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return to;
    }

    /**
     * The high bit of each zero byte of {@code x}: the lowest one set is the first zero byte (the borrows that may set
     * others only run up from a zero byte).
     */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    /** Index of the first {@code b1} or {@code b2} in {@code a[from, to)}, or {@code to}. */
    public static int indexOfEither(byte[] a, int from, int to, byte b1, byte b2) {
        long p1 = ONES * (b1 & 0xFF);
        long p2 = ONES * (b2 & 0xFF);
        int i = from;
        for (int last = to - 8; i <= last; i += 8) {
            long word = (long) LONGS.get(a, i);
            long x1 = word ^ p1;
            long x2 = word ^ p2;
            long found = ((x1 - ONES) & ~x1 | (x2 - ONES) & ~x2) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == b1 || a[i] == b2) {
                return i;
            }
        }
        return to;
    }

    /** Number of line breaks (LF, CR LF, lone CR) in {@code a[from, to)}; {@code crBefore} says the byte before was CR. */
    public static int lineBreaks(byte[] a, int from, int to, boolean crBefore) {
        int count = 0;
        boolean cr = crBefore;
        for (int i = from; i < to; i++) {
            byte c = a[i];
            if (c == '\n') {
                if (!cr) {
                    count++;
                }
                cr = false;
            } else if (c == '\r') {
                count++;
                cr = true;
            } else {
                cr = false;
            }
        }
        return count;
    }
}

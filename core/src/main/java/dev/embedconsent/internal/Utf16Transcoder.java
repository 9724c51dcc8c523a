package dev.embedconsent.internal;

/**
 * Lossless streaming conversion between UTF-16 (either byte order) and WTF-8, the UTF-8 superset that also encodes lone
 * surrogates, so that UTF-16 pages can go through the byte tokenizer and come back byte-identical, even when they hold
 * unpaired surrogates. Create one per direction and page; not thread-safe.
 *
 * <pre>{@code
 * Utf16Transcoder in = Utf16Transcoder.toWtf8(false);   // UTF-16LE bytes -> WTF-8
 * int n = in.convert(utf16, 0, len, wtf8Buffer);         // may keep a partial code unit for the next call
 * }</pre>
 */
public final class Utf16Transcoder {
    private final boolean bigEndian;
    private final boolean toWtf8;
    /** A leftover byte of a code unit (to WTF-8), or of a multi-byte sequence (from WTF-8). */
    private final byte[] pending = new byte[4];
    private int pendingLength;
    /** A high surrogate waiting for its low half (to WTF-8). */
    private int highSurrogate = -1;
    private int dangling = -1;

    private Utf16Transcoder(boolean bigEndian, boolean toWtf8) {
        this.bigEndian = bigEndian;
        this.toWtf8 = toWtf8;
    }

    /** Converts UTF-16 bytes to WTF-8. */
    public static Utf16Transcoder toWtf8(boolean bigEndian) {
        return new Utf16Transcoder(bigEndian, true);
    }

    /** Converts WTF-8 bytes back to UTF-16. */
    public static Utf16Transcoder fromWtf8(boolean bigEndian) {
        return new Utf16Transcoder(bigEndian, false);
    }

    /** The most bytes {@link #convert} writes for {@code length} input bytes. */
    public static int maxOutput(int length) {
        return length * 2 + 16;
    }

    /** Converts {@code in[off, off+len)} into {@code out} from index 0; returns the number of bytes written. */
    public int convert(byte[] in, int off, int len, byte[] out) {
        return toWtf8 ? utf16ToWtf8(in, off, len, out) : wtf8ToUtf16(in, off, len, out);
    }

    /** Writes what is left at the end of input (a dangling byte or surrogate) and returns its length. */
    public int finish(byte[] out) {
        int o = 0;
        if (toWtf8) {
            if (highSurrogate >= 0) {
                o = putUtf8(highSurrogate, out, o);
                highSurrogate = -1;
            }
            // An odd trailing byte cannot be a code unit; the caller passes it through as it is.
            dangling = pendingLength == 1 ? pending[0] & 0xFF : -1;
        } else {
            for (int k = 0; k < pendingLength; k++) {
                out[o++] = pending[k];
            }
        }
        pendingLength = 0;
        return o;
    }

    /** After {@link #finish}: an odd trailing byte of the UTF-16 input, or -1. */
    public int danglingByte() {
        return dangling;
    }

    private int utf16ToWtf8(byte[] in, int off, int len, byte[] out) {
        int o = 0;
        int i = off;
        int end = off + len;
        while (i < end) {
            int unit;
            if (pendingLength == 1) {
                unit = unit(pending[0], in[i]);
                pendingLength = 0;
                i++;
            } else if (i + 1 < end) {
                unit = unit(in[i], in[i + 1]);
                i += 2;
            } else {
                pending[0] = in[i];
                pendingLength = 1;
                i++;
                continue;
            }
            o = putUnit(unit, out, o);
        }
        return o;
    }

    private int unit(byte first, byte second) {
        return bigEndian ? ((first & 0xFF) << 8) | (second & 0xFF) : ((second & 0xFF) << 8) | (first & 0xFF);
    }

    private int putUnit(int unit, byte[] out, int o) {
        if (highSurrogate >= 0) {
            if (unit >= 0xDC00 && unit <= 0xDFFF) {
                int cp = 0x10000 + ((highSurrogate - 0xD800) << 10) + (unit - 0xDC00);
                highSurrogate = -1;
                return putUtf8(cp, out, o);
            }
            o = putUtf8(highSurrogate, out, o);
            highSurrogate = -1;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            highSurrogate = unit;
            return o;
        }
        return putUtf8(unit, out, o);
    }

    /** Writes {@code cp} (any code point, a lone surrogate included) as UTF-8 at {@code out[o]}; returns the end. */
    static int putUtf8(int cp, byte[] out, int o) {
        if (cp < 0x80) {
            out[o++] = (byte) cp;
        } else if (cp < 0x800) {
            out[o++] = (byte) (0xC0 | cp >> 6);
            out[o++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[o++] = (byte) (0xE0 | cp >> 12);
            out[o++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[o++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[o++] = (byte) (0xF0 | cp >> 18);
            out[o++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[o++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[o++] = (byte) (0x80 | cp & 0x3F);
        }
        return o;
    }

    private int wtf8ToUtf16(byte[] in, int off, int len, byte[] out) {
        int o = 0;
        for (int i = off, end = off + len; i < end; i++) {
            byte b = in[i];
            if (pendingLength == 0 && b >= 0) {
                o = putUnit16(b, out, o);
                continue;
            }
            pending[pendingLength++] = b;
            int need = sequenceLength(pending[0]);
            if (need == 0) {
                // Not a lead byte: cannot come from our own output; written as a code unit of its own.
                o = putUnit16(pending[0] & 0xFF, out, o);
                pendingLength = 0;
            } else if (pendingLength == need) {
                int cp = decode(need);
                pendingLength = 0;
                if (cp >= 0x10000) {
                    o = putUnit16(0xD800 + ((cp - 0x10000) >> 10), out, o);
                    o = putUnit16(0xDC00 + ((cp - 0x10000) & 0x3FF), out, o);
                } else {
                    o = putUnit16(cp, out, o);
                }
            }
        }
        return o;
    }

    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    }

    private int decode(int length) {
        int cp = pending[0] & (0xFF >> (length + 1));
        for (int k = 1; k < length; k++) {
            cp = (cp << 6) | (pending[k] & 0x3F);
        }
        return cp;
    }

    private int putUnit16(int unit, byte[] out, int o) {
        if (bigEndian) {
            out[o++] = (byte) (unit >> 8);
            out[o++] = (byte) unit;
        } else {
            out[o++] = (byte) unit;
            out[o++] = (byte) (unit >> 8);
        }
        return o;
    }
}

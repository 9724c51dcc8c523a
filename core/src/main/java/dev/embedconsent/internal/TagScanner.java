package dev.embedconsent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The fast path of the tokenizer: reads a start or end tag that lies whole in the current chunk, in one pass over its
 * bytes, into the {@link TagBuffer} the state machine of {@link HtmlTokenizer} also writes, and reports it to the
 * handler. It knows the common shape of a tag (name, attributes with quoted, unquoted or no values, a final
 * {@code />}) and nothing else: at the end of the chunk or the tag cap, or at anything that is no start or end tag
 * ({@code <!}, {@code </>}, a {@code <} before a non-letter), it gives up and the state machine reads from the
 * {@code <}, with the same outcome the specification's states give.
 *
 * <p>Also holds the byte classes both paths use.
 */
final class TagScanner {
    private static final byte[] CLASS = new byte[256];
    private static final int WHITESPACE = 1;
    /** Whitespace, '/' and '>': end a tag name. */
    private static final int ENDS_NAME = 2;
    /** Whitespace, '/', '>' and '=': end an attribute name. */
    private static final int ENDS_ATTRIBUTE_NAME = 4;
    /** Whitespace and '>': end an unquoted attribute value. */
    private static final int ENDS_UNQUOTED_VALUE = 8;

    static {
        for (byte c : new byte[] {' ', '\t', '\n', '\f', '\r'}) {
            CLASS[c] = WHITESPACE | ENDS_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED_VALUE;
        }
        CLASS['/'] = ENDS_NAME | ENDS_ATTRIBUTE_NAME;
        CLASS['>'] = ENDS_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED_VALUE;
        CLASS['='] = ENDS_ATTRIBUTE_NAME;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final TagBuffer tag;
    private final HtmlTokenizer tokenizer;
    private final TokenHandler handler;

    TagScanner(TagBuffer tag, HtmlTokenizer tokenizer, TokenHandler handler) {
        this.tag = tag;
        this.tokenizer = tokenizer;
        this.handler = handler;
    }

    /**
     * Reads the tag whose {@code <} is {@code a[lt]}, at absolute position {@code position}, when it ends before
     * {@code limit}, and reports it; returns the index after its {@code >}, or -1 when the state machine has to read
     * it (the buffer may then hold part of it).
     *
     * <p>Reading and reporting are one method, with the attribute count and the name in locals, so that the JIT
     * compiles the common case as one unit; this shape measured as fast as the code it replaced.
     */
    int scan(byte[] a, int lt, int limit, long position) {
        tag.begin(position, false);
        int i = lt + 1;
        if (i >= limit) {
            return -1;
        }
        byte c = a[i];
        if (c == '/') {
            if (++i >= limit || !isAlpha(a[i])) {
                return -1;
            }
            tag.endTag = true;
            if (!handler.readsEndTags()) {
                int gt = endOfUnreadEndTag(a, i, limit);
                if (gt >= 0) {
                    long end = position + (gt - lt) + 1;
                    handler.endTag(tokenizer, position, end);
                    tag.start = -1;
                    return gt + 1;
                }
            }
        } else if (!isAlpha(c)) {
            return -1;
        }
        // Tag name state: found first, then lowercased.
        int tagName = i;
        i = skipUntil(a, i + 1, limit, ENDS_NAME);
        if (i >= limit) {
            return -1;
        }
        readName(a, tagName, i);
        tag.nameEnd = i - lt;
        int count = 0;
        boolean record = true;
        while (true) {
            // Before attribute name, where after attribute name, after a quoted value and the self-closing start tag
            // state lead back to, with the same outcome for every byte.
            i = skipWhitespace(a, i, limit);
            if (i >= limit) {
                return -1;
            }
            c = a[i];
            if (c == '>') {
                break;
            }
            if (c == '/') {
                if (++i >= limit) {
                    return -1;
                }
                if (a[i] == '>') {
                    tag.selfClosing = true;
                    break;
                }
                continue;
            }
            // Attribute name: its first byte belongs to it even when it is '='.
            int nameStart = i;
            i = skipUntil(a, i + 1, limit, ENDS_ATTRIBUTE_NAME);
            if (i >= limit) {
                return -1;
            }
            if (record && count == TagBuffer.MAX_ATTRIBUTES) {
                record = false;
            }
            if (record) {
                tag.putAttribute(count, nameStart - lt, i - lt, -1, -1);
            }
            i = skipWhitespace(a, i, limit);
            if (i >= limit) {
                return -1;
            }
            if (a[i] != '=') {
                // '>', '/' or the next attribute: as in the before attribute name state.
                if (record) {
                    count++;
                }
                continue;
            }
            i = skipWhitespace(a, i + 1, limit);
            if (i >= limit) {
                return -1;
            }
            c = a[i];
            if (c == '"' || c == '\'') {
                int q = ByteScan.indexOf(a, i + 1, limit, c);
                if (q >= limit) {
                    return -1;
                }
                if (record) {
                    tag.putValue(count++, i + 1 - lt, q - lt);
                }
                i = q + 1;
                continue;
            }
            if (c == '>') {
                if (record) {
                    count++;
                }
                break;
            }
            int valueStart = i;
            i = skipUntil(a, i, limit, ENDS_UNQUOTED_VALUE);
            if (i >= limit) {
                return -1;
            }
            if (record) {
                tag.putValue(count++, valueStart - lt, i - lt);
            }
            if (a[i] == '>') {
                break;
            }
            i++;
        }
        tag.attributesRead(count);
        long end = position + (i - lt) + 1;
        if (tag.endTag) {
            handler.endTag(tokenizer, position, end);
        } else {
            handler.startTag(tokenizer, position, end);
        }
        tag.start = -1;
        return i + 1;
    }

    /**
     * The index of the {@code >} that ends the end tag whose name starts at {@code a[from]}, when it can be found
     * without reading the name and attributes: a {@code >} before any {@code =} ends it, since only a value can hold
     * a {@code >} that does not. Else -1: an {@code =} came first (the tag is read in full), or the end tag does not
     * end before {@code limit}.
     */
    private static int endOfUnreadEndTag(byte[] a, int from, int limit) {
        int i = ByteScan.indexOfEither(a, from, limit, (byte) '>', (byte) '=');
        return i < limit && a[i] == '>' ? i : -1;
    }

    /**
     * Lowercases the tag name {@code a[from, to)} into the buffer, with its first eight bytes packed. A name of up to
     * eight bytes (nearly all) is read as one word and lowercased at once; the bytes after it are masked off.
     */
    private void readName(byte[] a, int from, int to) {
        int length = to - from;
        byte[] name = tag.name;
        long prefix = 0;
        if (length <= 8 && from <= a.length - 8) {
            prefix = toLowerAscii((long) LONGS.get(a, from)) & (-1L >>> (64 - 8 * length));
            LONGS.set(name, 0, prefix);
        } else {
            for (int k = 0; k < length; k++) {
                byte lower = toLower(a[from + k]);
                if (k < 8) {
                    prefix |= (lower & 0xFFL) << (8 * k);
                }
                if (k < ElementNames.MAX_LENGTH) {
                    name[k] = lower;
                }
            }
        }
        tag.setName(prefix, length);
    }

    /** {@link #toLower} on each of the eight bytes of {@code x}. */
    private static long toLowerAscii(long x) {
        long heptets = x & ~HIGHS;
        // The high bit of each byte: set from 'A' (0x41) up, and from '[' (0x5B) up; no carry leaves a byte. Bytes
        // with the high bit set are no letters.
        long fromA = heptets + ONES * (0x80 - 'A');
        long afterZ = heptets + ONES * (0x80 - 'Z' - 1);
        long upper = fromA & ~afterZ & ~x & HIGHS;
        return x | (upper >>> 2);
    }

    private static int skipWhitespace(byte[] a, int from, int to) {
        int i = from;
        while (i < to && (CLASS[a[i] & 0xFF] & WHITESPACE) != 0) {
            i++;
        }
        return i;
    }

    /** The index of the first byte in {@code a[from, to)} of one of the classes {@code mask}, or {@code to}. */
    private static int skipUntil(byte[] a, int from, int to, int mask) {
        int i = from;
        while (i < to && (CLASS[a[i] & 0xFF] & mask) == 0) {
            i++;
        }
        return i;
    }

    /** Whitespace, '/' or '>'. */
    static boolean endsName(byte c) {
        return (CLASS[c & 0xFF] & ENDS_NAME) != 0;
    }

    /** Tab, LF, FF, space, and CR (which input preprocessing turns into LF). */
    static boolean isWhitespace(byte c) {
        return (CLASS[c & 0xFF] & WHITESPACE) != 0;
    }

    static byte toLower(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    static boolean isAlpha(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}

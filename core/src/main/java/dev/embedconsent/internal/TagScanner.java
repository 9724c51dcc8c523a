package dev.embedconsent.internal;

/**
 * The fast path of the tokenizer: reads a start or end tag that lies whole in the current chunk, in one pass over its
 * bytes, into the {@link TagBuffer} the state machine of {@link HtmlTokenizer} also writes. It knows the common shape
 * of a tag (name, attributes with quoted, unquoted or no values, a final {@code />}) and nothing else: at the end of
 * the chunk or the tag cap, or at anything unusual (a {@code /} inside the tag, {@code <!}, {@code </>}), it gives up
 * and the state machine reads the tag from its {@code <}, with the same outcome the specification's states give.
 *
 * <p>Also holds the byte classes both use.
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

    private final TagBuffer tag;

    TagScanner(TagBuffer tag) {
        this.tag = tag;
    }

    /**
     * Reads the tag whose {@code <} is {@code a[lt]}, at absolute position {@code position}, when it ends before
     * {@code limit}; returns the index of its {@code >}, or -1 when the state machine has to read it (the buffer may
     * then hold part of it).
     */
    int scan(byte[] a, int lt, int limit, long position) {
        int i = lt + 1;
        if (i >= limit) {
            return -1;
        }
        boolean endTag = a[i] == '/';
        if (endTag && ++i >= limit) {
            return -1;
        }
        if (!isAlpha(a[i])) {
            return -1;
        }
        tag.begin(position, endTag);
        i = tag.appendName(a, i, limit);
        if (i >= limit) {
            return -1;
        }
        tag.nameEnd = i - lt;
        while (true) {
            // Before attribute name, where after attribute name and after a quoted value lead back to, with the same
            // outcome for every byte.
            i = skipWhitespace(a, i, limit);
            if (i >= limit) {
                return -1;
            }
            byte c = a[i];
            if (c == '>') {
                return i;
            }
            if (c == '/') {
                if (i + 1 < limit && a[i + 1] == '>') {
                    tag.selfClosing = true;
                    return i + 1;
                }
                return -1;
            }
            // Attribute name: its first byte belongs to it even when it is '='.
            tag.beginAttribute(i - lt);
            i = skipUntil(a, i + 1, limit, ENDS_ATTRIBUTE_NAME);
            if (i >= limit) {
                return -1;
            }
            tag.endAttributeName(i - lt);
            i = skipWhitespace(a, i, limit);
            if (i >= limit) {
                return -1;
            }
            if (a[i] != '=') {
                continue;
            }
            i = skipWhitespace(a, i + 1, limit);
            if (i >= limit) {
                return -1;
            }
            c = a[i];
            if (c == '>') {
                return i;
            }
            int valueStart = c == '"' || c == '\'' ? i + 1 : i;
            i = c == '"' || c == '\'' ? ByteScan.indexOf(a, i + 1, limit, c)
                    : skipUntil(a, i, limit, ENDS_UNQUOTED_VALUE);
            if (i >= limit) {
                return -1;
            }
            tag.beginValue(valueStart - lt);
            tag.endValue(i - lt);
            if (a[i] == '>') {
                return i;
            }
            i++;
        }
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

    static boolean isAlpha(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}

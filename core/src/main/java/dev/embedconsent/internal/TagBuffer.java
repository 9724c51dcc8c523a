package dev.embedconsent.internal;

import java.util.Arrays;

/**
 * The tag being tokenized, written by both the {@link TagScanner} (whole tags within a chunk) and the state machine of
 * {@link HtmlTokenizer} (everything else): where its {@code <} is, whether it is an end tag, its lowercase name (the
 * first {@link ElementNames#MAX_LENGTH} bytes, packed for {@link ElementNames#lookup(long, byte[], int)}), the
 * self-closing flag, and for each attribute the offsets of its name and value relative to the {@code <}. Beyond
 * {@link #MAX_ATTRIBUTES} attributes nothing more is recorded. One instance per tokenizer, reused for every tag.
 */
final class TagBuffer {
    static final int MAX_ATTRIBUTES = 1024;

    /** Absolute position of the tag's {@code <}, or -1 between tags. */
    long start = -1;
    boolean endTag;
    boolean selfClosing;
    /** Written directly by the scanner's name loop. */
    final byte[] name = new byte[ElementNames.MAX_LENGTH];
    /** Up to {@code MAX_LENGTH + 1}, which stands for any longer name. */
    private int nameLength;
    private long namePrefix;
    /** The name's id once looked up, else -1. */
    private int nameId = -1;
    /** Offset of the end of the name relative to the {@code <}. */
    int nameEnd;

    private int attributeCount;
    /** Whether the attribute in progress is being recorded. */
    private boolean recording;
    private int[] attrNameStart = new int[16];
    private int[] attrNameEnd = new int[16];
    private int[] attrValueStart = new int[16];
    private int[] attrValueEnd = new int[16];

    /** Starts a tag whose {@code <} is at {@code position}, with no name and no attributes yet. */
    void begin(long position, boolean isEndTag) {
        resetName();
        beginKeepingName(position, isEndTag);
    }

    /** Starts a tag whose name was already read (an end tag in a text state). */
    void beginKeepingName(long position, boolean isEndTag) {
        start = position;
        endTag = isEndTag;
        selfClosing = false;
        attributeCount = 0;
        recording = false;
    }

    void resetName() {
        nameLength = 0;
        namePrefix = 0;
        nameId = -1;
    }

    /**
     * Appends bytes of {@code a[from, to)} to the name, lowercased, up to the first byte that ends a tag name
     * (whitespace, {@code /}, {@code >}); returns the index of that byte, or {@code to}.
     */
    int appendName(byte[] a, int from, int to) {
        int length = nameLength;
        long prefix = namePrefix;
        int i = from;
        for (; i < to; i++) {
            byte c = a[i];
            if (TagScanner.endsName(c)) {
                break;
            }
            byte lower = TagScanner.toLower(c);
            if (length < 8) {
                prefix |= (lower & 0xFFL) << (8 * length);
            }
            if (length < ElementNames.MAX_LENGTH) {
                name[length] = lower;
            }
            length++;
        }
        nameLength = Math.min(length, ElementNames.MAX_LENGTH + 1);
        namePrefix = prefix;
        return i;
    }

    /** The name the scanner read: its packed first bytes and its length. */
    void setName(long prefix, int length) {
        namePrefix = prefix;
        nameLength = Math.min(length, ElementNames.MAX_LENGTH + 1);
    }

    /** Appends one letter (the text states read end tag names a letter at a time). */
    void appendName(byte c) {
        byte lower = TagScanner.toLower(c);
        if (nameLength < 8) {
            namePrefix |= (lower & 0xFFL) << (8 * nameLength);
        }
        if (nameLength < ElementNames.MAX_LENGTH) {
            name[nameLength] = lower;
        }
        if (nameLength <= ElementNames.MAX_LENGTH) {
            nameLength++;
        }
    }

    /** Whether the name is exactly {@code expected} (lowercase). */
    boolean nameIs(byte[] expected) {
        return nameLength == expected.length && Arrays.equals(name, 0, nameLength, expected, 0, expected.length);
    }

    int id(ElementNames names) {
        int id = nameId;
        if (id < 0) {
            id = nameLength > ElementNames.MAX_LENGTH ? ElementNames.OTHER : names.lookup(namePrefix, name, nameLength);
            nameId = id;
        }
        return id;
    }

    /** Copies the name into {@code dst}; see {@link HtmlTokenizer#tagName}. */
    int copyName(byte[] dst) {
        System.arraycopy(name, 0, dst, 0, Math.min(nameLength, ElementNames.MAX_LENGTH));
        return nameLength;
    }

    // Attributes; offsets are relative to the tag's '<'.

    /** Starts an attribute whose name begins at {@code nameStart}; its ends and value are set as they are read. */
    void beginAttribute(int nameStart) {
        recording = attributeCount < MAX_ATTRIBUTES;
        if (recording) {
            putAttribute(attributeCount++, nameStart, nameStart, -1, -1);
        }
    }

    /**
     * Sets attribute {@code k}, at most one past the last; {@code valueStart} is -1 when it has no value. The
     * scanner counts the attributes of a whole tag itself and ends with {@link #attributesRead}.
     */
    void putAttribute(int k, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (k == attrNameStart.length) {
            growAttributes(k * 2);
        }
        attrNameStart[k] = nameStart;
        attrNameEnd[k] = nameEnd;
        attrValueStart[k] = valueStart;
        attrValueEnd[k] = valueEnd;
    }

    /** Sets the value of attribute {@code k}, put before. */
    void putValue(int k, int valueStart, int valueEnd) {
        attrValueStart[k] = valueStart;
        attrValueEnd[k] = valueEnd;
    }

    void attributesRead(int count) {
        attributeCount = count;
        recording = false;
    }

    private void growAttributes(int n) {
        attrNameStart = Arrays.copyOf(attrNameStart, n);
        attrNameEnd = Arrays.copyOf(attrNameEnd, n);
        attrValueStart = Arrays.copyOf(attrValueStart, n);
        attrValueEnd = Arrays.copyOf(attrValueEnd, n);
    }

    void endAttributeName(int offset) {
        if (recording) {
            attrNameEnd[attributeCount - 1] = offset;
        }
    }

    void beginValue(int offset) {
        if (recording) {
            attrValueStart[attributeCount - 1] = offset;
            attrValueEnd[attributeCount - 1] = offset;
        }
    }

    void endValue(int offset) {
        if (recording) {
            attrValueEnd[attributeCount - 1] = offset;
        }
    }

    /** Ends the attribute name ({@code inValue} false) or value in progress at {@code offset}. */
    void closeOpenAttribute(int offset, boolean inValue) {
        if (!recording || attributeCount == 0) {
            return;
        }
        if (inValue) {
            attrValueEnd[attributeCount - 1] = offset;
        } else {
            attrNameEnd[attributeCount - 1] = offset;
        }
    }

    int attributeCount() {
        return attributeCount;
    }

    int attributeNameStart(int k) {
        return attrNameStart[k];
    }

    int attributeNameEnd(int k) {
        return attrNameEnd[k];
    }

    int attributeValueStart(int k) {
        return attrValueStart[k];
    }

    int attributeValueEnd(int k) {
        return attrValueEnd[k];
    }
}

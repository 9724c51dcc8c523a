package dev.embedconsent.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A resumable, byte-level HTML tokenizer that follows the WHATWG tokenizer states which decide what is a tag: data,
 * tags and attributes (all quote styles), comments (including bogus comments, {@code <!-->} and {@code --!>}),
 * DOCTYPE, CDATA sections (only when {@link #setForeignContent foreign content} is set), RCDATA, RAWTEXT, script data
 * with its escaped and double-escaped states, and PLAINTEXT, with the "appropriate end tag" rule.
 *
 * <p>It works on bytes of an ASCII-compatible encoding, in whatever chunks they arrive, and creates no objects per
 * token: tag names are matched against {@link ElementNames} on bytes, attributes are recorded as offsets relative to
 * the tag's {@code <}. Character tokens are not produced; text is skipped eight bytes at a time. The caller, acting as
 * tree builder, switches states after start tags:
 *
 * <pre>{@code
 * HtmlTokenizer t = new HtmlTokenizer(names, handler);
 * t.feed(bytes, 0, bytes.length, 0);          // handler.startTag(...) may call t.switchTo(HtmlTokenizer.RAWTEXT, id)
 * }</pre>
 */
public final class HtmlTokenizer {
    public static final int DATA = 0;
    public static final int RCDATA = 1;
    public static final int RAWTEXT = 2;
    public static final int SCRIPT_DATA = 3;
    public static final int PLAINTEXT = 4;
    public static final int CDATA_SECTION = 5;

    private static final int TAG_OPEN = 6;
    private static final int END_TAG_OPEN = 7;
    private static final int TAG_NAME = 8;
    /** RCDATA/RAWTEXT/script data (escaped) less-than sign state; {@link #textState} says which. */
    private static final int TEXT_LT = 9;
    private static final int TEXT_END_TAG_OPEN = 10;
    private static final int TEXT_END_TAG_NAME = 11;
    private static final int SCRIPT_ESCAPE_START = 12;
    private static final int SCRIPT_ESCAPE_START_DASH = 13;
    private static final int SCRIPT_ESCAPED = 14;
    private static final int SCRIPT_ESCAPED_DASH = 15;
    private static final int SCRIPT_ESCAPED_DASH_DASH = 16;
    private static final int SCRIPT_DOUBLE_ESCAPE_START = 17;
    private static final int SCRIPT_DOUBLE_ESCAPED = 18;
    private static final int SCRIPT_DOUBLE_ESCAPED_DASH = 19;
    private static final int SCRIPT_DOUBLE_ESCAPED_DASH_DASH = 20;
    private static final int SCRIPT_DOUBLE_ESCAPED_LT = 21;
    private static final int SCRIPT_DOUBLE_ESCAPE_END = 22;
    private static final int BEFORE_ATTR_NAME = 23;
    private static final int ATTR_NAME = 24;
    private static final int AFTER_ATTR_NAME = 25;
    private static final int BEFORE_ATTR_VALUE = 26;
    private static final int ATTR_VALUE_DQ = 27;
    private static final int ATTR_VALUE_SQ = 28;
    private static final int ATTR_VALUE_UNQ = 29;
    private static final int AFTER_ATTR_VALUE_QUOTED = 30;
    private static final int SELF_CLOSING_START_TAG = 31;
    private static final int MARKUP_DECLARATION_OPEN = 32;
    /** Bogus comment and every DOCTYPE state: all of them end at the first {@code >}. */
    private static final int BOGUS_COMMENT = 33;
    private static final int COMMENT_START = 34;
    private static final int COMMENT_START_DASH = 35;
    private static final int COMMENT = 36;
    private static final int COMMENT_END_DASH = 37;
    private static final int COMMENT_END = 38;
    private static final int COMMENT_END_BANG = 39;
    private static final int CDATA_BRACKET = 40;
    private static final int CDATA_END = 41;

    private static final byte[] DASHES = {'-', '-'};
    private static final byte[] CDATA_OPEN = {'[', 'C', 'D', 'A', 'T', 'A', '['};
    private static final byte[] SCRIPT = {'s', 'c', 'r', 'i', 'p', 't'};
    private static final int MAX_ATTRIBUTES = 1024;

    /** Byte classes for the tag states' inner loops. */
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

    private final ElementNames names;
    private final TokenHandler handler;

    private int state = DATA;
    /** The text state an end-tag attempt returns to: RCDATA, RAWTEXT, SCRIPT_DATA or SCRIPT_ESCAPED. */
    private int textState = DATA;
    private boolean foreignContent;

    /** Appropriate end tag name (the last start tag's), lowercase. */
    private byte[] lastStartTag = new byte[0];

    private long tagStart = -1;
    private boolean endTag;
    private boolean selfClosing;
    private final byte[] name = new byte[ElementNames.MAX_LENGTH];
    private int nameLength;
    /** The name's first eight bytes, packed for {@link ElementNames#lookup(long, byte[], int)}. */
    private long namePrefix;
    /** The current tag's id once looked up, else -1. */
    private int nameId = -1;
    private int nameEnd;
    /** Position of the {@code <} that may begin an end tag in a text state. */
    private long textLt;

    private int attributeCount;
    /** Whether the attribute in progress is being recorded (false beyond {@link #MAX_ATTRIBUTES}). */
    private boolean recording;
    private int[] attrNameStart = new int[16];
    private int[] attrNameEnd = new int[16];
    private int[] attrValueStart = new int[16];
    private int[] attrValueEnd = new int[16];

    private byte[] declaration = DASHES;
    private int declarationIndex;

    private long tagCap = Long.MAX_VALUE;
    private boolean tagCapReached;
    private boolean tagLimitLifted;
    private long stopAt = Long.MAX_VALUE;

    private boolean trackText;
    private boolean sawText;

    public HtmlTokenizer(ElementNames names, TokenHandler handler) {
        this.names = names;
        this.handler = handler;
    }

    /** Puts the tokenizer in a text state after a start tag (the tree builder's job), e.g. RAWTEXT after iframe. */
    public void switchTo(int textStateToEnter, int elementId) {
        switchTo(textStateToEnter, names.bytes(elementId));
    }

    /** Test hook: start in {@code initialState} as if {@code lastStartTagName} had been the last start tag. */
    public void switchTo(int initialState, byte[] lastStartTagName) {
        if (initialState < DATA || initialState > CDATA_SECTION) {
            throw new IllegalArgumentException("not an initial state: " + initialState);
        }
        state = initialState;
        textState = initialState;
        lastStartTag = lastStartTagName;
    }

    /** Whether the adjusted current node is not an HTML element; only then does {@code <![CDATA[} open a section. */
    public void setForeignContent(boolean foreign) {
        foreignContent = foreign;
    }

    /** Tags longer than this many bytes make {@link #feed} stop with {@link #tagCapReached()}. */
    public void setTagCap(long bytes) {
        tagCap = bytes;
    }

    /** Makes {@link #feed} return once it reaches absolute position {@code position}. */
    public void stopAt(long position) {
        stopAt = position;
    }

    /** While set, notes whether the data state sees anything but whitespace (for "still in head"). */
    public void trackText(boolean track) {
        trackText = track;
        sawText = false;
    }

    public boolean sawText() {
        return sawText;
    }

    /** Whether the last {@link #feed} stopped because the current tag reached the tag cap. */
    public boolean tagCapReached() {
        return tagCapReached;
    }

    /** Lets the capped tag go on without a cap; the caller no longer buffers it. */
    public void liftTagCap() {
        tagCapReached = false;
        tagLimitLifted = true;
    }

    /** Abandons whatever token is in progress and continues in the data state. */
    public void resetToData() {
        state = DATA;
        textState = DATA;
        tagStart = -1;
        tagCapReached = false;
    }

    /** The {@code <} of a start tag (or a possible one) in progress, or -1. */
    public long pendingStartTag() {
        return state == TAG_OPEN || (isTagState() && !endTag) ? tagStart : -1;
    }

    private boolean isTagState() {
        switch (state) {
            case TAG_NAME:
            case BEFORE_ATTR_NAME:
            case ATTR_NAME:
            case AFTER_ATTR_NAME:
            case BEFORE_ATTR_VALUE:
            case ATTR_VALUE_DQ:
            case ATTR_VALUE_SQ:
            case ATTR_VALUE_UNQ:
            case AFTER_ATTR_VALUE_QUOTED:
            case SELF_CLOSING_START_TAG:
                return true;
            default:
                return false;
        }
    }

    /**
     * The bytes that make a browser's tokenizer, in the current state, finish the token in progress and return to a
     * state where a following {@code <} opens a tag. Used to cut a neutralized embed short.
     */
    public String closer() {
        switch (state) {
            case ATTR_VALUE_DQ:
                return "\">";
            case ATTR_VALUE_SQ:
                return "'>";
            case TAG_OPEN:
            case END_TAG_OPEN:
            case TAG_NAME:
            case BEFORE_ATTR_NAME:
            case ATTR_NAME:
            case AFTER_ATTR_NAME:
            case BEFORE_ATTR_VALUE:
            case ATTR_VALUE_UNQ:
            case AFTER_ATTR_VALUE_QUOTED:
            case SELF_CLOSING_START_TAG:
            case MARKUP_DECLARATION_OPEN:
            case BOGUS_COMMENT:
                return ">";
            case COMMENT_START:
            case COMMENT_START_DASH:
            case COMMENT:
            case COMMENT_END_DASH:
            case COMMENT_END:
            case COMMENT_END_BANG:
                return "-->";
            case CDATA_SECTION:
            case CDATA_BRACKET:
            case CDATA_END:
                return "]]>";
            case DATA:
                return "";
            case PLAINTEXT:
                return "";
            default:
                return textCloser();
        }
    }

    private String textCloser() {
        String end = "</" + new String(lastStartTag, StandardCharsets.US_ASCII) + ">";
        // The space ends a partial "</scr" or "<!-" so the end tag that follows is seen whole. In script data a
        // second end tag leaves the double-escaped state too; where the first already ended the script, browsers
        // ignore the stray one.
        return nameIs(lastStartTag, SCRIPT) ? " " + end + end : " " + end;
    }

    /** The {@code <} of an end tag in progress, or of what may become one in a text state, or -1. */
    public long pendingEndTag() {
        switch (state) {
            case TEXT_LT:
            case TEXT_END_TAG_OPEN:
            case TEXT_END_TAG_NAME:
                return textLt;
            default:
                return tagStart >= 0 && endTag && isTagState() ? tagStart : -1;
        }
    }

    /** Whether the current token is an end tag (valid in callbacks and when the tag cap was reached). */
    public boolean isEndTag() {
        return endTag;
    }

    // Current tag, valid during a TokenHandler callback (and for a capped start tag).

    /**
     * Copies the lowercase tag name into {@code dst} (at least {@link ElementNames#MAX_LENGTH} long) and returns its
     * length; {@code MAX_LENGTH + 1} means longer than that, with only the first {@code MAX_LENGTH} bytes copied.
     */
    public int tagName(byte[] dst) {
        System.arraycopy(name, 0, dst, 0, Math.min(nameLength, ElementNames.MAX_LENGTH));
        return nameLength;
    }

    public int tagNameId() {
        int id = nameId;
        if (id < 0) {
            id = nameLength > ElementNames.MAX_LENGTH ? ElementNames.OTHER : names.lookup(namePrefix, name, nameLength);
            nameId = id;
        }
        return id;
    }

    /** Offset of the end of the tag name relative to the tag's {@code <}. */
    public int tagNameEnd() {
        return nameEnd;
    }

    public boolean selfClosing() {
        return selfClosing;
    }

    public int attributeCount() {
        return attributeCount;
    }

    /** Offsets (relative to the tag's {@code <}) of attribute {@code k}: name start, name end, value start, end. */
    public int attributeNameStart(int k) {
        return attrNameStart[k];
    }

    public int attributeNameEnd(int k) {
        return attrNameEnd[k];
    }

    /** -1 when the attribute has no value. */
    public int attributeValueStart(int k) {
        return attrValueStart[k];
    }

    public int attributeValueEnd(int k) {
        return attrValueEnd[k];
    }

    /**
     * Tokenizes {@code a[from, to)}, whose first byte is at absolute position {@code position}. Returns the index it
     * stopped at: {@code to}, or earlier when {@link #stopAt} or the tag cap was reached.
     */
    public int feed(byte[] a, int from, int to, long position) {
        final long base = position - from;
        int end = endIndex(to, base);
        int tagStop = tagStopIndex(base);
        tagCapReached = false;
        int i = from;
        while (i < end) {
            switch (state) {
                case DATA: {
                    i = data(a, i, end, base);
                    end = endIndex(to, base);
                    tagStop = tagStopIndex(base);
                    break;
                }
                case TAG_OPEN: {
                    byte c = a[i];
                    if (isAlpha(c)) {
                        tagStop = tagStopIndex(base);
                        state = TAG_NAME;
                    } else if (c == '!') {
                        state = MARKUP_DECLARATION_OPEN;
                        declaration = null;
                        declarationIndex = 0;
                        i++;
                    } else if (c == '/') {
                        state = END_TAG_OPEN;
                        i++;
                    } else if (c == '?') {
                        state = BOGUS_COMMENT;
                    } else {
                        if (trackText) {
                            sawText = true;
                        }
                        state = DATA;
                    }
                    break;
                }
                case END_TAG_OPEN: {
                    byte c = a[i];
                    if (isAlpha(c)) {
                        beginTag(true);
                        tagStop = tagStopIndex(base);
                        state = TAG_NAME;
                    } else if (c == '>') {
                        state = DATA;
                        i++;
                    } else {
                        state = BOGUS_COMMENT;
                    }
                    break;
                }
                case TAG_NAME: {
                    int limit = Math.min(end, tagStop);
                    while (i < limit && !endsName(a[i])) {
                        appendName(a[i]);
                        i++;
                    }
                    if (i == limit) {
                        if (limit < end) {
                            return capped(i);
                        }
                        break;
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        nameEnd = (int) (base + i - tagStart);
                        state = BEFORE_ATTR_NAME;
                    } else if (c == '/') {
                        nameEnd = (int) (base + i - tagStart);
                        state = SELF_CLOSING_START_TAG;
                    } else if (c == '>') {
                        nameEnd = (int) (base + i - tagStart);
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                        break;
                    }
                    i++;
                    break;
                }
                case BEFORE_ATTR_NAME: {
                    if (i >= tagStop) {
                        return capped(i);
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        i++;
                    } else if (c == '/' || c == '>') {
                        state = AFTER_ATTR_NAME;
                    } else {
                        // An '=' here starts an attribute name (parse error), like any other character.
                        beginAttribute(base + i);
                        state = ATTR_NAME;
                        i++;
                    }
                    break;
                }
                case ATTR_NAME: {
                    int limit = Math.min(end, tagStop);
                    while (i < limit && !endsName(a[i]) && a[i] != '=') {
                        i++;
                    }
                    if (i == limit) {
                        if (limit < end) {
                            return capped(i);
                        }
                        break;
                    }
                    endAttributeName(base + i);
                    if (a[i] == '=') {
                        state = BEFORE_ATTR_VALUE;
                        i++;
                    } else {
                        state = AFTER_ATTR_NAME;
                    }
                    break;
                }
                case AFTER_ATTR_NAME: {
                    if (i >= tagStop) {
                        return capped(i);
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        i++;
                    } else if (c == '/') {
                        state = SELF_CLOSING_START_TAG;
                        i++;
                    } else if (c == '=') {
                        state = BEFORE_ATTR_VALUE;
                        i++;
                    } else if (c == '>') {
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    } else {
                        beginAttribute(base + i);
                        state = ATTR_NAME;
                        i++;
                    }
                    break;
                }
                case BEFORE_ATTR_VALUE: {
                    if (i >= tagStop) {
                        return capped(i);
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        i++;
                    } else if (c == '"') {
                        beginValue(base + i + 1);
                        state = ATTR_VALUE_DQ;
                        i++;
                    } else if (c == '\'') {
                        beginValue(base + i + 1);
                        state = ATTR_VALUE_SQ;
                        i++;
                    } else if (c == '>') {
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    } else {
                        beginValue(base + i);
                        state = ATTR_VALUE_UNQ;
                    }
                    break;
                }
                case ATTR_VALUE_DQ:
                case ATTR_VALUE_SQ: {
                    int limit = Math.min(end, tagStop);
                    int q = ByteScan.indexOf(a, i, limit, state == ATTR_VALUE_DQ ? (byte) '"' : (byte) '\'');
                    if (q == limit) {
                        i = limit;
                        if (limit == tagStop && limit < end) {
                            return capped(i);
                        }
                        break;
                    }
                    endValue(base + q);
                    state = AFTER_ATTR_VALUE_QUOTED;
                    i = q + 1;
                    break;
                }
                case ATTR_VALUE_UNQ: {
                    int limit = Math.min(end, tagStop);
                    while (i < limit && a[i] != '>' && !isWhitespace(a[i])) {
                        i++;
                    }
                    if (i == limit) {
                        if (limit < end) {
                            return capped(i);
                        }
                        break;
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        endValue(base + i);
                        state = BEFORE_ATTR_NAME;
                        i++;
                    } else {
                        endValue(base + i);
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    }
                    break;
                }
                case AFTER_ATTR_VALUE_QUOTED: {
                    if (i >= tagStop) {
                        return capped(i);
                    }
                    byte c = a[i];
                    if (isWhitespace(c)) {
                        state = BEFORE_ATTR_NAME;
                        i++;
                    } else if (c == '/') {
                        state = SELF_CLOSING_START_TAG;
                        i++;
                    } else if (c == '>') {
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    } else {
                        state = BEFORE_ATTR_NAME;
                    }
                    break;
                }
                case SELF_CLOSING_START_TAG: {
                    if (i >= tagStop) {
                        return capped(i);
                    }
                    if (a[i] == '>') {
                        selfClosing = true;
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    } else {
                        state = BEFORE_ATTR_NAME;
                    }
                    break;
                }
                case MARKUP_DECLARATION_OPEN: {
                    byte c = a[i];
                    if (declaration == null) {
                        declaration = c == '-' ? DASHES : c == '[' && foreignContent ? CDATA_OPEN : null;
                        if (declaration == null) {
                            // DOCTYPE and everything else: a bogus comment and all DOCTYPE states end at '>'.
                            state = BOGUS_COMMENT;
                            break;
                        }
                    }
                    if (c != declaration[declarationIndex]) {
                        state = BOGUS_COMMENT;
                        break;
                    }
                    i++;
                    if (++declarationIndex == declaration.length) {
                        state = declaration == DASHES ? COMMENT_START : CDATA_SECTION;
                    }
                    break;
                }
                case BOGUS_COMMENT: {
                    int gt = ByteScan.indexOf(a, i, end, (byte) '>');
                    if (gt < end) {
                        state = DATA;
                        i = gt + 1;
                    } else {
                        i = end;
                    }
                    break;
                }
                case COMMENT_START: {
                    byte c = a[i];
                    if (c == '-') {
                        state = COMMENT_START_DASH;
                        i++;
                    } else if (c == '>') {
                        state = DATA;
                        i++;
                    } else {
                        state = COMMENT;
                    }
                    break;
                }
                case COMMENT_START_DASH: {
                    byte c = a[i];
                    if (c == '-') {
                        state = COMMENT_END;
                        i++;
                    } else if (c == '>') {
                        state = DATA;
                        i++;
                    } else {
                        state = COMMENT;
                    }
                    break;
                }
                case COMMENT: {
                    // The comment less-than sign states only report nested comments; they end nothing.
                    int dash = ByteScan.indexOf(a, i, end, (byte) '-');
                    if (dash < end) {
                        state = COMMENT_END_DASH;
                        i = dash + 1;
                    } else {
                        i = end;
                    }
                    break;
                }
                case COMMENT_END_DASH: {
                    if (a[i] == '-') {
                        state = COMMENT_END;
                        i++;
                    } else {
                        state = COMMENT;
                    }
                    break;
                }
                case COMMENT_END: {
                    byte c = a[i];
                    if (c == '>') {
                        state = DATA;
                        i++;
                    } else if (c == '!') {
                        state = COMMENT_END_BANG;
                        i++;
                    } else if (c == '-') {
                        i++;
                    } else {
                        state = COMMENT;
                    }
                    break;
                }
                case COMMENT_END_BANG: {
                    byte c = a[i];
                    if (c == '-') {
                        state = COMMENT_END_DASH;
                        i++;
                    } else if (c == '>') {
                        state = DATA;
                        i++;
                    } else {
                        state = COMMENT;
                    }
                    break;
                }
                case CDATA_SECTION: {
                    int bracket = ByteScan.indexOf(a, i, end, (byte) ']');
                    if (bracket < end) {
                        state = CDATA_BRACKET;
                        i = bracket + 1;
                    } else {
                        i = end;
                    }
                    break;
                }
                case CDATA_BRACKET: {
                    if (a[i] == ']') {
                        state = CDATA_END;
                        i++;
                    } else {
                        state = CDATA_SECTION;
                    }
                    break;
                }
                case CDATA_END: {
                    byte c = a[i];
                    if (c == '>') {
                        state = DATA;
                        i++;
                    } else if (c == ']') {
                        i++;
                    } else {
                        state = CDATA_SECTION;
                    }
                    break;
                }
                case RCDATA:
                case RAWTEXT:
                case SCRIPT_DATA: {
                    int lt = ByteScan.indexOf(a, i, end, (byte) '<');
                    if (lt == end) {
                        i = end;
                        break;
                    }
                    textState = state;
                    textLt = base + lt;
                    state = TEXT_LT;
                    i = lt + 1;
                    break;
                }
                case PLAINTEXT:
                    i = end;
                    break;
                case TEXT_LT: {
                    byte c = a[i];
                    if (c == '/') {
                        resetName();
                        state = TEXT_END_TAG_OPEN;
                        i++;
                    } else if (textState == SCRIPT_DATA && c == '!') {
                        state = SCRIPT_ESCAPE_START;
                        i++;
                    } else if (textState == SCRIPT_ESCAPED && isAlpha(c)) {
                        resetName();
                        state = SCRIPT_DOUBLE_ESCAPE_START;
                    } else {
                        state = textState;
                    }
                    break;
                }
                case TEXT_END_TAG_OPEN:
                    state = isAlpha(a[i]) ? TEXT_END_TAG_NAME : textState;
                    break;
                case TEXT_END_TAG_NAME: {
                    byte c = a[i];
                    if (isAlpha(c)) {
                        appendName(c);
                        i++;
                        break;
                    }
                    boolean delimiter = isWhitespace(c) || c == '/' || c == '>';
                    if (!delimiter || !isAppropriateEndTag()) {
                        state = textState;
                        break;
                    }
                    tagStart = textLt;
                    endTag = true;
                    selfClosing = false;
                    attributeCount = 0;
                    recording = false;
                    tagLimitLifted = false;
                    nameEnd = (int) (base + i - tagStart);
                    if (c == '>') {
                        i = emit(base, i);
                        end = endIndex(to, base);
                    } else {
                        state = c == '/' ? SELF_CLOSING_START_TAG : BEFORE_ATTR_NAME;
                        i++;
                    }
                    tagStop = tagStopIndex(base);
                    break;
                }
                case SCRIPT_ESCAPE_START:
                    if (a[i] == '-') {
                        state = SCRIPT_ESCAPE_START_DASH;
                        i++;
                    } else {
                        state = SCRIPT_DATA;
                    }
                    break;
                case SCRIPT_ESCAPE_START_DASH:
                    if (a[i] == '-') {
                        state = SCRIPT_ESCAPED_DASH_DASH;
                        i++;
                    } else {
                        state = SCRIPT_DATA;
                    }
                    break;
                case SCRIPT_ESCAPED: {
                    int hit = ByteScan.indexOfEither(a, i, end, (byte) '-', (byte) '<');
                    if (hit == end) {
                        i = end;
                        break;
                    }
                    escapedSpecial(a[hit], base + hit);
                    i = hit + 1;
                    break;
                }
                case SCRIPT_ESCAPED_DASH: {
                    byte c = a[i];
                    if (c == '-') {
                        state = SCRIPT_ESCAPED_DASH_DASH;
                        i++;
                    } else if (c == '<') {
                        escapedSpecial(c, base + i);
                        i++;
                    } else {
                        state = SCRIPT_ESCAPED;
                        i++;
                    }
                    break;
                }
                case SCRIPT_ESCAPED_DASH_DASH: {
                    byte c = a[i];
                    if (c == '-') {
                        i++;
                    } else if (c == '<') {
                        escapedSpecial(c, base + i);
                        i++;
                    } else if (c == '>') {
                        state = SCRIPT_DATA;
                        i++;
                    } else {
                        state = SCRIPT_ESCAPED;
                        i++;
                    }
                    break;
                }
                case SCRIPT_DOUBLE_ESCAPE_START: {
                    byte c = a[i];
                    if (isWhitespace(c) || c == '/' || c == '>') {
                        state = nameIs(SCRIPT) ? SCRIPT_DOUBLE_ESCAPED : SCRIPT_ESCAPED;
                        i++;
                    } else if (isAlpha(c)) {
                        appendName(c);
                        i++;
                    } else {
                        state = SCRIPT_ESCAPED;
                    }
                    break;
                }
                case SCRIPT_DOUBLE_ESCAPED: {
                    int hit = ByteScan.indexOfEither(a, i, end, (byte) '-', (byte) '<');
                    if (hit == end) {
                        i = end;
                        break;
                    }
                    state = a[hit] == '-' ? SCRIPT_DOUBLE_ESCAPED_DASH : SCRIPT_DOUBLE_ESCAPED_LT;
                    i = hit + 1;
                    break;
                }
                case SCRIPT_DOUBLE_ESCAPED_DASH:
                case SCRIPT_DOUBLE_ESCAPED_DASH_DASH: {
                    byte c = a[i];
                    if (c == '-') {
                        state = SCRIPT_DOUBLE_ESCAPED_DASH_DASH;
                    } else if (c == '<') {
                        state = SCRIPT_DOUBLE_ESCAPED_LT;
                    } else if (c == '>' && state == SCRIPT_DOUBLE_ESCAPED_DASH_DASH) {
                        state = SCRIPT_DATA;
                    } else {
                        state = SCRIPT_DOUBLE_ESCAPED;
                    }
                    i++;
                    break;
                }
                case SCRIPT_DOUBLE_ESCAPED_LT:
                    if (a[i] == '/') {
                        resetName();
                        state = SCRIPT_DOUBLE_ESCAPE_END;
                        i++;
                    } else {
                        state = SCRIPT_DOUBLE_ESCAPED;
                    }
                    break;
                case SCRIPT_DOUBLE_ESCAPE_END: {
                    byte c = a[i];
                    if (isWhitespace(c) || c == '/' || c == '>') {
                        state = nameIs(SCRIPT) ? SCRIPT_ESCAPED : SCRIPT_DOUBLE_ESCAPED;
                        i++;
                    } else if (isAlpha(c)) {
                        appendName(c);
                        i++;
                    } else {
                        state = SCRIPT_DOUBLE_ESCAPED;
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("tokenizer state " + state);
            }
        }
        return i;
    }

    /**
     * The data state, and the tags in it, in one loop for as long as the handler leaves the tokenizer in the data state
     * without a {@link #stopAt} limit. Returns where it stopped; {@link #state} says in which state.
     */
    private int data(byte[] a, int i, int end, long base) {
        while (true) {
            int lt = ByteScan.indexOf(a, i, end, (byte) '<');
            if (trackText && !sawText) {
                noteText(a, i, lt);
            }
            if (lt == end) {
                return end;
            }
            tagStart = base + lt;
            beginTag(false);
            int next = fastTag(a, lt, end, base);
            if (next < 0) {
                beginTag(false);
                state = TAG_OPEN;
                return lt + 1;
            }
            i = next;
            if (state != DATA || stopAt != Long.MAX_VALUE) {
                return i;
            }
        }
    }

    /**
     * Tokenizes a whole start or end tag whose {@code <} is {@code a[lt]} in one pass, as the tag states below would,
     * and emits it; returns the index after its {@code >}, or -1 when it does not begin with {@code <} or {@code </}
     * and a letter, or does not end before {@code end} (or the tag cap). On -1 the caller tokenizes it again from
     * {@code lt + 1} in the tag open state after {@link #beginTag} has reset the fields of the current tag, the only
     * ones written here.
     */
    private int fastTag(byte[] a, int lt, int end, long base) {
        int limit = end;
        if (tagCap != Long.MAX_VALUE) {
            long cap = tagStart + tagCap - base;
            if (cap < limit) {
                limit = (int) Math.max(cap, lt);
            }
        }
        int i = lt + 1;
        if (i >= limit) {
            return -1;
        }
        byte c = a[i];
        if (c == '/') {
            if (++i >= limit || !isAlpha(a[i])) {
                return -1;
            }
            endTag = true;
        } else if (!isAlpha(c)) {
            return -1;
        }
        // Tag name state.
        int length = 0;
        long prefix = 0;
        while (i < limit) {
            c = a[i];
            if ((CLASS[c & 0xFF] & ENDS_NAME) != 0) {
                break;
            }
            byte lower = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
            if (length < 8) {
                prefix |= (lower & 0xFFL) << (8 * length);
            }
            if (length < ElementNames.MAX_LENGTH) {
                name[length] = lower;
            }
            length++;
            i++;
        }
        if (i >= limit) {
            return -1;
        }
        namePrefix = prefix;
        nameLength = Math.min(length, ElementNames.MAX_LENGTH + 1);
        nameEnd = i - lt;
        int count = 0;
        boolean record = true;
        while (true) {
            // Before attribute name (also where after-attribute-name, after-attribute-value-quoted and the
            // self-closing start tag state lead back to, with the same outcome for every byte).
            while (i < limit && (CLASS[a[i] & 0xFF] & WHITESPACE) != 0) {
                i++;
            }
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
                    selfClosing = true;
                    break;
                }
                continue;
            }
            // Attribute name state; its first byte is part of the name even when it is '='.
            int nameStart = i++;
            while (i < limit && (CLASS[a[i] & 0xFF] & ENDS_ATTRIBUTE_NAME) == 0) {
                i++;
            }
            if (i >= limit) {
                return -1;
            }
            if (record && count == MAX_ATTRIBUTES) {
                record = false;
            }
            if (record) {
                if (count == attrNameStart.length) {
                    growAttributes(count * 2);
                }
                attrNameStart[count] = nameStart - lt;
                attrNameEnd[count] = i - lt;
                attrValueStart[count] = -1;
                attrValueEnd[count] = -1;
            }
            // After attribute name.
            while (i < limit && (CLASS[a[i] & 0xFF] & WHITESPACE) != 0) {
                i++;
            }
            if (i >= limit) {
                return -1;
            }
            if (a[i] != '=') {
                // '>', '/' or the start of the next attribute: as in the before attribute name state.
                if (record) {
                    count++;
                }
                continue;
            }
            i++;
            // Before attribute value.
            while (i < limit && (CLASS[a[i] & 0xFF] & WHITESPACE) != 0) {
                i++;
            }
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
                    attrValueStart[count] = i + 1 - lt;
                    attrValueEnd[count] = q - lt;
                    count++;
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
            while (i < limit && (CLASS[a[i] & 0xFF] & ENDS_UNQUOTED_VALUE) == 0) {
                i++;
            }
            if (i >= limit) {
                return -1;
            }
            if (record) {
                attrValueStart[count] = valueStart - lt;
                attrValueEnd[count] = i - lt;
                count++;
            }
            if (a[i] == '>') {
                break;
            }
            i++;
        }
        attributeCount = count;
        recording = false;
        return emit(base, i);
    }

    private void growAttributes(int n) {
        attrNameStart = Arrays.copyOf(attrNameStart, n);
        attrNameEnd = Arrays.copyOf(attrNameEnd, n);
        attrValueStart = Arrays.copyOf(attrValueStart, n);
        attrValueEnd = Arrays.copyOf(attrValueEnd, n);
    }

    /** A '-' or '<' in the script data escaped state. */
    private void escapedSpecial(byte c, long position) {
        if (c == '-') {
            state = SCRIPT_ESCAPED_DASH;
        } else {
            textState = SCRIPT_ESCAPED;
            textLt = position;
            state = TEXT_LT;
        }
    }

    private int capped(int i) {
        tagCapReached = true;
        return i;
    }

    private int endIndex(int to, long base) {
        if (stopAt == Long.MAX_VALUE) {
            return to;
        }
        long stop = stopAt - base;
        return stop < to ? (int) Math.max(stop, 0) : to;
    }

    private int tagStopIndex(long base) {
        if (tagStart < 0 || tagLimitLifted || tagCap == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long stop = tagStart + tagCap - base;
        return stop >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(stop, 0);
    }

    private void noteText(byte[] a, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isWhitespace(a[k])) {
                sawText = true;
                return;
            }
        }
    }

    private void beginTag(boolean end) {
        endTag = end;
        selfClosing = false;
        resetName();
        attributeCount = 0;
        recording = false;
        tagLimitLifted = false;
    }

    private void resetName() {
        nameLength = 0;
        namePrefix = 0;
        nameId = -1;
    }

    private void appendName(byte c) {
        byte lower = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
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

    private static boolean nameIs(byte[] actual, byte[] expected) {
        return Arrays.equals(actual, expected);
    }

    private boolean nameIs(byte[] expected) {
        return nameLength == expected.length && Arrays.equals(name, 0, nameLength, expected, 0, expected.length);
    }

    private boolean isAppropriateEndTag() {
        return lastStartTag.length > 0 && nameIs(lastStartTag);
    }

    private void beginAttribute(long position) {
        recording = attributeCount < MAX_ATTRIBUTES;
        if (!recording) {
            // A pathological tag; the attributes beyond this many are not recorded.
            return;
        }
        if (attributeCount == attrNameStart.length) {
            growAttributes(attributeCount * 2);
        }
        int k = attributeCount++;
        attrNameStart[k] = (int) (position - tagStart);
        attrNameEnd[k] = attrNameStart[k];
        attrValueStart[k] = -1;
        attrValueEnd[k] = -1;
    }

    private void endAttributeName(long position) {
        if (recording) {
            attrNameEnd[attributeCount - 1] = (int) (position - tagStart);
        }
    }

    private void beginValue(long position) {
        if (recording) {
            attrValueStart[attributeCount - 1] = (int) (position - tagStart);
            attrValueEnd[attributeCount - 1] = (int) (position - tagStart);
        }
    }

    private void endValue(long position) {
        if (recording) {
            attrValueEnd[attributeCount - 1] = (int) (position - tagStart);
        }
    }

    /** Emits the tag whose {@code >} is at {@code gt}; returns the index after it. */
    private int emit(long base, int gt) {
        state = DATA;
        long start = tagStart;
        long end = base + gt + 1;
        if (endTag) {
            handler.endTag(this, start, end);
        } else {
            handler.startTag(this, start, end);
        }
        tagStart = -1;
        return gt + 1;
    }

    /** Ends the attribute name or value in progress at {@code position}, so a capped tag's attributes can be read. */
    public void closeOpenAttribute(long position) {
        if (!recording || attributeCount == 0) {
            return;
        }
        int k = attributeCount - 1;
        int rel = (int) (position - tagStart);
        if (state == ATTR_NAME) {
            attrNameEnd[k] = rel;
        } else if (state == ATTR_VALUE_DQ || state == ATTR_VALUE_SQ || state == ATTR_VALUE_UNQ) {
            attrValueEnd[k] = rel;
        }
    }

    /** Whitespace, '/' or '>': ends a tag name or an attribute name. */
    private static boolean endsName(byte c) {
        return c == '>' || c == '/' || isWhitespace(c);
    }

    private static boolean isAlpha(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Tab, LF, FF, space, and CR (which input preprocessing turns into LF). */
    static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    }
}

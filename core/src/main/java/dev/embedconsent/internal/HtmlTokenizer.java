package dev.embedconsent.internal;

import static dev.embedconsent.internal.TagScanner.endsName;
import static dev.embedconsent.internal.TagScanner.isAlpha;
import static dev.embedconsent.internal.TagScanner.isWhitespace;

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
 * the tag's {@code <}, all in one {@link TagBuffer}. A tag that lies whole in the chunk is read by the
 * {@link TagScanner} in one pass; the states below take over at chunk and cap boundaries and for anything unusual,
 * writing into the same buffer. Character tokens are not produced; text is skipped eight bytes at a time. The
 * caller, acting as tree builder, switches states after start tags:
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

    private final ElementNames names;
    private final TokenHandler handler;
    private final TagBuffer tag = new TagBuffer();
    private final TagScanner scanner;

    private int state = DATA;
    /** The text state an end-tag attempt returns to: RCDATA, RAWTEXT, SCRIPT_DATA or SCRIPT_ESCAPED. */
    private int textState = DATA;
    private boolean foreignContent;
    private boolean cdataAmbiguous;

    /** Appropriate end tag name (the last start tag's), lowercase. */
    private byte[] lastStartTag = new byte[0];

    /** Position of the {@code <} that may begin an end tag in a text state. */
    private long textLt;

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
        this.scanner = new TagScanner(tag, this, handler);
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

    /**
     * Whether it is unknown if {@code <![CDATA[} opens a section: one then goes to
     * {@link TokenHandler#ambiguousCdata} and is read on in the data state.
     */
    public void setCdataAmbiguous(boolean ambiguous) {
        cdataAmbiguous = ambiguous;
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
        tag.start = -1;
        tagCapReached = false;
    }

    /** The {@code <} of a start tag (or a possible one) in progress, or -1. */
    public long pendingStartTag() {
        return state == TAG_OPEN || (isTagState() && !tag.endTag) ? tag.start : -1;
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
                return tag.start >= 0 && tag.endTag && isTagState() ? tag.start : -1;
        }
    }

    /** Whether the current token is an end tag (valid in callbacks and when the tag cap was reached). */
    public boolean isEndTag() {
        return tag.endTag;
    }

    // Current tag, valid during a TokenHandler callback (and for a capped start tag).

    /**
     * Copies the lowercase tag name into {@code dst} (at least {@link ElementNames#MAX_LENGTH} long) and returns its
     * length; {@code MAX_LENGTH + 1} means longer than that, with only the first {@code MAX_LENGTH} bytes copied.
     */
    public int tagName(byte[] dst) {
        return tag.copyName(dst);
    }

    public int tagNameId() {
        return tag.id(names);
    }

    /** Offset of the end of the tag name relative to the tag's {@code <}. */
    public int tagNameEnd() {
        return tag.nameEnd;
    }

    public boolean selfClosing() {
        return tag.selfClosing;
    }

    public int attributeCount() {
        return tag.attributeCount();
    }

    /** Offsets (relative to the tag's {@code <}) of attribute {@code k}: name start, name end, value start, end. */
    public int attributeNameStart(int k) {
        return tag.attributeNameStart(k);
    }

    public int attributeNameEnd(int k) {
        return tag.attributeNameEnd(k);
    }

    /** -1 when the attribute has no value. */
    public int attributeValueStart(int k) {
        return tag.attributeValueStart(k);
    }

    public int attributeValueEnd(int k) {
        return tag.attributeValueEnd(k);
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
                        beginTag(tag.start, true);
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
                    i = tag.appendName(a, i, limit);
                    if (i == limit) {
                        if (limit < end) {
                            return capped(i);
                        }
                        break;
                    }
                    byte c = a[i];
                    tag.nameEnd = offset(base, i);
                    if (isWhitespace(c)) {
                        state = BEFORE_ATTR_NAME;
                    } else if (c == '/') {
                        state = SELF_CLOSING_START_TAG;
                    } else if (c == '>') {
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
                        tag.beginAttribute(offset(base, i));
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
                    tag.endAttributeName(offset(base, i));
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
                        tag.beginAttribute(offset(base, i));
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
                        tag.beginValue(offset(base, i + 1));
                        state = ATTR_VALUE_DQ;
                        i++;
                    } else if (c == '\'') {
                        tag.beginValue(offset(base, i + 1));
                        state = ATTR_VALUE_SQ;
                        i++;
                    } else if (c == '>') {
                        i = emit(base, i);
                        end = endIndex(to, base);
                        tagStop = tagStopIndex(base);
                    } else {
                        tag.beginValue(offset(base, i));
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
                    tag.endValue(offset(base, q));
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
                        tag.endValue(offset(base, i));
                        state = BEFORE_ATTR_NAME;
                        i++;
                    } else {
                        tag.endValue(offset(base, i));
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
                        tag.selfClosing = true;
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
                        declaration = c == '-' ? DASHES
                                : c == '[' && (foreignContent || cdataAmbiguous) ? CDATA_OPEN : null;
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
                        if (declaration == CDATA_OPEN && cdataAmbiguous) {
                            state = DATA;
                            handler.ambiguousCdata(this, base + i);
                        } else {
                            state = declaration == DASHES ? COMMENT_START : CDATA_SECTION;
                        }
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
                        tag.resetName();
                        state = TEXT_END_TAG_OPEN;
                        i++;
                    } else if (textState == SCRIPT_DATA && c == '!') {
                        state = SCRIPT_ESCAPE_START;
                        i++;
                    } else if (textState == SCRIPT_ESCAPED && isAlpha(c)) {
                        tag.resetName();
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
                        tag.appendName(c);
                        i++;
                        break;
                    }
                    boolean delimiter = isWhitespace(c) || c == '/' || c == '>';
                    if (!delimiter || !isAppropriateEndTag()) {
                        state = textState;
                        break;
                    }
                    tag.beginKeepingName(textLt, true);
                    tagLimitLifted = false;
                    tag.nameEnd = offset(base, i);
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
                        state = tag.nameIs(SCRIPT) ? SCRIPT_DOUBLE_ESCAPED : SCRIPT_ESCAPED;
                        i++;
                    } else if (isAlpha(c)) {
                        tag.appendName(c);
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
                        tag.resetName();
                        state = SCRIPT_DOUBLE_ESCAPE_END;
                        i++;
                    } else {
                        state = SCRIPT_DOUBLE_ESCAPED;
                    }
                    break;
                case SCRIPT_DOUBLE_ESCAPE_END: {
                    byte c = a[i];
                    if (isWhitespace(c) || c == '/' || c == '>') {
                        state = tag.nameIs(SCRIPT) ? SCRIPT_ESCAPED : SCRIPT_DOUBLE_ESCAPED;
                        i++;
                    } else if (isAlpha(c)) {
                        tag.appendName(c);
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
     * without a {@link #stopAt} limit: each tag goes to the {@link TagScanner}, which reports it, and what the scanner
     * cannot read goes to the tag open state. Returns where it stopped; {@link #state} says in which state.
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
            i = scanner.scan(a, lt, scanLimit(lt, end), base + lt);
            if (i < 0) {
                beginTag(base + lt, false);
                state = TAG_OPEN;
                return lt + 1;
            }
            if (state != DATA || stopAt != Long.MAX_VALUE) {
                return i;
            }
        }
    }

    /** Where a tag whose {@code <} is {@code a[lt]} must end for the scanner: the chunk's end or the tag cap. */
    private int scanLimit(int lt, int end) {
        return tagCap < end - lt ? (int) (lt + tagCap) : end;
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
        if (tag.start < 0 || tagLimitLifted || tagCap == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long stop = tag.start + tagCap - base;
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

    private void beginTag(long position, boolean end) {
        tag.begin(position, end);
        tagLimitLifted = false;
    }

    /** Offset of {@code a[i]} relative to the current tag's {@code <}. */
    private int offset(long base, int i) {
        return (int) (base + i - tag.start);
    }

    private static boolean nameIs(byte[] actual, byte[] expected) {
        return Arrays.equals(actual, expected);
    }

    private boolean isAppropriateEndTag() {
        return lastStartTag.length > 0 && tag.nameIs(lastStartTag);
    }

    /** Emits the tag whose {@code >} is at {@code gt}; returns the index after it. */
    private int emit(long base, int gt) {
        state = DATA;
        long start = tag.start;
        long end = base + gt + 1;
        if (tag.endTag) {
            handler.endTag(this, start, end);
        } else {
            handler.startTag(this, start, end);
        }
        tag.start = -1;
        return gt + 1;
    }

    /** Ends the attribute name or value in progress at {@code position}, so a capped tag's attributes can be read. */
    public void closeOpenAttribute(long position) {
        int offset = (int) (position - tag.start);
        if (state == ATTR_NAME) {
            tag.closeOpenAttribute(offset, false);
        } else if (state == ATTR_VALUE_DQ || state == ATTR_VALUE_SQ || state == ATTR_VALUE_UNQ) {
            tag.closeOpenAttribute(offset, true);
        }
    }
}

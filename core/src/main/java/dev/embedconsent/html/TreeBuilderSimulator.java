package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.provider.Attributes;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of the HTML tree builder that decide how the bytes after a tag are tokenized, and nothing else: it never
 * builds a tree. It follows whether the document is still in {@code <head>}, the open SVG and MathML elements
 * ({@link ForeignContent}) with breakouts and integration points, which start tags go through the HTML rules, and
 * which elements make the tokenizer read their content as text (a {@code <noscript>} only with scripting on).
 *
 * <p>It is told about every tag the rewriter does not skip and answers with one feedback value, a set of the bits
 * below, that the rewriter applies to the tokenizer in one place: the text state to enter ({@link #TEXT_STATE}, one
 * of {@link HtmlTokenizer#RCDATA}, {@link HtmlTokenizer#RAWTEXT}, {@link HtmlTokenizer#SCRIPT_DATA},
 * {@link HtmlTokenizer#PLAINTEXT}, or 0 to stay in data), whether CDATA sections are recognised
 * ({@link #FOREIGN}), whether the head was left, and what the rewriter itself acts on: whether the start tag went
 * through the HTML rules and whether a {@code <noscript>} opened or closed.
 *
 * <p>A held embed is written into a {@code <template>}, so what its content opened does not outlive it: between
 * {@link #beginInertContent} and {@link #endInertContent} the held bytes are followed as the browser parses them, as
 * the content of that template (a fresh HTML context, see {@link ForeignContent#templateContent}), which also tells
 * the held embed which {@code template} tags it may keep; then the open elements from before come back.
 *
 * <p><b>More than one reading.</b> Where an end tag in foreign content reaches HTML elements that are not followed,
 * the browser may close one of them (and the foreign content above it) or ignore the end tag, and either can be true
 * ({@code <div><svg></div>} leaves the svg, {@code <p><svg></div>} does not). So besides the stack it follows
 * ({@link #foreign}) it keeps the other possible stacks ({@link #readings}) and feeds every tag to all of them. As long
 * as they disagree, a start tag on which the decision would differ (a text element, or an embed the HTML rules would
 * load) gets common ground first: the rewriter writes {@link #COMMON_GROUND} before it, a breakout that takes every
 * reading out of foreign content, so that the tag goes through the HTML rules in all of them. A {@code <![CDATA[}
 * where the readings disagree on whether it opens a section is closed at once ({@link #CDATA_AMBIGUOUS}). The
 * readings merge where they become the same stack. Beyond {@link #MAX_READINGS} they are no longer followed
 * ({@link #lost}): every such tag and CDATA section gets this treatment up to the end of the document.
 */
final class TreeBuilderSimulator {
    /** The text state the tokenizer enters; 0: it stays in the data state. */
    static final int TEXT_STATE = 0b111;
    /** The adjusted current node is foreign: {@code <![CDATA[} opens a CDATA section. */
    static final int FOREIGN = 1 << 3;
    /** The start tag ended the head: the tokenizer need no longer note text. */
    static final int LEFT_HEAD = 1 << 4;
    /** The start tag went through the HTML rules (and not the foreign-content ones). */
    static final int HTML_RULES = 1 << 5;
    /** A {@code <noscript>} whose content is parsed as markup by browsers without scripting. */
    static final int NOSCRIPT_OPENED = 1 << 6;
    static final int NOSCRIPT_CLOSED = 1 << 7;
    /** The token in progress was abandoned: the tokenizer reads on in the data state. */
    static final int RESET = 1 << 8;
    /**
     * Some of the possible readings (see below) take the adjusted current node as foreign and others do not: a
     * {@code <![CDATA[} is ended at once ({@link ByteRewriter#ambiguousCdata}).
     */
    static final int CDATA_AMBIGUOUS = 1 << 9;
    /** Markup that pops every possible reading out of foreign content to an HTML or integration-point node. */
    static final String COMMON_GROUND = "<span></span>";
    /** More readings than this: the rewriter no longer follows them and makes common ground before every tag. */
    static final int MAX_READINGS = 8;

    private static final int TEXT_ELEMENTS = ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
            | ElementNames.SCRIPT_ELEMENT | ElementNames.PLAINTEXT_ELEMENT;

    private final ElementNames names;
    private final CurrentTag tag;
    /** Content of a noscript: scripting is off, and the head state stays that of the noscript's position. */
    private final boolean scriptingOff;
    private boolean inHead;
    private ForeignContent foreign;
    /** Between {@link #beginInertContent} and {@link #endInertContent}. */
    private boolean inert;
    /** The foreign content to restore then; null when it was empty. */
    private @Nullable ForeignContent beforeInert;
    /** The foreign content outside, while {@link #templateContent} stands in for it. */
    private @Nullable ForeignContent outside;
    /** The held embed's template content, reused. */
    private final ForeignContent templateContent;
    private final byte[] tagName = new byte[ElementNames.MAX_LENGTH];
    /** The other possible stacks, outside held embeds; empty while the one followed is certain. */
    private final List<ForeignContent> readings = new ArrayList<>();
    /** There were more than {@link #MAX_READINGS} readings: any stack is possible from here on. */
    private boolean lost;
    /** No other reading, and not {@link #lost}: the stack followed is the browser's. */
    private boolean certain = true;

    TreeBuilderSimulator(ElementNames names, CurrentTag tag, boolean scriptingOff, boolean inHead) {
        this.names = names;
        this.tag = tag;
        this.scriptingOff = scriptingOff;
        this.inHead = inHead;
        this.foreign = new ForeignContent(names);
        this.templateContent = ForeignContent.templateContent(names);
    }

    boolean inHead() {
        return inHead;
    }

    /** Whether start tags that are not {@link ElementNames#NOTEWORTHY} change nothing here. */
    boolean ignoresOrdinaryStartTags() {
        return !inHead && foreign.isEmpty() && certain;
    }

    /** Whether the stack followed is certainly the browser's (no other reading). */
    boolean certain() {
        return certain;
    }

    /** Whether end tags change nothing here. */
    boolean ignoresEndTags() {
        return foreign.isEmpty() && certain;
    }

    /**
     * Whether a start tag with this id (outside a held embed) needs {@link #COMMON_GROUND} written before it: the
     * possible readings disagree on its text state or, for a candidate, on whether the HTML rules handle it.
     */
    boolean needsCommonGround(int id, int flags) {
        if (certain || inert) {
            return false;
        }
        boolean candidate = (flags & ElementNames.CANDIDATE) != 0;
        if ((flags & TEXT_ELEMENTS) == 0 && !candidate) {
            return false;
        }
        if (lost) {
            return true;
        }
        boolean breaksOut = (flags & ElementNames.BREAKOUT) != 0 && id != names.font;
        boolean html = breaksOut || foreign.htmlRulesFor(id);
        int textState = html ? textState(id, flags) : 0;
        for (ForeignContent reading : readings) {
            boolean h = breaksOut || reading.htmlRulesFor(id);
            if ((h ? textState(id, flags) : 0) != textState || (candidate && h != html)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #COMMON_GROUND} was written: every reading breaks out of foreign content. */
    void commonGround() {
        if (!foreign.htmlRulesFor(names.span)) {
            foreign.breakOut();
        }
        for (ForeignContent reading : readings) {
            if (!reading.htmlRulesFor(names.span)) {
                reading.breakOut();
            }
        }
        merge();
    }

    /**
     * A start tag {@code [start, end)}; {@code bytesAvailable} is false when it outgrew the tag cap (its attributes
     * cannot be read), {@code sawText} whether text came since the last tag while in the head.
     */
    int startTag(int id, int flags, boolean selfClosing, long start, long end, boolean bytesAvailable,
            boolean sawText) {
        boolean html = true;
        int nameLength = 0;
        if (foreign.isEmpty()) {
            // The name's bytes are only needed to open svg or math (and in a held embed, to note the name).
            if (id == names.svg || id == names.math || inert) {
                nameLength = tag.name(tagName);
            }
        } else {
            nameLength = tag.name(tagName);
            html = ruledByHtml(foreign, id, flags, start, end, bytesAvailable);
        }
        int feedback = 0;
        if (html) {
            feedback = HTML_RULES | textState(id, flags);
            if (inHead && !scriptingOff && (sawText || (flags & ElementNames.HEAD_CONTENT) == 0)) {
                inHead = false;
                feedback |= LEFT_HEAD;
            }
            if (id == names.noscript && !scriptingOff) {
                feedback |= NOSCRIPT_OPENED;
            }
            foreign.htmlStartTag(id, tagName, nameLength, selfClosing, (feedback & LEFT_HEAD) != 0);
        } else {
            boolean htmlAnnotation = id == names.annotationXml && bytesAvailable && annotationIsHtml(start, end);
            foreign.foreignStartTag(tagName, nameLength, selfClosing, htmlAnnotation);
        }
        if (!inert && !certain) {
            otherReadingsStartTag(id, flags, selfClosing, start, end, bytesAvailable, (feedback & LEFT_HEAD) != 0);
        }
        return withForeign(feedback);
    }

    int endTag(int id) {
        int feedback = id == names.noscript && !scriptingOff ? NOSCRIPT_CLOSED : 0;
        if (!foreign.isEmpty() || (!inert && !certain)) {
            int nameLength = tag.name(tagName);
            boolean tableScoped = names.is(id, ElementNames.TABLE_SCOPE_END);
            foreign.endTag(id, tagName, nameLength, tableScoped);
            if (!inert && (!certain || foreign.forked())) {
                List<ForeignContent> added = new ArrayList<>(foreign.takeForks());
                for (ForeignContent reading : readings) {
                    reading.endTag(id, tagName, nameLength, tableScoped);
                    added.addAll(reading.takeForks());
                }
                if (!lost) {
                    readings.addAll(added);
                }
                merge();
            }
        }
        return withForeign(feedback);
    }

    private void otherReadingsStartTag(int id, int flags, boolean selfClosing, long start, long end,
            boolean bytesAvailable, boolean leftHead) {
        int nameLength = tag.name(tagName);
        for (ForeignContent reading : readings) {
            if (ruledByHtml(reading, id, flags, start, end, bytesAvailable)) {
                reading.htmlStartTag(id, tagName, nameLength, selfClosing, leftHead);
            } else {
                reading.foreignStartTag(tagName, nameLength, selfClosing,
                        id == names.annotationXml && bytesAvailable && annotationIsHtml(start, end));
            }
        }
        merge();
    }

    /**
     * A start tag goes through the HTML rules for this reading (after its breakout, which it performs), or through
     * the foreign-content rules.
     */
    private boolean ruledByHtml(ForeignContent reading, int id, int flags, long start, long end,
            boolean bytesAvailable) {
        if (reading.isEmpty()) {
            return true;
        }
        boolean html = reading.htmlRulesFor(id);
        if (!html && (flags & ElementNames.BREAKOUT) != 0
                && (id != names.font || (bytesAvailable && fontBreaksOut(start, end)))) {
            reading.breakOut();
            html = reading.htmlRulesFor(id);
        }
        return html;
    }

    /** Drops the readings that became the same as another; gives up following them beyond the limit. */
    private void merge() {
        for (int k = readings.size() - 1; k >= 0; k--) {
            ForeignContent reading = readings.get(k);
            boolean same = reading.sameAs(foreign);
            for (int j = 0; j < k && !same; j++) {
                same = reading.sameAs(readings.get(j));
            }
            if (same) {
                readings.remove(k);
            }
        }
        if (readings.size() > MAX_READINGS) {
            lost = true;
            readings.clear();
        }
        certain = readings.isEmpty() && !lost;
    }

    /** Whether a start tag with this id would go through the HTML rules now (before any breakout). */
    boolean htmlRulesFor(int id) {
        return foreign.htmlRulesFor(id);
    }

    /** The text state a start tag with this id would put the tokenizer in now, or 0. */
    int textStateAfter(int id) {
        return foreign.htmlRulesFor(id) ? textState(id, names.flags(id)) : 0;
    }

    private int textState(int id, int flags) {
        if ((flags & TEXT_ELEMENTS) == 0) {
            return 0;
        }
        if ((flags & ElementNames.RCDATA_ELEMENT) != 0) {
            return HtmlTokenizer.RCDATA;
        }
        if ((flags & ElementNames.RAWTEXT_ELEMENT) != 0) {
            return id == names.noscript && scriptingOff ? 0 : HtmlTokenizer.RAWTEXT;
        }
        return (flags & ElementNames.SCRIPT_ELEMENT) != 0 ? HtmlTokenizer.SCRIPT_DATA : HtmlTokenizer.PLAINTEXT;
    }

    /**
     * The start tag {@code (id, selfClosing)} just reported begins content that ends up in a template: the open
     * elements as they were before it come back at {@link #endInertContent}.
     */
    void beginInertContent(int id, boolean selfClosing) {
        // The placeholder that replaces the element opens and closes what it opens: the other readings are as before.
        for (ForeignContent reading : readings) {
            reading.undoHtmlStartTag(id, selfClosing);
        }
        inert = true;
        beforeInert = foreign.isEmpty() ? null : foreign.copyBeforeHtmlStartTag(id, selfClosing);
        outside = foreign;
        templateContent.beginTemplateContent(id, tagName, tag.name(tagName));
        foreign = templateContent;
    }

    /** Whether the held bytes so far are followed exactly (see {@link ForeignContent#templateContent}). */
    boolean inertExact() {
        return foreign.exact();
    }

    /** The HTML {@code template} elements the held bytes kept open. */
    int inertTemplates() {
        return foreign.templates();
    }

    /** Whether a {@code <template>} start tag now in the held bytes opens an HTML template that can be kept. */
    boolean keepsTemplateStart() {
        return inert && foreign.exact() && foreign.htmlRulesFor(names.template);
    }

    /** Whether a {@code </template>} now in the held bytes closes a template the held bytes opened. */
    boolean keepsTemplateEnd() {
        return inert && foreign.exact() && foreign.templates() > 0 && !foreign.endsForeignTemplate();
    }

    /**
     * Whether a {@code <template>} start tag now in the held bytes, which is written as text, opens an SVG or MathML
     * element that the simulator follows: its end tag, also written as text, must then close it and not a kept HTML
     * template, as in the browser ({@link #followsForeignTemplateEnd}).
     */
    boolean followsForeignTemplateStart() {
        return inert && foreign.exact() && !foreign.htmlRulesFor(names.template);
    }

    /** Whether a {@code </template>} now in the held bytes closes such a foreign element (it is written as text). */
    boolean followsForeignTemplateEnd() {
        return inert && foreign.exact() && foreign.endsForeignTemplate();
    }

    /** Ends inert content, if any; returns {@code feedback} with {@link #FOREIGN} as it is now. */
    int endInertContent(int feedback) {
        if (inert) {
            inert = false;
            ForeignContent before = beforeInert;
            ForeignContent out = outside;
            beforeInert = null;
            outside = null;
            if (before != null) {
                foreign = before;
            } else if (out != null) {
                out.clear();
                foreign = out;
            }
        }
        return withForeign(feedback);
    }

    /**
     * A neutralized element in foreign content: the placeholder's leading block element ends foreign content there.
     * Returns {@code feedback} with {@link #FOREIGN} as it is now.
     */
    int breakOut(int feedback) {
        foreign.breakOut();
        if (!inert && !certain) {
            for (ForeignContent reading : readings) {
                reading.breakOut();
            }
            merge();
        }
        return withForeign(feedback);
    }

    private int withForeign(int feedback) {
        int result = foreign.currentIsForeign() ? feedback | FOREIGN : feedback & ~FOREIGN;
        return certain || inert ? result & ~CDATA_AMBIGUOUS : withAmbiguity(result);
    }

    /** {@code feedback} with {@link #CDATA_AMBIGUOUS} set if the readings disagree on the adjusted current node. */
    private int withAmbiguity(int feedback) {
        boolean current = (feedback & FOREIGN) != 0;
        boolean ambiguous = lost;
        for (int k = 0; k < readings.size() && !ambiguous; k++) {
            ambiguous = readings.get(k).currentIsForeign() != current;
        }
        return ambiguous ? feedback | CDATA_AMBIGUOUS : feedback & ~CDATA_AMBIGUOUS;
    }

    private boolean fontBreaksOut(long start, long end) {
        Attributes a = tag.attributes(start, end);
        return a.has("color") || a.has("face") || a.has("size");
    }

    private boolean annotationIsHtml(long start, long end) {
        String encoding = tag.attributes(start, end).get("encoding");
        return encoding != null
                && (encoding.equalsIgnoreCase("text/html") || encoding.equalsIgnoreCase("application/xhtml+xml"));
    }
}

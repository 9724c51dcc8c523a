package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The part of the tree builder's stack of open elements that a streaming rewriter can follow: the SVG and MathML
 * elements, their integration points, and how many HTML elements are open inside an integration point. It decides
 * whether a start tag is handled by the HTML rules (so {@code <style>} means RAWTEXT) or the foreign-content rules,
 * and whether {@code <![CDATA[} opens a CDATA section.
 *
 * <p>Where HTML elements that we do not track would decide (an end tag in foreign content that names no open foreign
 * element), it assumes the end tag closes an HTML ancestor and leaves foreign content. The exceptions, where the HTML
 * rules are known to ignore the end tag and foreign content stays open as in browsers: {@code </body>} and
 * {@code </html>}, which they never answer by popping an element ({@code <math></html><iframe>} is a MathML element
 * that loads nothing); any end tag but {@code </template>} below an {@code <svg>} or {@code <math>} whose start tag
 * left the head, since the element below it is then {@code body} (or a template in the head), which is special
 * ({@code <svg></path><iframe>}); and an end tag inside an integration point that names no HTML element opened there,
 * which can only reach the integration point, special and a scope boundary, and stops.
 *
 * <p><b>Template content.</b> A held embed is written into the placeholder's {@code <template class="ec-original">},
 * whose content a browser parses as a fresh HTML context that nothing inside can pop out of (the template is special
 * and a scope boundary everywhere) except an end tag named {@code template}. For it {@link #templateContent} follows
 * the held bytes: the foreign elements as above, plus the HTML {@code template} elements opened inside (the only HTML
 * elements it keeps as entries; a {@code </template>} closes the nearest one, popping everything above it), and it
 * tells whether it is still <em>exact</em>: whether its stack of foreign and template elements is the browser's. It
 * stays exact through everything a browser does the same whatever HTML elements are open: foreign start and end tags
 * that find their element, breakouts, integration points, void and text elements and templates at integration
 * points, and an end tag that falls through to HTML elements which cannot hold an element of its name (an integration
 * point in the way, or no HTML start tag of that name seen in the held bytes). It becomes inexact, for good, where
 * HTML elements it does not follow would decide: another HTML element opened at an integration point, an end tag that
 * may close an HTML element, a name it cannot compare exactly (NUL, non-ASCII, longer than
 * {@link ElementNames#MAX_LENGTH}), a stack deeper than its limit. Formatting elements a browser reconstructs cannot
 * appear at an integration point while it is exact: they were reconstructed when the {@code <svg>} or {@code <math>}
 * below it was inserted, and no HTML element has been opened above it since.
 */
final class ForeignContent {
    private static final int SVG = 1;
    private static final int MATH = 2;
    private static final int PLAIN = 0;
    private static final int HTML_INTEGRATION_POINT = 1;
    private static final int MATHML_TEXT_INTEGRATION_POINT = 2;
    /** A MathML annotation-xml that is not an HTML integration point: only {@code <svg>} inside it is HTML-ruled. */
    private static final int ANNOTATION_XML = 3;
    /**
     * An HTML {@code template} element (only in {@link #templateContent}): HTML content above it, which nothing but
     * {@code </template>} pops.
     */
    private static final int TEMPLATE = 4;
    /** The namespace of {@link #TEMPLATE} entries. */
    private static final int HTML = 0;
    private static final int TEXT_ELEMENTS = ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
            | ElementNames.SCRIPT_ELEMENT | ElementNames.PLAINTEXT_ELEMENT;
    private static final int MAX_DEPTH = 512;
    private static final byte[] FOREIGN_OBJECT = ascii("foreignobject");
    private static final byte[] DESC = ascii("desc");
    private static final byte[] TITLE = ascii("title");
    private static final byte[] ANNOTATION = ascii("annotation-xml");
    private static final byte[][] MATHML_TEXT = {ascii("mi"), ascii("mo"), ascii("mn"), ascii("ms"), ascii("mtext")};
    private static final byte[] COL = ascii("col");
    private static final byte[] COLGROUP = ascii("colgroup");
    private static final byte[] SELECT = ascii("select");
    private static final byte[] OPTION = ascii("option");
    private static final byte[] OPTGROUP = ascii("optgroup");
    private static final byte[] TEMPLATE_NAME = ascii("template");
    /** HTML elements followed exactly above an integration point, at most. */
    private static final int MAX_EXACT = 8;
    /** Start tags that never close an open {@code p}. */
    private static final java.util.Set<String> PHRASING = java.util.Set.of("span", "b", "i", "em", "strong", "code",
            "small", "sub", "sup", "u", "s", "mark", "abbr", "cite", "q", "kbd", "var", "time", "data", "bdi", "bdo",
            "big", "tt", "strike", "font", "label", "dfn", "samp", "ins", "del");
    /** Elements whose start tag the HTML rules may ignore or undo at once in some insertion mode. */
    private static final String[] IGNORABLE = {"caption", "col", "colgroup", "frame",
            "head", "frameset", "form", "select", "option", "optgroup", "input", "keygen", "textarea", "button",
            "hr", "image", "isindex", "li", "dd", "dt", "a", "nobr", "plaintext", "xmp", "iframe", "noembed", "html",
        "body", "template", "noscript", "rb", "rp", "rt", "rtc"};
    private static final int[] NO_INTS = new int[0];
    private static final long[] NO_LONGS = new long[0];
    private static final byte[][] NO_NAMES = new byte[0][];

    private final ElementNames names;
    /**
     * The ids of {@link #IGNORABLE}, looked up on first use: only content with foreign elements needs them, and a
     * document's setup should not pay for the look-ups.
     */
    private int @Nullable [] ignorableIds;

    private int size;
    /** Elements pushed beyond {@link #MAX_DEPTH}: only counted. */
    private int overflow;
    private int[] namespace = NO_INTS;
    private int[] kind = NO_INTS;
    /** HTML elements open above this entry (only non-zero for integration points). */
    private int[] htmlOpen = NO_INTS;
    /** A Bloom filter ({@link #bloom}) of the names of the HTML elements opened above this entry. */
    private long[] htmlOpened = NO_LONGS;
    /**
     * Outside template content: whether the HTML elements above this entry are known exactly, as the ids in
     * {@link #opened} (bottom first, {@link #htmlOpen} of them): so far every one was opened by a start tag that the
     * HTML rules always insert as the current node without closing anything, and every end tag closed the current one.
     */
    private boolean[] openedExact = new boolean[0];
    private int[][] opened = new int[0][];
    /** The first entry's start tag left the head: the HTML element below it is body or a template in the head. */
    private boolean rootAboveBody;
    private byte[][] tagNames = NO_NAMES;
    private int[] tagNameLengths = NO_INTS;

    /** The content of a held embed's template: templates are entries, exactness is followed. */
    private final boolean templateContent;
    private boolean exact = true;
    /** HTML template elements open (entries of kind {@link #TEMPLATE}, and any pushed beyond the depth limit). */
    private int templates;
    /** A two-bit-per-name Bloom filter of the HTML start tags seen (names up to the length limit, ASCII). */
    private long htmlNames;
    /** An HTML start tag that may open an element a table-scoped end tag closes was seen (table parts, col). */
    private boolean tablePartSeen;
    /** An HTML h1 to h6 start tag was seen (an end tag of any heading closes any heading). */
    private boolean headingSeen;
    /**
     * Outside template content: the other stacks the last end tag may have left, where it had to guess (see
     * {@link #takeForks}); empty when it did not.
     */
    private final List<ForeignContent> forks = new ArrayList<>(3);
    /**
     * Outside template content: the id of the HTML element the last tag opened above the top entry, which is then
     * certainly the current node (0: none, or another tag came since, or one whose start tag the HTML rules may
     * ignore).
     */
    private int justOpened;

    ForeignContent(ElementNames names) {
        this(names, false);
    }

    private ForeignContent(ElementNames names, boolean templateContent) {
        this.names = names;
        this.templateContent = templateContent;
    }

    /** An empty stack for the content of a held embed's template; see the class comment. */
    static ForeignContent templateContent(ElementNames names) {
        return new ForeignContent(names, true);
    }

    /**
     * Starts following a new held embed whose element ({@code id}, named {@code name[0, nameLength)}) is open below
     * everything that follows (its end tag may close HTML elements opened inside).
     */
    void beginTemplateContent(int id, byte[] name, int nameLength) {
        size = 0;
        overflow = 0;
        exact = true;
        templates = 0;
        htmlNames = 0;
        tablePartSeen = false;
        headingSeen = false;
        noteHtmlName(id, name, nameLength);
    }

    /** Whether the stack of foreign and template elements is exactly the browser's ({@link #templateContent} only). */
    boolean exact() {
        return exact;
    }

    /** The HTML template elements open in template content. */
    int templates() {
        return templates;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    ForeignContent copy() {
        ForeignContent c = new ForeignContent(names, templateContent);
        c.ignorableIds = ignorableIds;
        c.exact = exact;
        c.templates = templates;
        c.htmlNames = htmlNames;
        c.tablePartSeen = tablePartSeen;
        c.headingSeen = headingSeen;
        c.size = size;
        c.overflow = overflow;
        c.namespace = namespace.clone();
        c.kind = kind.clone();
        c.htmlOpen = htmlOpen.clone();
        c.htmlOpened = htmlOpened.clone();
        c.openedExact = openedExact.clone();
        c.opened = new int[opened.length][];
        for (int k = 0; k < size; k++) {
            c.opened[k] = opened[k].clone();
        }
        c.rootAboveBody = rootAboveBody;
        c.justOpened = justOpened;
        c.tagNames = new byte[tagNames.length][];
        for (int k = 0; k < size; k++) {
            c.tagNames[k] = tagNames[k].clone();
        }
        c.tagNameLengths = tagNameLengths.clone();
        return c;
    }

    /**
     * A copy as it was before {@link #htmlStartTag}{@code (id, ..., selfClosing)}, the last change made; {@code null}
     * when that is empty.
     */
    @Nullable ForeignContent copyBeforeHtmlStartTag(int id, boolean selfClosing) {
        ForeignContent c = copy();
        c.undoHtmlStartTag(id, selfClosing);
        return c.isEmpty() ? null : c;
    }

    /** Takes back {@link #htmlStartTag}{@code (id, ..., selfClosing)}, the last change made. */
    void undoHtmlStartTag(int id, boolean selfClosing) {
        justOpened = 0;
        if (id == names.svg || id == names.math) {
            if (!selfClosing) {
                if (overflow > 0) {
                    overflow--;
                } else if (size > 0) {
                    size--;
                }
            }
        } else if (size > 0 && !names.is(id, ElementNames.VOID) && htmlOpen[size - 1] > 0) {
            htmlOpen[size - 1]--;
        }
    }

    /** Forgets all open foreign elements. */
    void clear() {
        size = 0;
        overflow = 0;
    }

    boolean isEmpty() {
        return size == 0 && overflow == 0;
    }

    /** Whether the adjusted current node is a foreign element (CDATA sections are recognised then). */
    boolean currentIsForeign() {
        return overflow > 0 || (size > 0 && htmlOpen[size - 1] == 0 && kind[size - 1] != TEMPLATE);
    }

    /** Whether a start tag with this id goes through the HTML rules ("tree construction dispatcher"). */
    boolean htmlRulesFor(int id) {
        if (overflow > 0) {
            return false;
        }
        if (size == 0) {
            return true;
        }
        int top = size - 1;
        if (htmlOpen[top] > 0 || kind[top] == HTML_INTEGRATION_POINT || kind[top] == TEMPLATE) {
            return true;
        }
        if (kind[top] == MATHML_TEXT_INTEGRATION_POINT) {
            return id != names.mglyph && id != names.malignmark;
        }
        return kind[top] == ANNOTATION_XML && id == names.svg;
    }

    /** A breakout start tag in foreign content: pops until the current node is HTML or an integration point. */
    void breakOut() {
        overflow = 0;
        while (size > 0 && htmlOpen[size - 1] == 0 && kind[size - 1] != HTML_INTEGRATION_POINT
                && kind[size - 1] != MATHML_TEXT_INTEGRATION_POINT && kind[size - 1] != TEMPLATE) {
            size--;
        }
    }

    /**
     * A start tag handled by the HTML rules. {@code <svg>} and {@code <math>} open foreign content; other elements
     * only count when open inside an integration point.
     *
     * @param leftHead the start tag ended the head (so an {@code <svg>} or {@code <math>} opened by it is a child of
     *     body, or of a template in the head)
     */
    void htmlStartTag(int id, byte[] name, int nameLength, boolean selfClosing, boolean leftHead) {
        if (templateContent) {
            templateContentStartTag(id, name, nameLength, selfClosing);
            return;
        }
        justOpened = 0;
        if (id == names.svg || id == names.math) {
            if (!selfClosing) {
                if (isEmpty()) {
                    rootAboveBody = leftHead;
                }
                push(id == names.svg ? SVG : MATH, PLAIN, name, nameLength);
            }
        } else if (size > 0 && !names.is(id, ElementNames.VOID)) {
            int top = size - 1;
            int before = htmlOpen[top]++;
            boolean plain = id != ElementNames.OTHER && !names.is(id, ElementNames.TABLE_SCOPE_END)
                    && !mayBeIgnored(id);
            if (plain) {
                justOpened = id;
            }
            if (openedExact[top]) {
                if (plain && before < MAX_EXACT && !mayCloseOpened(top, before, id)) {
                    opened[top][before] = id;
                } else {
                    openedExact[top] = false;
                }
            }
            if (nameLength <= ElementNames.MAX_LENGTH) {
                htmlOpened[size - 1] |= bloom(name, nameLength);
            }
        }
    }

    /**
     * A start tag handled by the foreign rules: an element in the current node's namespace.
     *
     * @param htmlAnnotation for {@code annotation-xml}: whether its encoding is text/html or application/xhtml+xml
     */
    void foreignStartTag(byte[] name, int nameLength, boolean selfClosing, boolean htmlAnnotation) {
        justOpened = 0;
        if (selfClosing) {
            return;
        }
        int ns = overflow > 0 || size == 0 ? SVG : namespace[size - 1];
        push(ns, kindOf(ns, name, nameLength, htmlAnnotation), name, nameLength);
    }

    /**
     * An end tag while in (or above) foreign content. Where the HTML elements that are not followed decide what it
     * does, this stack takes one outcome and {@link #takeForks} hands out the others.
     */
    void endTag(int id, byte[] name, int nameLength, boolean tableScoped) {
        if (templateContent) {
            templateContentEndTag(id, name, nameLength, tableScoped);
            return;
        }
        if (!forks.isEmpty()) {
            forks.clear();
        }
        int opened = justOpened;
        justOpened = 0;
        if (overflow > 0) {
            overflow--;
            return;
        }
        if (size == 0) {
            return;
        }
        int top = size - 1;
        boolean popsNothingInHtml = id == names.body || id == names.html || id == names.br;
        boolean template = id == names.template;
        if (htmlOpen[top] > 0) {
            // The current node is an HTML element inside an integration point.
            if (popsNothingInHtml) {
                return;
            }
            if (tableScoped) {
                forkAsIs();
                size = 0;
                return;
            }
            if (opened != 0 && (opened == id || (isHeading(name, nameLength) && isHeading(names.name(opened))))) {
                // It names the element just opened, the current node (any heading closes a heading): it closes it.
                htmlOpen[top]--;
                return;
            }
            if (openedExact[top] && !template) {
                int n = htmlOpen[top];
                int current = this.opened[top][n - 1];
                boolean heading = isHeading(name, nameLength);
                if (current == id || (heading && isHeading(names.name(current)))) {
                    // It names the current node: it closes it.
                    htmlOpen[top]--;
                    return;
                }
                if (!openedAbove(top, n, id, heading)) {
                    // No element of that name above the integration point, which is special and a scope boundary.
                    return;
                }
                // It closes an element that is not the current node: what it does is no longer followed exactly.
                openedExact[top] = false;
            }
            if (template) {
                // The HTML rules pop to the nearest template wherever it is, past integration points too.
                forkTemplateClosed(top);
            }
            if (mayBeOpenAbove(top, name, nameLength)) {
                if (!template) {
                    forkAsIs();
                }
                closeAbove(top);
            }
            return;
        }
        if (id == names.br || id == names.p) {
            breakOut();
            return;
        }
        for (int k = top; k >= 0; k--) {
            if (k < top && htmlOpen[k] > 0) {
                // HTML elements sit above entry k, reached before it: the foreign walk ends, the HTML rules take over.
                if (!popsNothingInHtml) {
                    popToHtml(k, name, nameLength, tableScoped, template);
                }
                return;
            }
            if (matches(k, name, nameLength)) {
                size = k;
                return;
            }
        }
        if (!popsNothingInHtml && !(rootAboveBody && !template)) {
            popToHtml(-1, name, nameLength, tableScoped, template);
        }
    }

    /**
     * The HTML rules handle an end tag whose walk reached HTML elements above {@code k} (-1: below everything).
     * {@code </template>} pops to the nearest template element wherever it is (no scope stops it), or is ignored when
     * none is open.
     */
    private void popToHtml(int k, byte[] name, int nameLength, boolean tableScoped, boolean template) {
        if (tableScoped) {
            forkAsIs();
            size = 0;
            return;
        }
        if (template) {
            forkTemplateClosed(k);
        }
        for (int j = size - 1; j > k; j--) {
            if (kind[j] != PLAIN) {
                // An integration point is "special" and a scope boundary: the end tag is ignored.
                return;
            }
        }
        if (k >= 0 && !mayBeOpenAbove(k, name, nameLength)) {
            return;
        }
        if (!template) {
            forkAsIs();
        }
        if (k >= 0) {
            closeAbove(k);
        } else {
            size = 0;
        }
    }

    /** Takes the end tag as closing an HTML element above integration point {@code k}; the others are forks. */
    private void closeAbove(int k) {
        if (htmlOpen[k] > 1) {
            // It may close several of them at once: the integration point would be current then.
            ForeignContent all = fork();
            all.size = k + 1;
            all.htmlOpen[k] = 0;
            all.openedExact[k] = false;
        }
        size = k + 1;
        htmlOpen[k]--;
        openedExact[k] = false;
    }

    /**
     * The outcomes of an end tag {@code template} other than being ignored: the templates that may be open above the
     * integration points at or below {@code k}, and one below all the foreign content.
     */
    private void forkTemplateClosed(int k) {
        forkAsIs();
        fork().size = 0;
        for (int j = k; j >= 0; j--) {
            if (htmlOpen[j] > 0 && mayBeOpenAbove(j, TEMPLATE_NAME, TEMPLATE_NAME.length)) {
                ForeignContent closed = fork();
                closed.size = j + 1;
                closed.htmlOpen[j]--;
                closed.openedExact[j] = false;
                if (htmlOpen[j] > 1) {
                    ForeignContent all = fork();
                    all.size = j + 1;
                    all.htmlOpen[j] = 0;
                    all.openedExact[j] = false;
                }
            }
        }
    }

    /** Another outcome of the end tag in progress: the stack as it is (the end tag ignored). */
    private void forkAsIs() {
        fork();
    }

    /** A copy of this stack as it is now, kept as another outcome of the end tag in progress. */
    private ForeignContent fork() {
        ForeignContent c = copy();
        forks.add(c);
        return c;
    }

    /** Whether the last {@link #endTag} guessed, leaving {@link #takeForks} something. */
    boolean forked() {
        return !forks.isEmpty();
    }

    /**
     * The other stacks the last {@link #endTag} may have left where it guessed (it closes an HTML element it cannot
     * see, or none), each as it would be; this stack took one of the outcomes. Empty when the end tag did not guess.
     */
    List<ForeignContent> takeForks() {
        if (forks.isEmpty()) {
            return List.of();
        }
        List<ForeignContent> taken = List.copyOf(forks);
        forks.clear();
        return taken;
    }

    /** Whether {@code other} is the same stack: every decision made from here on is the same for both. */
    boolean sameAs(ForeignContent other) {
        if (size != other.size || overflow != other.overflow || rootAboveBody != other.rootAboveBody
                || justOpened != other.justOpened) {
            return false;
        }
        // from the top, where readings differ
        for (int k = size - 1; k >= 0; k--) {
            if (namespace[k] != other.namespace[k] || kind[k] != other.kind[k] || htmlOpen[k] != other.htmlOpen[k]
                    || htmlOpened[k] != other.htmlOpened[k] || tagNameLengths[k] != other.tagNameLengths[k]
                    || openedExact[k] != other.openedExact[k]
                    || (openedExact[k] && !Arrays.equals(opened[k], 0, Math.min(htmlOpen[k], MAX_EXACT),
                            other.opened[k], 0, Math.min(htmlOpen[k], MAX_EXACT)))
                    || !Arrays.equals(tagNames[k], 0, Math.min(tagNameLengths[k], ElementNames.MAX_LENGTH),
                            other.tagNames[k], 0, Math.min(tagNameLengths[k], ElementNames.MAX_LENGTH))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an end tag may close an HTML element opened above integration point {@code k}: not when no element of
     * its name was opened there, since the HTML rules then reach the integration point, special and a boundary of
     * every scope but the table scope, and ignore it ({@code </p>} then inserts a {@code p} and closes it).
     * {@code </colgroup>} may close an implied element, so it is taken as closing. A {@code </template>} with no
     * template opened there is ignored too unless a template is open below the foreign content, which is not
     * followed (it would close that, and foreign content with it).
     */
    private boolean mayBeOpenAbove(int k, byte[] name, int nameLength) {
        if (nameLength > ElementNames.MAX_LENGTH || !plainName(name, nameLength) || is(name, nameLength, COLGROUP)) {
            return true;
        }
        if (isHeading(name, nameLength)) {
            for (byte level = '1'; level <= '6'; level++) {
                byte[] heading = {'h', level};
                long bits = bloom(heading, 2);
                if ((htmlOpened[k] & bits) == bits) {
                    return true;
                }
            }
            return false;
        }
        long bits = bloom(name, nameLength);
        return (htmlOpened[k] & bits) == bits;
    }

    // Template content

    /** An HTML-ruled start tag in template content (a {@code <template>} only when it is kept, see the class). */
    private void templateContentStartTag(int id, byte[] name, int nameLength, boolean selfClosing) {
        noteHtmlName(id, name, nameLength);
        if (id == names.template) {
            templates++;
            push(HTML, TEMPLATE, name, nameLength);
            return;
        }
        if (id == names.svg || id == names.math) {
            // At an integration point too: no formatting element can be reconstructed there (class comment).
            if (!selfClosing) {
                push(id == names.svg ? SVG : MATH, PLAIN, name, nameLength);
            }
            return;
        }
        int flags = names.flags(id);
        if (isEmpty() || (size > 0 && kind[size - 1] == TEMPLATE)) {
            // HTML content: its elements are not followed, and nothing here can pop a template. Whether any was opened
            // in a template's content is noted, for end tags in foreign content above it (fallThroughToHtml).
            if (size > 0 && (flags & ElementNames.VOID) == 0) {
                htmlOpened[size - 1] |= nameLength <= ElementNames.MAX_LENGTH && plainName(name, nameLength)
                        ? bloom(name, nameLength) : -1L;
            }
            return;
        }
        if ((flags & ElementNames.VOID) != 0) {
            return;
        }
        if (overflow == 0) {
            htmlOpen[size - 1]++;
        }
        if ((flags & TEXT_ELEMENTS) == 0) {
            // Which HTML elements are open at the integration point from now on is not followed.
            exact = false;
        }
    }

    /** An end tag in template content; a {@code </template>} only when it is kept, see the class. */
    private void templateContentEndTag(int id, byte[] name, int nameLength, boolean tableScoped) {
        if (id == names.template) {
            int foreignTemplate = foreignTemplate();
            if (foreignTemplate >= 0) {
                size = foreignTemplate;
            } else {
                closeTemplate();
            }
            return;
        }
        if (overflow > 0) {
            overflow--;
            exact = false;
            return;
        }
        if (size == 0) {
            return;
        }
        int top = size - 1;
        if (kind[top] == TEMPLATE) {
            // The current node is HTML inside a template, which no end tag but its own pops.
            return;
        }
        boolean popsNothingInHtml = id == names.body || id == names.html;
        if (htmlOpen[top] > 0) {
            // While exact, the open HTML element is a text element and this is its end tag.
            if (!popsNothingInHtml) {
                htmlOpen[top]--;
            }
            return;
        }
        if (id == names.br || id == names.p) {
            breakOut();
            return;
        }
        // The browser compares names after decoding (NUL and broken UTF-8 become U+FFFD); bytes cannot. A name that
        // is not plain (or too long to compare) only makes the content inexact where it may equal another name after
        // decoding (mayMatchDecoded).
        boolean plain = nameLength <= ElementNames.MAX_LENGTH && plainName(name, nameLength);
        for (int k = top; ; k--) {
            if (matches(k, name, nameLength)) {
                size = k;
                return;
            }
            if (!plain && mayMatchDecoded(k, name, nameLength)) {
                exact = false;
            }
            int below = k - 1;
            if (htmlBelowTemplateContentEntry(k)) {
                if (!plain && oddNameMayBeOpenAt(below)) {
                    exact = false;
                }
                fallThroughToHtml(below, k, id, name, nameLength, tableScoped, popsNothingInHtml);
                return;
            }
        }
    }

    /**
     * Whether a name that is not plain may equal entry {@code k}'s name once both are decoded: not if they differ in a
     * byte before both have a byte that is not plain ASCII, since every charset a page can be read in decodes plain
     * ASCII bytes to themselves and nothing else to ASCII (so at the first such byte of one, the other must have one
     * too); nor if one is plain up to its end and the other goes on.
     */
    private boolean mayMatchDecoded(int k, byte[] name, int nameLength) {
        int other = tagNameLengths[k];
        int limit = Math.min(Math.min(nameLength, other), ElementNames.MAX_LENGTH);
        for (int i = 0; i < limit; i++) {
            byte a = name[i];
            byte b = tagNames[k][i];
            if (a <= 0 || b <= 0) {
                return a <= 0 && b <= 0;
            }
            if (a != b) {
                return false;
            }
        }
        return limit == ElementNames.MAX_LENGTH || nameLength == other;
    }

    /**
     * Whether entry {@code below} is a template in whose content no HTML element was opened: the template is then the
     * current HTML node for an end tag that falls through to the HTML rules, special and a boundary of every scope, so
     * they ignore it, whatever its name.
     */
    private boolean ignoredAtTemplate(int below) {
        return below >= 0 && kind[below] == TEMPLATE && htmlOpened[below] == 0;
    }

    /**
     * Whether an HTML element whose name is not plain (or too long to compare) may be open below the foreign elements
     * above entry {@code below}: unless it is a template, where such a name opened in its content fills the filter of
     * names opened there ({@link #templateContentStartTag}), and only what was opened there is in reach.
     */
    private boolean oddNameMayBeOpenAt(int below) {
        return below < 0 || kind[below] != TEMPLATE || htmlOpened[below] == -1L;
    }

    /**
     * The foreign elements {@code [first, size)} did not have the end tag's name and the element below them is HTML
     * (the template entry {@code below}, HTML elements above it, or the held element's content when -1): the HTML
     * rules handle it. It closes something only if an HTML element of that name is in reach.
     */
    private void fallThroughToHtml(int below, int first, int id, byte[] name, int nameLength, boolean tableScoped,
            boolean popsNothingInHtml) {
        if (popsNothingInHtml) {
            return;
        }
        if (ignoredAtTemplate(below)) {
            return;
        }
        boolean tablePart = tableScoped || is(name, nameLength, COLGROUP);
        boolean selectPart = is(name, nameLength, SELECT) || is(name, nameLength, OPTION)
                || is(name, nameLength, OPTGROUP);
        boolean reach;
        if (tablePart) {
            // Table scope reaches past integration points; template content may hold table parts without a table.
            reach = tablePartSeen;
        } else if (!selectPart && integrationPointIn(first)) {
            // An integration point is special and a boundary of every scope: the HTML rules ignore the end tag.
            reach = false;
        } else if (below >= 0 && kind[below] == TEMPLATE) {
            // The template bounds every scope: only an element opened in its content can be in reach.
            reach = nameLength <= ElementNames.MAX_LENGTH && plainName(name, nameLength)
                    ? mayBeOpenAbove(below, name, nameLength) : oddNameMayBeOpenAt(below);
        } else if (isHeading(name, nameLength)) {
            reach = headingSeen;
        } else {
            reach = mayBeOpen(name, nameLength);
        }
        if (!reach) {
            return;
        }
        exact = false;
        // As outside: assume it closes an HTML element below the foreign ones.
        size = below + 1;
        if (below >= 0 && htmlOpen[below] > 0) {
            htmlOpen[below]--;
        }
    }

    private boolean integrationPointIn(int first) {
        for (int k = first; k < size; k++) {
            if (kind[k] != PLAIN) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a {@code </template>} now, in template content, closes an SVG or MathML element named {@code template}
     * (the foreign rules look for the name among the foreign elements above the nearest HTML element first) rather
     * than an HTML template.
     */
    boolean endsForeignTemplate() {
        return templateContent && foreignTemplate() >= 0;
    }

    /** The entry of the foreign {@code template} element a {@code </template>} would close now, or -1. */
    private int foreignTemplate() {
        if (size == 0 || overflow > 0 || kind[size - 1] == TEMPLATE || htmlOpen[size - 1] > 0) {
            return -1;
        }
        for (int k = size - 1; ; k--) {
            if (matches(k, TEMPLATE_NAME, TEMPLATE_NAME.length)) {
                return k;
            }
            if (htmlBelowTemplateContentEntry(k)) {
                return -1;
            }
        }
    }

    /**
     * In template content, whether what lies below foreign entry {@code k} is HTML (the content the held bytes start
     * in, HTML elements open above the entry below, or a template), where an end tag's search among the foreign
     * elements stops.
     */
    private boolean htmlBelowTemplateContentEntry(int k) {
        int below = k - 1;
        return below < 0 || htmlOpen[below] > 0 || kind[below] == TEMPLATE;
    }

    /** A kept {@code </template>}: pops up to and including the nearest template entry. */
    private void closeTemplate() {
        templates--;
        for (int k = size - 1; k >= 0; k--) {
            if (kind[k] == TEMPLATE) {
                size = k;
                return;
            }
        }
        // It was pushed beyond the depth limit (and the content is inexact since).
        overflow = 0;
        exact = false;
    }

    private void noteHtmlName(int id, byte[] name, int nameLength) {
        if (nameLength > ElementNames.MAX_LENGTH || !plainName(name, nameLength)) {
            // An end tag can only match it through a name that makes the content inexact anyway.
            return;
        }
        if (names.is(id, ElementNames.TABLE_SCOPE_END) || is(name, nameLength, COL)
                || is(name, nameLength, COLGROUP)) {
            tablePartSeen = true;
        }
        if (isHeading(name, nameLength)) {
            headingSeen = true;
        }
        htmlNames |= bloom(name, nameLength);
    }

    private boolean mayBeOpen(byte[] name, int nameLength) {
        if (nameLength > ElementNames.MAX_LENGTH || !plainName(name, nameLength)) {
            return true;
        }
        long bits = bloom(name, nameLength);
        return (htmlNames & bits) == bits;
    }

    private static long bloom(byte[] name, int nameLength) {
        int h = 0x811C9DC5;
        for (int i = 0; i < nameLength; i++) {
            h = (h ^ name[i]) * 0x01000193;
        }
        return (1L << (h & 63)) | (1L << ((h >>> 6) & 63));
    }

    /** ASCII without NUL: names a browser compares as the same bytes. */
    private static boolean plainName(byte[] name, int nameLength) {
        for (int i = 0; i < nameLength; i++) {
            if (name[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the first {@code n} HTML elements above entry {@code top} hold one of this id (any heading for one). */
    private boolean openedAbove(int top, int n, int id, boolean heading) {
        for (int j = 0; j < n; j++) {
            if (opened[top][j] == id || (heading && isHeading(names.name(opened[top][j])))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a start tag of {@code id} may close one of the first {@code n} HTML elements above entry {@code top}: any
     * but a phrasing element's while a {@code p} is open (many close a p in button scope), and a heading's while a
     * heading is the current node.
     */
    private boolean mayCloseOpened(int top, int n, int id) {
        String name = names.name(id);
        if (n > 0 && isHeading(name) && isHeading(names.name(opened[top][n - 1]))) {
            return true;
        }
        if (PHRASING.contains(name)) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            if (opened[top][j] == names.p) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the HTML rules may ignore a start tag of this element, or close it again at once, in some insertion mode
     * (in body: table parts, frames, head and body parts; a nested form; select content), so that it need not be the
     * current node after its start tag.
     */
    private boolean mayBeIgnored(int id) {
        int[] ids = ignorableIds;
        if (ids == null) {
            ids = Arrays.stream(IGNORABLE).mapToInt(names::id).filter(i -> i != ElementNames.OTHER).toArray();
            ignorableIds = ids;
        }
        for (int ignorable : ids) {
            if (id == ignorable) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHeading(String name) {
        return name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6';
    }

    private static boolean isHeading(byte[] name, int nameLength) {
        return nameLength == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
    }

    private boolean matches(int k, byte[] name, int nameLength) {
        return nameLength <= ElementNames.MAX_LENGTH && tagNameLengths[k] == nameLength
                && Arrays.equals(tagNames[k], 0, nameLength, name, 0, nameLength);
    }

    private static int kindOf(int ns, byte[] name, int length, boolean htmlAnnotation) {
        if (ns == SVG) {
            return is(name, length, FOREIGN_OBJECT) || is(name, length, DESC) || is(name, length, TITLE)
                    ? HTML_INTEGRATION_POINT : PLAIN;
        }
        for (byte[] textPoint : MATHML_TEXT) {
            if (is(name, length, textPoint)) {
                return MATHML_TEXT_INTEGRATION_POINT;
            }
        }
        if (is(name, length, ANNOTATION)) {
            return htmlAnnotation ? HTML_INTEGRATION_POINT : ANNOTATION_XML;
        }
        return PLAIN;
    }

    private static boolean is(byte[] name, int length, byte[] expected) {
        return length == expected.length && Arrays.equals(name, 0, length, expected, 0, length);
    }

    private void push(int ns, int k, byte[] name, int nameLength) {
        if (size == MAX_DEPTH) {
            overflow++;
            exact = false;
            return;
        }
        if (size == namespace.length) {
            int n = Math.max(8, size * 2);
            namespace = Arrays.copyOf(namespace, n);
            kind = Arrays.copyOf(kind, n);
            htmlOpen = Arrays.copyOf(htmlOpen, n);
            htmlOpened = Arrays.copyOf(htmlOpened, n);
            openedExact = Arrays.copyOf(openedExact, n);
            opened = Arrays.copyOf(opened, n);
            tagNames = Arrays.copyOf(tagNames, n);
            tagNameLengths = Arrays.copyOf(tagNameLengths, n);
        }
        namespace[size] = ns;
        kind[size] = k;
        htmlOpen[size] = 0;
        htmlOpened[size] = 0;
        openedExact[size] = true;
        if (opened[size] == null) {
            opened[size] = new int[MAX_EXACT];
        }
        if (tagNames[size] == null) {
            tagNames[size] = new byte[ElementNames.MAX_LENGTH];
        }
        System.arraycopy(name, 0, tagNames[size], 0, Math.min(nameLength, ElementNames.MAX_LENGTH));
        tagNameLengths[size] = nameLength;
        size++;
    }
}

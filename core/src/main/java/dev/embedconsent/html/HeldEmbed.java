package dev.embedconsent.html;

import dev.embedconsent.internal.ByteScan;
import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The matched embed whose bytes are being held, from its start tag to where it ends, and how it is written: the
 * placeholder's {@code before}, which opens {@code <template class="ec-original">}, the held bytes, a closer, and the
 * placeholder's {@code after}, whose {@code </template>} must be the one that closes that template.
 *
 * <p>Nothing in the held bytes may close the placeholder's template early (what followed would load), and a browser
 * closes a template only at an end tag named {@code template} (or the end of input): no other token pops it, since
 * it is special and a boundary of every scope, and foreign content only ever pops back to the nearest HTML element.
 * So every {@code <template} and {@code </template} in the held bytes that is followed by what ends a tag name, in
 * whatever tokenizer state a browser might read it, has its {@code <} written as {@code &lt;}, except the tags of
 * templates opened inside the embed, which are kept only while the {@link TreeBuilderSimulator} follows the held
 * bytes exactly (see {@link ForeignContent#templateContent}): a start tag that the HTML rules handle (one inside SVG
 * or MathML is a foreign element, not a template) and an end tag while such a template is open. A tag that is not
 * kept is written as text, every {@code <} in it escaped, so that its attributes cannot become tags. The closer then
 * closes each kept template still open, so the {@code after}'s end tag closes the placeholder's template and what
 * follows is read as it would be after the embed.
 *
 * <p>Where the simulator stopped being exact, the browser's tokenizer may also be in another state than ours at the
 * end, once a text element's start tag or a CDATA section came after that point: the closer is then
 * {@link #ANY_STATE_CLOSER}, which ends any tag, comment, CDATA section and text element. A {@code <noscript>} is
 * text for us but markup for browsers without scripting: every {@code <} in its content is escaped, so both read the
 * same.
 *
 * <p>It ends at the end tag that closes its element (any end tag for an element whose content is text, at once for
 * a void one), counting only tags outside the templates it keeps open (see {@link #insideKeptTemplate}); it is cut
 * short, with a closer that ends whatever token and element were open, when it outgrows the candidate limit or the
 * input ends. The first placeholder of a document is preceded by the renderer's assets.
 */
final class HeldEmbed {
    /**
     * Returns a browser's tokenizer to the data state from any state but PLAINTEXT, whatever it is: the quotes and
     * {@code >} end a tag (from every tag, attribute and DOCTYPE state) or a bogus comment, {@code -->} a comment or
     * escaped script data, {@code ]]>} a CDATA section, and the end tags each text element.
     */
    static final String ANY_STATE_CLOSER = "\"'\">-->]]></style></xmp></iframe></noembed></noframes></noscript>"
            + "</title></textarea></script>";
    private static final int[] NONE = new int[0];
    private static final byte[] LT = {'<'};
    private static final byte[] TEMPLATE = {'t', 'e', 'm', 'p', 'l', 'a', 't', 'e'};
    private static final byte[] CDATA = {'<', '!', '[', 'C', 'D', 'A', 'T', 'A', '['};
    private static final int CONTENT_IS_TEXT = ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
            | ElementNames.SCRIPT_ELEMENT;
    private static final int TEXT_ELEMENT = CONTENT_IS_TEXT | ElementNames.PLAINTEXT_ELEMENT;

    private final Page page;
    private final ByteWindow window;
    private final ElementNames names;
    private final TreeBuilderSimulator tree;
    private boolean assetsWritten;

    private boolean active;
    private long start;
    private int elementId;
    /** Open elements with the embed's name, itself included. */
    private int depth;
    private boolean contentIsText;
    /** Ranges (offsets from {@link #start}) in which every {@code <} is escaped, in order. */
    private int[] escapeFrom = NONE;
    private int[] escapeTo = NONE;
    private int escapes;
    /** Offsets of the {@code <} of the template tags kept, in order. */
    private int[] kept = NONE;
    private int keptCount;
    /** Offset where the content of an open noscript begins, or -1. */
    private int noscriptFrom;
    /** Offset after the tag that made the simulator inexact, or -1 while it is exact. */
    private int inexactFrom;
    /** A text element's start tag came after {@link #inexactFrom}. */
    private boolean textStateAfterInexact;
    private @Nullable PlaceholderMarkup placeholder;

    HeldEmbed(Page page, ByteWindow window, ElementNames names, TreeBuilderSimulator tree) {
        this.page = page;
        this.window = window;
        this.names = names;
        this.tree = tree;
    }

    /** Starts holding the element with start tag at {@code start} (everything before it has been written). */
    void begin(long start, int id, int flags, PlaceholderMarkup placeholder) {
        active = true;
        this.start = start;
        elementId = id;
        depth = 1;
        contentIsText = (flags & CONTENT_IS_TEXT) != 0;
        escapes = 0;
        keptCount = 0;
        noscriptFrom = -1;
        inexactFrom = -1;
        textStateAfterInexact = false;
        this.placeholder = placeholder;
    }

    boolean active() {
        return active;
    }

    long start() {
        return start;
    }

    /**
     * A {@code <template>} start tag {@code [tagStart, tagEnd)} inside the embed: returns whether it is kept (then the
     * simulator is told about it); otherwise it is written as text.
     */
    boolean keepTemplateStart(long tagStart, long tagEnd) {
        return keepOrEscape(tree.keepsTemplateStart(), tagStart, tagEnd);
    }

    /** As {@link #keepTemplateStart}, for a {@code </template>} end tag. */
    boolean keepTemplateEnd(long tagStart, long tagEnd) {
        return keepOrEscape(tree.keepsTemplateEnd(), tagStart, tagEnd);
    }

    private boolean keepOrEscape(boolean keep, long tagStart, long tagEnd) {
        if (keep) {
            if (keptCount == kept.length) {
                kept = Arrays.copyOf(kept, Math.max(4, keptCount * 2));
            }
            kept[keptCount++] = (int) (tagStart - start);
        } else {
            escape(tagStart, tagEnd);
        }
        return keep;
    }

    /** A start tag {@code [tagStart, tagEnd)} inside the embed, after the simulator's {@code feedback} for it. */
    void startTag(int id, int flags, int feedback, long tagStart, long tagEnd) {
        if (id == elementId && (flags & ElementNames.VOID) == 0 && !insideKeptTemplate()) {
            depth++;
        }
        if (id == names.noscript && (feedback & TreeBuilderSimulator.TEXT_STATE) == HtmlTokenizer.RAWTEXT) {
            noscriptFrom = (int) (tagEnd - start);
        }
        if (inexactFrom >= 0 && (flags & TEXT_ELEMENT) != 0) {
            textStateAfterInexact = true;
        }
        followExactness(tagEnd);
    }

    /** An end tag {@code [tagStart, tagEnd)} inside the embed; returns whether it ends the embed. */
    boolean endTag(int id, long tagStart, long tagEnd) {
        if (noscriptFrom >= 0) {
            escapeNoscript(tagStart);
        }
        followExactness(tagEnd);
        return contentIsText || (id == elementId && !insideKeptTemplate() && --depth == 0);
    }

    /**
     * Whether a template opened inside the embed is open while the simulator follows the held bytes exactly: an end
     * tag of the embed's name there closes nothing outside the template (a template bounds every scope), so neither it
     * nor a start tag of that name counts. Where the simulator is no longer exact, whether the template is still open
     * is not known, and every such tag counts, as outside templates.
     */
    private boolean insideKeptTemplate() {
        return tree.inertTemplates() > 0 && tree.inertExact();
    }

    private void followExactness(long tagEnd) {
        if (inexactFrom < 0 && !tree.inertExact()) {
            inexactFrom = (int) (tagEnd - start);
        }
    }

    /** Writes the embed, ended by its own end tag (or start tag) at {@code end}. */
    void finish(long end) {
        boolean tokenizerMayDiffer = inexactFrom >= 0 && (textStateAfterInexact || cdataAfterInexact(end));
        write(end, (tokenizerMayDiffer ? ANY_STATE_CLOSER : "") + templateClosers());
    }

    /**
     * Writes the embed cut short at {@code at}: {@code closer} ends the token and the text element in progress, and
     * the templates opened inside are closed, so nothing of the embed stays live.
     */
    void cut(long at, String closer) {
        if (noscriptFrom >= 0) {
            escapeNoscript(at);
        }
        write(at, (inexactFrom >= 0 ? ANY_STATE_CLOSER : closer) + templateClosers());
    }

    private String templateClosers() {
        return "</template>".repeat(tree.inertTemplates());
    }

    private void escapeNoscript(long to) {
        escapeRange(noscriptFrom, (int) (to - start));
        noscriptFrom = -1;
    }

    private void escape(long tagStart, long tagEnd) {
        escapeRange((int) (tagStart - start), (int) (tagEnd - start));
    }

    private void escapeRange(int from, int to) {
        if (from >= to) {
            return;
        }
        if (escapes == escapeFrom.length) {
            int n = Math.max(4, escapes * 2);
            escapeFrom = Arrays.copyOf(escapeFrom, n);
            escapeTo = Arrays.copyOf(escapeTo, n);
        }
        escapeFrom[escapes] = from;
        escapeTo[escapes++] = to;
    }

    private boolean cdataAfterInexact(long end) {
        byte[] a = window.tagBytes(start, end);
        int base = window.tagOffset();
        int last = base + (int) (end - start) - CDATA.length;
        for (int i = base + inexactFrom; i <= last; i++) {
            if (a[i] == '<' && Arrays.equals(a, i, i + CDATA.length, CDATA, 0, CDATA.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the embed up to {@code end} with {@code closer} after it, and stops holding. Every {@code <} of a
     * template tag that was not kept, and every one in an escaped range, is written as {@code &lt;}.
     */
    void write(long end, String closer) {
        PlaceholderMarkup p = placeholder;
        if (p == null) {
            throw new IllegalStateException("no embed held");
        }
        try {
            if (!assetsWritten) {
                assetsWritten = true;
                page.insert(page.rewriter.renderer().assets(page.context.cspNonce()));
            }
            page.insertBefore(p);
            byte[] a = window.tagBytes(start, end);
            int base = window.tagOffset();
            int length = (int) (end - start);
            int from = 0;
            int range = 0;
            int keep = 0;
            for (int i = 0; i < length; i++) {
                i = ByteScan.indexOf(a, base + i, base + length, (byte) '<') - base;
                if (i == length) {
                    break;
                }
                while (range < escapes && escapeTo[range] <= i) {
                    range++;
                }
                boolean escape;
                if (range < escapes && escapeFrom[range] <= i) {
                    escape = true;
                } else if (templateTag(a, base + i, base + length)) {
                    while (keep < keptCount && kept[keep] < i) {
                        keep++;
                    }
                    escape = keep == keptCount || kept[keep] != i;
                } else {
                    continue;
                }
                if (escape) {
                    page.copy(a, base + from, i - from);
                    page.replace(LT, "&lt;");
                    from = i + 1;
                }
            }
            page.copy(a, base + from, length - from);
            page.insert(closer);
            page.insertAfter(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        active = false;
        placeholder = null;
    }

    /**
     * Whether {@code a[i, limit)} starts with {@code <template} or {@code </template} (ASCII case-insensitive) followed
     * by what ends a tag name, or by the end of the held bytes.
     */
    static boolean templateTag(byte[] a, int i, int limit) {
        int j = i + 1;
        if (j < limit && a[j] == '/') {
            j++;
        }
        if (limit - j < TEMPLATE.length) {
            return false;
        }
        for (int k = 0; k < TEMPLATE.length; k++) {
            if ((a[j + k] | 0x20) != TEMPLATE[k]) {
                return false;
            }
        }
        j += TEMPLATE.length;
        if (j == limit) {
            return true;
        }
        byte c = a[j];
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '/' || c == '>';
    }
}

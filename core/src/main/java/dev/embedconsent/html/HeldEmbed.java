package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The matched embed whose bytes are being held, from its start tag to where it ends, and how it is written: the
 * placeholder's {@code before}, the held bytes (each {@code </template} in them that would close the placeholder's
 * template early turned into {@code &lt;/template}), a closer, and the placeholder's {@code after}.
 *
 * <p>It ends at the end tag that closes its element (any end tag for an element whose content is text, at once for
 * a void one); it is cut short, with a closer that ends whatever token and element were open, when it outgrows the
 * candidate limit or the input ends. The first placeholder of a document is preceded by the renderer's assets.
 */
final class HeldEmbed {
    private static final int[] NONE = new int[0];
    private static final int CONTENT_IS_TEXT = ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
            | ElementNames.SCRIPT_ELEMENT;

    private final Page page;
    private final ByteWindow window;
    private final ElementNames names;
    private final ByteWindow.Sink output;
    private boolean assetsWritten;

    private boolean active;
    private long start;
    private int elementId;
    /** Open elements with the embed's name, itself included. */
    private int depth;
    private boolean contentIsText;
    /** Templates opened inside the embed and not yet closed. */
    private int templateDepth;
    /** Offsets (from {@link #start}) of the {@code <} of each {@code </template} to neutralize. */
    private int[] neutralize = NONE;
    private int neutralizeCount;
    private @Nullable PlaceholderMarkup placeholder;

    HeldEmbed(Page page, ByteWindow window, ElementNames names) {
        this.page = page;
        this.window = window;
        this.names = names;
        this.output = page::copy;
    }

    /** Starts holding the element with start tag at {@code start} (everything before it has been written). */
    void begin(long start, int id, int flags, PlaceholderMarkup placeholder) {
        active = true;
        this.start = start;
        elementId = id;
        depth = 1;
        contentIsText = (flags & CONTENT_IS_TEXT) != 0;
        templateDepth = 0;
        neutralizeCount = 0;
        this.placeholder = placeholder;
    }

    boolean active() {
        return active;
    }

    long start() {
        return start;
    }

    /** A start tag inside the embed. */
    void startTag(int id, int flags) {
        if (id == elementId && (flags & ElementNames.VOID) == 0) {
            depth++;
        }
        if (id == names.template) {
            templateDepth++;
        }
    }

    /** An end tag inside the embed, its {@code <} at {@code position}; returns whether it ends the embed. */
    boolean endTag(int id, long position) {
        if (id == names.template) {
            if (templateDepth == 0) {
                addNeutralization((int) (position - start));
            } else {
                templateDepth--;
            }
        }
        return contentIsText || (id == elementId && --depth == 0);
    }

    /** Writes the embed, ended by its own end tag (or start tag) at {@code end}. */
    void finish(long end) {
        write(end, "");
    }

    /**
     * Writes the embed cut short at {@code at}: {@code closer} ends the token and the text element in progress, and
     * the templates opened inside are closed, so nothing of the embed stays live.
     */
    void cut(long at, String closer) {
        write(at, closer + "</template>".repeat(templateDepth));
    }

    /** Writes the embed up to {@code end} with {@code closer} after it, and stops holding. */
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
            int from = 0;
            for (int k = 0; k < neutralizeCount; k++) {
                int at = neutralize[k];
                window.copy(start + from, start + at, output);
                page.replace(new byte[] {'<'}, "&lt;");
                from = at + 1;
            }
            window.copy(start + from, end, output);
            page.insert(closer);
            page.insertAfter(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        active = false;
        placeholder = null;
    }

    private void addNeutralization(int offset) {
        if (neutralizeCount == neutralize.length) {
            neutralize = Arrays.copyOf(neutralize, Math.max(4, neutralizeCount * 2));
        }
        neutralize[neutralizeCount++] = offset;
    }
}

package dev.embedconsent.placeholder;

import dev.embedconsent.placeholder.PlaceholderTemplate.Slot;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A visible placeholder: the template filled with the texts shared by every embed of the provider in the language
 * ({@code fixed}, escaped, indexed by {@link Slot#ordinal()}) and the values of this embed, escaped as they are
 * appended.
 */
final class VisibleMarkup implements PlaceholderMarkup, PlaceholderTemplate.SlotValues {
    private final PlaceholderTemplate template;
    private final CharSequence[] fixed;
    /** The index in decimal; it appears in several ids. */
    private final String indexText;
    private final @Nullable String title;
    private final @Nullable String width;
    private final @Nullable String height;
    private final String returnPath;
    private final @Nullable Preview preview;
    private final @Nullable String previewAlt;

    /**
     * @param fixed shared, never modified; {@link Slot#EMBED_TITLE} holds the title used when the embed has none
     * @param title the embed's title, stripped and shortened; null for none
     * @param returnPath a safe return path, not yet escaped
     * @param preview the preview still, or null for none
     * @param previewAlt the still's alternative text, not yet escaped; set when {@code preview} is
     */
    VisibleMarkup(PlaceholderTemplate template, CharSequence[] fixed, int index, @Nullable String title,
            @Nullable String width, @Nullable String height, String returnPath, @Nullable Preview preview,
            @Nullable String previewAlt) {
        this.template = template;
        this.fixed = fixed;
        this.indexText = Integer.toString(index);
        this.title = title;
        this.width = width;
        this.height = height;
        this.returnPath = returnPath;
        this.preview = preview;
        this.previewAlt = previewAlt;
    }

    @Override
    public void appendBefore(Appendable out) throws IOException {
        template.appendBefore(this, out);
    }

    @Override
    public void appendAfter(Appendable out) throws IOException {
        template.appendAfter(this, out);
    }

    @Override
    public void append(Slot slot, Appendable out) throws IOException {
        switch (slot) {
            case INDEX -> out.append(indexText);
            case SIZER -> appendSizer(width, height, out);
            case EMBED_TITLE -> {
                if (title == null) {
                    out.append(fixed[slot.ordinal()]);
                } else {
                    HtmlEscaping.escape(title, out);
                }
            }
            case RETURN_PATH -> HtmlEscaping.escape(returnPath, out);
            case PREVIEW -> appendPreview(out);
            default -> out.append(fixed[slot.ordinal()]);
        }
    }

    /**
     * The still, lazily loaded from the site's origin, with the play symbol over it; nothing when there is none. The
     * image fills the placeholder (which keeps the original's size and ratio) and is drawn under the texts.
     */
    private void appendPreview(Appendable out) throws IOException {
        if (preview == null) {
            return;
        }
        out.append("<img class=\"ec-preview\" src=\"");
        HtmlEscaping.escape(preview.src(), out);
        out.append("\" alt=\"");
        HtmlEscaping.escape(previewAlt == null ? "" : previewAlt, out);
        out.append("\" loading=\"lazy\" decoding=\"async\"><span class=\"ec-play\" aria-hidden=\"true\"></span>");
    }

    /**
     * The sizer's attributes: {@code width}/{@code height} when the original had them as pixel numbers (or a
     * percentage width), and a {@code viewBox} with the original's ratio when both are pixel numbers, else 16:9.
     */
    static void appendSizer(@Nullable String width, @Nullable String height, Appendable out) throws IOException {
        int w = dimension(width);
        int h = dimension(height);
        if (w != 0) {
            out.append(" width=\"");
            appendDimension(w, out);
            out.append('"');
        }
        if (h > 0) {
            out.append(" height=\"");
            appendNumber(h, out);
            out.append('"');
        }
        out.append(" viewBox=\"0 0 ");
        if (w > 0 && h > 0) {
            appendNumber(w, out);
            out.append(' ');
            appendNumber(h, out);
        } else {
            out.append("16 9");
        }
        out.append('"');
    }

    /**
     * A positive pixel number ({@code 560}, {@code 560px}, {@code 560.5}: 1 to 6 digits, an optional fraction,
     * optional ASCII spaces and {@code px} in any case) as itself, a percentage up to 100 as its negative, anything
     * else as 0. Surrounding white space is ignored.
     */
    static int dimension(@Nullable String value) {
        if (value == null) {
            return 0;
        }
        int end = value.length();
        int i = 0;
        while (i < end && Character.isWhitespace(value.charAt(i))) {
            i++;
        }
        while (end > i && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        int number = 0;
        int digits = 0;
        for (; i < end && isDigit(value.charAt(i)); i++, digits++) {
            number = number * 10 + (value.charAt(i) - '0');
        }
        if (digits == 0 || digits > 6) {
            return 0;
        }
        if (i < end && value.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(value.charAt(i))) {
                i++;
            }
        }
        while (i < end && isAsciiSpace(value.charAt(i))) {
            i++;
        }
        boolean percent = false;
        if (i < end && value.charAt(i) == '%') {
            percent = true;
            i++;
        } else if (i + 1 < end && (value.charAt(i) | 0x20) == 'p' && (value.charAt(i + 1) | 0x20) == 'x') {
            i += 2;
        }
        if (i != end || number == 0 || (percent && number > 100)) {
            return 0;
        }
        return percent ? -number : number;
    }

    private static void appendDimension(int dimension, Appendable out) throws IOException {
        appendNumber(Math.abs(dimension), out);
        if (dimension < 0) {
            out.append('%');
        }
    }

    /** Appends a non-negative number in decimal. */
    private static void appendNumber(int number, Appendable out) throws IOException {
        out.append(Integer.toString(number));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** What {@code \s} matches in a Java regular expression. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}

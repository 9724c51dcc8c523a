package dev.embedconsent.placeholder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One placeholder, appended in its two parts straight to a writer: the same markup as
 * {@link PlaceholderRenderer#render(Embed)}, without building it as strings first. The texts that depend only on
 * provider and language are computed once per renderer and shared; per embed only its index, title, size and return
 * path are escaped, as they are appended. Immutable.
 *
 * <pre>{@code
 * PlaceholderMarkup markup = renderer.markup(embed);
 * markup.appendBefore(writer);
 * // the original embed, unchanged
 * markup.appendAfter(writer);
 * }</pre>
 */
public sealed interface PlaceholderMarkup permits VisibleMarkup, InertMarkup {

    /** Appends the markup that goes before the original embed. */
    void appendBefore(Appendable out) throws IOException;

    /** Appends the markup that goes after the original embed. */
    void appendAfter(Appendable out) throws IOException;

    /** Both parts as strings. */
    default Placeholder toPlaceholder() {
        StringBuilder before = new StringBuilder(1024);
        StringBuilder after = new StringBuilder();
        try {
            appendBefore(before);
            appendAfter(after);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringBuilder does not fail", e);
        }
        return new Placeholder(before.toString(), after.toString());
    }
}

package dev.embedconsent.placeholder;

/** Renders accessible click-to-activate placeholders. Immutable and thread-safe. Placeholder: in progress. */
public final class PlaceholderRenderer {

    /** The placeholder for a visible embed (iframe, object, image, widget marker). */
    public Placeholder render(Embed embed) {
        throw new UnsupportedOperationException("in progress");
    }
}

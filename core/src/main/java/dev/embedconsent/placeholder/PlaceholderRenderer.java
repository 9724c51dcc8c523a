package dev.embedconsent.placeholder;

import org.jspecify.annotations.Nullable;

/** Renders accessible click-to-activate placeholders. Immutable and thread-safe. Placeholder: in progress. */
public final class PlaceholderRenderer {

    /** The placeholder for a visible embed (iframe, object, image, widget marker). */
    public Placeholder render(Embed embed) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Wraps a non-visual loader (a {@code <script src>}, a {@code <link rel=preconnect>}) in an inert
     * {@code <template class="ec-inert" data-consent-provider="id" data-consent-kind="script|link|...">}.
     */
    public Placeholder renderInert(Embed embed) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * The stylesheet link and activation script tags, written once per page before the first placeholder:
     * {@code <link rel="stylesheet" href="{base}/embed-consent.css"><script src="{base}/embed-consent.js" defer>}.
     */
    public String assets(@Nullable String cspNonce) {
        throw new UnsupportedOperationException("in progress");
    }
}

package dev.embedconsent.html;

import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.provider.Attributes;

/**
 * The tag the tokenizer is reporting, read through the {@link ByteWindow}: its lowercase name, its raw bytes, and its
 * attributes, decoded lazily. Valid during a tokenizer callback, and for a start tag stopped at the tag cap.
 */
final class CurrentTag {
    private final HtmlTokenizer tokenizer;
    private final ByteWindow window;
    private final TagAttributes attributes;

    CurrentTag(HtmlTokenizer tokenizer, ByteWindow window, TagAttributes attributes) {
        this.tokenizer = tokenizer;
        this.window = window;
        this.attributes = attributes;
    }

    HtmlTokenizer tokenizer() {
        return tokenizer;
    }

    /** Copies the name into {@code dst}; see {@link HtmlTokenizer#tagName}. */
    int name(byte[] dst) {
        return tokenizer.tagName(dst);
    }

    /** The array holding the tag {@code [start, end)}; its {@code <} is at {@link #offset()}. */
    byte[] bytes(long start, long end) {
        return window.tagBytes(start, end);
    }

    int offset() {
        return window.tagOffset();
    }

    /** The attributes of the tag {@code [start, end)}, until the next call. */
    Attributes attributes(long start, long end) {
        return attributes.reset(bytes(start, end), offset(), tokenizer);
    }
}

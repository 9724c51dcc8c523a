package dev.embedconsent.internal;

import java.nio.charset.StandardCharsets;

/**
 * A fixed piece of markup, such as a placeholder template's literal text or a provider's notice in one language, that
 * carries its UTF-8 bytes along. Whoever writes it into a page in UTF-8, or an ASCII-only piece into any
 * ASCII-compatible encoding, copies the bytes instead of encoding the characters again for every embed. As a
 * {@link CharSequence} it is the text itself. Immutable.
 */
public final class EncodedText implements CharSequence {
    private final String text;
    private final byte[] utf8;
    private final boolean ascii;
    /** Whether {@link #utf8} is the text exactly: no lone surrogate was replaced. */
    private final boolean wellFormed;

    private EncodedText(String text) {
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
        this.ascii = utf8.length == text.length();
        this.wellFormed = ascii || new String(utf8, StandardCharsets.UTF_8).equals(text);
    }

    public static EncodedText of(String text) {
        return new EncodedText(text);
    }

    /**
     * The text's bytes in a page's encoding when they can be copied as they are: in UTF-8 (unless the text has a
     * lone surrogate), or in any ASCII-compatible encoding when the text is ASCII; else {@code null}. Do not modify.
     */
    public byte[] bytes(boolean utf8Page) {
        return ascii || (utf8Page && wellFormed) ? utf8 : null;
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}

package dev.embedconsent.internal;

/**
 * Receives the tags an {@link HtmlTokenizer} emits. Positions are absolute byte offsets in the document; a callback
 * may switch the tokenizer's state (as the tree builder does after {@code <iframe>}) before it reads on.
 */
public interface TokenHandler {
    /** A start tag from {@code start} (its {@code <}) to {@code end} (after its {@code >}). */
    void startTag(HtmlTokenizer tokenizer, long start, long end);

    /** An end tag from {@code start} (its {@code <}) to {@code end} (after its {@code >}). */
    void endTag(HtmlTokenizer tokenizer, long start, long end);

    /**
     * Whether the next {@link #endTag} needs the tag's name and attributes. When not, a whole end tag in the chunk may
     * be reported without them: only where it ends is read.
     */
    default boolean readsEndTags() {
        return true;
    }

    /**
     * A {@code <![CDATA[} ending before {@code end} while {@link HtmlTokenizer#setCdataAmbiguous} is set; the
     * tokenizer reads on in the data state from {@code end}.
     */
    default void ambiguousCdata(HtmlTokenizer tokenizer, long end) {
    }
}

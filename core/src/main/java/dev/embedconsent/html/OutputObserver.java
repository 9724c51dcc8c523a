package dev.embedconsent.html;

/**
 * Sees every byte a session writes, split into what was copied from the input and what the rewriter put in or
 * replaced. Lets tests prove that everything outside an embed is passed through unchanged.
 */
interface OutputObserver {
    /** Input bytes written unchanged. */
    void copied(byte[] bytes, int offset, int length);

    /** Bytes the rewriter added (assets, placeholder parts, closers). */
    void inserted(byte[] bytes);

    /** Input bytes {@code original} written as {@code replacement} (a neutralized {@code </template}). */
    void replaced(byte[] original, byte[] replacement);
}

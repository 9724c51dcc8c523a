package dev.embedconsent.html;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Replaces third-party embeds in HTML with consent placeholders, streaming bytes in and bytes out. Immutable and
 * thread-safe; build one and share it. Placeholder: in progress.
 */
public final class EmbedRewriter {

    /** Starts rewriting one document into {@code sink}. The session is single-threaded. */
    public RewriteSession open(OutputStream sink, PageContext context) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Rewrites a whole stream; does not close either stream. */
    public void rewrite(InputStream in, OutputStream out, PageContext context) throws java.io.IOException {
        throw new UnsupportedOperationException("in progress");
    }
}

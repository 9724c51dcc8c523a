package dev.embedconsent.html;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One document being rewritten: push bytes with {@link #write}, then {@link #close}. It is itself an
 * {@link OutputStream}, so a servlet response or a file copy can feed it directly.
 *
 * <pre>{@code
 * try (RewriteSession session = rewriter.open(response.getOutputStream(), context)) {
 *     body.transferTo(session);
 * }
 * }</pre>
 *
 * <p>Output is written as input arrives; only a start tag in progress and a matched embed are held back (both
 * capped). Before that, up to the first 1024 bytes wait for the encoding to be known (none when the context has a
 * transport charset). Feeding the same bytes in any chunks gives the same output.
 */
public abstract class RewriteSession extends OutputStream {
    /** Flushes the sink; bytes are written as soon as they are safe, so nothing else is held back by a flush. */
    @Override
    public abstract void flush() throws IOException;

    /** Ends the document: emits buffered bytes (neutralizing any unfinished embed) and flushes, without closing the sink. */
    @Override
    public abstract void close() throws IOException;

    /**
     * How many embeds were found so far: neutralized, or left as they are because the visitor consented. While it is
     * 0 the output is the input byte for byte, so it does not depend on the visitor; the servlet filter uses this to
     * keep the caching headers of pages without embeds. Complete after {@link #close()}.
     */
    public abstract int embedsFound();
}

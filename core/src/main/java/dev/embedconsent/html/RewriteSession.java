package dev.embedconsent.html;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One document being rewritten: push bytes with {@link #write}, then {@link #close}. It is itself an
 * {@link OutputStream}, so a servlet response or a file copy can feed it directly. Placeholder: in progress.
 */
public abstract class RewriteSession extends OutputStream {
    /** Writes out everything that is safe to emit so far, then flushes the sink. */
    @Override
    public abstract void flush() throws IOException;

    /** Ends the document: emits buffered bytes (neutralizing any unfinished embed) and flushes, without closing the sink. */
    @Override
    public abstract void close() throws IOException;
}

package dev.embedconsent.html;

import dev.embedconsent.internal.PageEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** What the rewriting of one page shares between the document and its {@code <noscript>} fragments. */
final class Page {
    final EmbedRewriter rewriter;
    final PageContext context;
    final PageEncoder encoder;
    /** The page's declared encoding, or {@code null} when it declares none; attribute values are decoded with it. */
    final @Nullable Charset sourceCharset;
    private final OutputStream sink;
    private final @Nullable OutputObserver observer;
    private int placeholders;
    private @Nullable String documentLanguage;
    private boolean documentLanguageSeen;
    private @Nullable URI base;
    private boolean baseSeen;

    Page(EmbedRewriter rewriter, PageContext context, PageEncoder encoder, @Nullable Charset sourceCharset,
            OutputStream sink, @Nullable OutputObserver observer) {
        this.rewriter = rewriter;
        this.context = context;
        this.encoder = encoder;
        this.sourceCharset = sourceCharset;
        this.sink = sink;
        this.observer = observer;
    }

    int nextIndex() {
        return ++placeholders;
    }

    /** Records the first {@code <html lang>}. */
    void documentLanguage(@Nullable String lang) {
        if (!documentLanguageSeen) {
            documentLanguageSeen = true;
            documentLanguage = lang;
        }
    }

    /** Records the first {@code <base href>}; only an absolute http(s) URL changes how URLs resolve. */
    void base(@Nullable String href) {
        if (href != null && !baseSeen) {
            baseSeen = true;
            base = BaseResolvedAttributes.parseBase(href);
        }
    }

    boolean baseSeen() {
        return baseSeen;
    }

    @Nullable URI base() {
        return base;
    }

    boolean documentLanguageSeen() {
        return documentLanguageSeen;
    }

    /**
     * The placeholder language: the context's, else the primary subtag of the document's {@code lang} when the
     * renderer has texts for it, else the renderer's default.
     */
    String language() {
        String forced = context.language();
        return rewriter.renderer().language(forced != null ? forced : documentLanguage);
    }

    void copy(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        sink.write(bytes, offset, length);
        if (observer != null) {
            observer.copied(bytes, offset, length);
        }
    }

    void insert(String markup) throws IOException {
        if (markup.isEmpty()) {
            return;
        }
        int n = encoder.encode(markup);
        sink.write(encoder.buffer(), 0, n);
        if (observer != null) {
            observer.inserted(Arrays.copyOf(encoder.buffer(), n));
        }
    }

    void replace(byte[] original, String replacement) throws IOException {
        int n = encoder.encode(replacement);
        sink.write(encoder.buffer(), 0, n);
        if (observer != null) {
            observer.replaced(original, Arrays.copyOf(encoder.buffer(), n));
        }
    }
}

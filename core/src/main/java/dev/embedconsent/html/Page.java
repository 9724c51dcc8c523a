package dev.embedconsent.html;

import dev.embedconsent.internal.EncodedText;
import dev.embedconsent.internal.PageEncoder;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
    private final Insertion insertion;

    Page(EmbedRewriter rewriter, PageContext context, PageEncoder encoder, @Nullable Charset sourceCharset,
            OutputStream sink, @Nullable OutputObserver observer) {
        this.rewriter = rewriter;
        this.context = context;
        this.encoder = encoder;
        this.sourceCharset = sourceCharset;
        this.sink = sink;
        this.observer = observer;
        this.insertion = new Insertion();
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

    /** Writes markup the rewriter adds (assets, closers). */
    void insert(String markup) throws IOException {
        insertion.append(markup);
        insertion.end();
    }

    /** Writes the part of a placeholder that goes before the original embed. */
    void insertBefore(PlaceholderMarkup markup) throws IOException {
        markup.appendBefore(insertion);
        insertion.end();
    }

    /** Writes the part of a placeholder that goes after the original embed. */
    void insertAfter(PlaceholderMarkup markup) throws IOException {
        markup.appendAfter(insertion);
        insertion.end();
    }

    void replace(byte[] original, String replacement) throws IOException {
        int n = encoder.encode(replacement);
        sink.write(encoder.buffer(), 0, n);
        if (observer != null) {
            observer.replaced(original, Arrays.copyOf(encoder.buffer(), n));
        }
    }

    /**
     * Markup being inserted, encoded and written as it is appended. In UTF-8 and single-byte encodings it goes out in
     * chunks of {@value #CHUNK} characters (never splitting a surrogate pair), so no placeholder is held whole; other
     * encodings may keep state across characters (ISO-2022-JP), so there one insertion is encoded in one go.
     */
    private final class Insertion implements Appendable {
        private static final int CHUNK = 512;
        private final boolean utf8 = encoder.charset().equals(StandardCharsets.UTF_8);
        private final boolean chunked = utf8 || encoder.charset().newEncoder().maxBytesPerChar() <= 1f;
        private @Nullable StringBuilder chars;
        /** What the observer is told about when the insertion ends; only with an observer. */
        private @Nullable ByteArrayOutputStream observed;

        @Override
        public Appendable append(@Nullable CharSequence text) throws IOException {
            CharSequence s = text == null ? "null" : text;
            return append(s, 0, s.length());
        }

        @Override
        public Appendable append(@Nullable CharSequence text, int start, int end) throws IOException {
            CharSequence s = text == null ? "null" : text;
            if (s instanceof EncodedText encoded && chunked && start == 0 && end == s.length()) {
                byte[] bytes = encoded.bytes(utf8);
                if (bytes != null) {
                    // Already in the page's encoding: written after what is pending, without encoding it again.
                    StringBuilder pending = chars;
                    if (pending != null && pending.length() > 0) {
                        write(pending);
                        pending.setLength(0);
                    }
                    write(bytes, bytes.length);
                    return this;
                }
            }
            StringBuilder b = chars();
            if (s instanceof String string && start == 0 && end == string.length()
                    && (!chunked || b.length() + end <= CHUNK)) {
                b.append(string);
                return this;
            }
            int from = start;
            while (from < end) {
                if (chunked && b.length() >= CHUNK) {
                    writeChunk(b);
                }
                int take = chunked ? Math.min(end - from, CHUNK - b.length()) : end - from;
                b.append(s, from, from + take);
                from += take;
            }
            return this;
        }

        @Override
        public Appendable append(char c) throws IOException {
            StringBuilder b = chars();
            if (chunked && b.length() >= CHUNK) {
                writeChunk(b);
            }
            b.append(c);
            return this;
        }

        /** Writes what is left and tells the observer about the whole insertion. */
        void end() throws IOException {
            StringBuilder b = chars;
            if (b != null && b.length() > 0) {
                write(b);
                b.setLength(0);
            }
            ByteArrayOutputStream o = observed;
            if (o != null && o.size() > 0 && observer != null) {
                observer.inserted(o.toByteArray());
                o.reset();
            }
        }

        private StringBuilder chars() {
            StringBuilder b = chars;
            if (b == null) {
                b = new StringBuilder(CHUNK);
                chars = b;
            }
            return b;
        }

        /** Writes a full chunk, keeping a trailing high surrogate for the low one that follows. */
        private void writeChunk(StringBuilder b) throws IOException {
            char last = b.charAt(b.length() - 1);
            boolean keep = Character.isHighSurrogate(last);
            if (keep) {
                b.setLength(b.length() - 1);
            }
            write(b);
            b.setLength(0);
            if (keep) {
                b.append(last);
            }
        }

        private void write(CharSequence markup) throws IOException {
            int n = encoder.encode(markup);
            write(encoder.buffer(), n);
        }

        private void write(byte[] bytes, int n) throws IOException {
            sink.write(bytes, 0, n);
            if (observer != null) {
                if (observed == null) {
                    observed = new ByteArrayOutputStream();
                }
                observed.write(bytes, 0, n);
            }
        }
    }
}

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
import java.util.Locale;
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
    private int embedsFound;
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
        this.placeholders = context.firstIndex() - 1;
    }

    int nextIndex() {
        return ++placeholders;
    }

    /** Counts an embed found: neutralized, or left live because the visitor consented. */
    void embedFound() {
        embedsFound++;
    }

    int embedsFound() {
        return embedsFound;
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

    /** The site's own host from the context, lower case without a trailing dot; {@code null} when unknown. */
    @Nullable String siteHost() {
        String host = context.siteHost();
        if (host == null || host.isEmpty()) {
            return null;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
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
     * Markup being inserted, encoded as it is appended and written to the sink in blocks of up to {@value #BLOCK}
     * bytes, so no placeholder is held whole. In UTF-8 and single-byte encodings, ASCII characters and
     * {@link EncodedText} go straight into the block, and other characters are encoded in runs of up to
     * {@value #CHUNK} (never splitting a surrogate pair). Other encodings may keep state across characters
     * (ISO-2022-JP), so there one insertion is encoded in one go.
     */
    private final class Insertion implements Appendable {
        private static final int CHUNK = 512;
        private static final int BLOCK = 4096;
        private final boolean utf8 = encoder.charset().equals(StandardCharsets.UTF_8);
        private final boolean chunked = utf8 || encoder.singleByte();
        /** Encoded bytes not yet written; allocated on first use. */
        private byte[] block = new byte[0];
        private int blockLength;
        /** Characters not yet encoded; they come after {@link #block}. */
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
            if (!chunked) {
                chars().append(s, start, end);
                return this;
            }
            if (s instanceof EncodedText encoded && start == 0 && end == s.length()) {
                byte[] bytes = encoded.bytes(utf8);
                if (bytes != null) {
                    // Already in the page's encoding: copied after what is pending, not encoded again.
                    encodePending();
                    put(bytes, 0, bytes.length);
                    return this;
                }
            }
            int i = start;
            StringBuilder pending = chars;
            if (s instanceof String string && (pending == null || pending.length() == 0) && end - start <= BLOCK) {
                // The ASCII run at the start goes straight into the block.
                if (blockLength + (end - start) > block.length) {
                    reserve(end - start);
                }
                byte[] b = block;
                int n = blockLength;
                for (char c; i < end && (c = string.charAt(i)) < 0x80; i++) {
                    b[n++] = (byte) c;
                }
                blockLength = n;
            }
            for (; i < end; i++) {
                append(s.charAt(i));
            }
            return this;
        }

        @Override
        public Appendable append(char c) throws IOException {
            StringBuilder pending = chars;
            boolean nonePending = pending == null || pending.length() == 0;
            if (chunked && c < 0x80 && nonePending) {
                if (blockLength == block.length) {
                    grow();
                }
                block[blockLength++] = (byte) c;
                return this;
            }
            StringBuilder b = chars();
            if (chunked && b.length() >= CHUNK) {
                encodeChunk(b);
            }
            b.append(c);
            return this;
        }

        /** Writes what is left and tells the observer about the whole insertion. */
        void end() throws IOException {
            encodePending();
            flushBlock();
            ByteArrayOutputStream o = observed;
            if (o != null && o.size() > 0 && observer != null) {
                observer.inserted(o.toByteArray());
                o.reset();
            }
        }

        private StringBuilder chars() {
            StringBuilder b = chars;
            if (b == null) {
                b = new StringBuilder(64);
                chars = b;
            }
            return b;
        }

        private void encodePending() throws IOException {
            StringBuilder b = chars;
            if (b != null && b.length() > 0) {
                int n = encoder.encode(b);
                b.setLength(0);
                put(encoder.buffer(), 0, n);
            }
        }

        /** Encodes a full chunk, keeping a trailing high surrogate for the low one that follows. */
        private void encodeChunk(StringBuilder b) throws IOException {
            char last = b.charAt(b.length() - 1);
            boolean keep = Character.isHighSurrogate(last);
            if (keep) {
                b.setLength(b.length() - 1);
            }
            encodePending();
            if (keep) {
                b.append(last);
            }
        }

        private void put(byte[] bytes, int off, int n) throws IOException {
            if (n > BLOCK) {
                flushBlock();
                write(bytes, off, n);
                return;
            }
            reserve(n);
            System.arraycopy(bytes, off, block, blockLength, n);
            blockLength += n;
        }

        /** Makes room for {@code n <= BLOCK} more bytes in the block, writing it out when it would outgrow BLOCK. */
        private void reserve(int n) throws IOException {
            if (blockLength + n > BLOCK) {
                flushBlock();
            }
            while (blockLength + n > block.length) {
                grow();
            }
        }

        private void grow() throws IOException {
            if (block.length >= BLOCK) {
                flushBlock();
            } else {
                // One block for the page: growing from small sizes cost more in copies than it saved.
                block = java.util.Arrays.copyOf(block, BLOCK);
            }
        }

        private void flushBlock() throws IOException {
            if (blockLength > 0) {
                int n = blockLength;
                blockLength = 0;
                write(block, 0, n);
            }
        }

        private void write(byte[] bytes, int off, int n) throws IOException {
            sink.write(bytes, off, n);
            if (observer != null) {
                if (observed == null) {
                    observed = new ByteArrayOutputStream();
                }
                observed.write(bytes, off, n);
            }
        }
    }
}

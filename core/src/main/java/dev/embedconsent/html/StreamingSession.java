package dev.embedconsent.html;

import dev.embedconsent.internal.CharsetSniffer;
import dev.embedconsent.internal.PageEncoder;
import dev.embedconsent.internal.Utf16Transcoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RewriteSession} behind {@link EmbedRewriter#open}. It first finds the page's encoding: with a transport
 * charset it needs only the three bytes a byte order mark could take, without one the first 1024 bytes (or the whole
 * page, if shorter) for the {@code <meta>} prescan. ASCII-compatible pages then go to a {@link ByteRewriter} as they
 * are; UTF-16 pages are converted to WTF-8 on the way in and back on the way out, which loses nothing.
 */
final class StreamingSession extends RewriteSession {
    private static final byte[] NONE = new byte[0];

    private final EmbedRewriter rewriter;
    private final OutputStream sink;
    private final PageContext context;
    private final @Nullable OutputObserver observer;

    /** The start of the page until the encoding is known; allocated only when the first chunk is too short. */
    private byte[] start = NONE;
    private int startLength;
    private @Nullable ByteRewriter document;
    private @Nullable Page page;
    private @Nullable Utf16Transcoder decoder;
    private @Nullable TranscodingSink transcodedSink;
    private byte[] converted = NONE;
    private byte @Nullable [] single;
    private boolean closed;

    StreamingSession(EmbedRewriter rewriter, OutputStream sink, PageContext context,
            @Nullable OutputObserver observer) {
        this.rewriter = rewriter;
        this.sink = sink;
        this.context = context;
        this.observer = observer;
    }

    @Override
    public void write(int b) throws IOException {
        byte[] one = single;
        if (one == null) {
            one = new byte[1];
            single = one;
        }
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("rewrite session is closed");
        }
        if (document != null) {
            feed(b, off, len);
            return;
        }
        if (startLength == 0 && off == 0 && enough(len)) {
            // The whole start is in this chunk: sniff it where it is.
            begin(b, Math.min(len, CharsetSniffer.PRESCAN_BYTES));
            feed(b, off, len);
            return;
        }
        if (start.length == 0) {
            start = new byte[CharsetSniffer.PRESCAN_BYTES];
        }
        int take = Math.min(len, start.length - startLength);
        System.arraycopy(b, off, start, startLength, take);
        startLength += take;
        if (enough(startLength)) {
            begin(start, startLength);
            feed(start, 0, startLength);
            start = NONE;
            feed(b, off + take, len - take);
        }
    }

    /** Whether the first {@code length} bytes are enough to decide the encoding. */
    private boolean enough(int length) {
        return length >= CharsetSniffer.PRESCAN_BYTES || (context.transportCharset() != null && length >= 3);
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            return;
        }
        sink.flush();
    }

    @Override
    public int embedsFound() {
        Page p = page;
        return p == null ? 0 : p.embedsFound();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (document == null) {
            begin(start, startLength);
            feed(start, 0, startLength);
        }
        ByteRewriter doc = Objects.requireNonNull(document);
        Utf16Transcoder in = decoder;
        if (in != null) {
            int n = in.finish(converted);
            doc.write(converted, 0, n);
        }
        doc.finish();
        TranscodingSink transcoding = transcodedSink;
        if (in != null && transcoding != null) {
            transcoding.flushPending();
            if (in.danglingByte() >= 0) {
                // An odd last byte is no UTF-16 code unit; it ends the page as it came.
                sink.write(in.danglingByte());
            }
        }
        sink.flush();
    }

    /** Decides the encoding from the page's first bytes, {@code bytes[0, length)}, and sets up the path for it. */
    private void begin(byte[] bytes, int length) {
        CharsetSniffer.Result sniffed = CharsetSniffer.sniff(bytes, length, context.transportCharset());
        Charset charset = sniffed.charset();
        if (CharsetSniffer.isAsciiCompatible(charset)) {
            // Without a declared encoding a browser may take windows-1252 or detect UTF-8, so inserted text is written
            // as ASCII with character references, which reads the same either way.
            PageEncoder encoder = new PageEncoder(sniffed.declared() ? charset : StandardCharsets.US_ASCII);
            Page ascii = new Page(rewriter, context, encoder, sniffed.declared() ? charset : null, sink, observer);
            page = ascii;
            document = new ByteRewriter(ascii, false, true, 0);
            return;
        }
        boolean bigEndian = charset.equals(StandardCharsets.UTF_16BE);
        decoder = Utf16Transcoder.toWtf8(bigEndian);
        transcodedSink = new TranscodingSink(sink, Utf16Transcoder.fromWtf8(bigEndian));
        Page utf16 = new Page(rewriter, context, new PageEncoder(StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                transcodedSink, observer);
        page = utf16;
        document = new ByteRewriter(utf16, false, true, 0);
    }

    private void feed(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        ByteRewriter doc = Objects.requireNonNull(document);
        Utf16Transcoder in = decoder;
        if (in == null) {
            doc.write(b, off, len);
            return;
        }
        int need = Utf16Transcoder.maxOutput(len);
        if (converted.length < need) {
            converted = new byte[need];
        }
        int n = in.convert(b, off, len, converted);
        doc.write(converted, 0, n);
    }

    /** Converts the rewriter's WTF-8 output back to the page's UTF-16. */
    private static final class TranscodingSink extends OutputStream {
        private final OutputStream sink;
        private final Utf16Transcoder encoder;
        private byte[] buffer = new byte[0];

        TranscodingSink(OutputStream sink, Utf16Transcoder encoder) {
            this.sink = sink;
            this.encoder = encoder;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int need = Utf16Transcoder.maxOutput(len);
            if (buffer.length < need) {
                buffer = new byte[need];
            }
            int n = encoder.convert(b, off, len, buffer);
            sink.write(buffer, 0, n);
        }

        void flushPending() throws IOException {
            byte[] rest = new byte[8];
            int n = encoder.finish(rest);
            sink.write(rest, 0, n);
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }
    }
}

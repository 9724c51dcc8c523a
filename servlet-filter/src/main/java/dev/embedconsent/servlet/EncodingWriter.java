package dev.embedconsent.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Encodes characters once, with the response charset, into a byte stream. Unlike {@code OutputStreamWriter} it can
 * push its pending bytes on without flushing the stream below ({@link #drain()}), and drop them ({@link #discard()})
 * when the response buffer is reset. Unmappable characters become the charset's replacement, as in
 * {@code OutputStreamWriter}. Not thread-safe, like the response it serves.
 */
final class EncodingWriter extends Writer {
    private final OutputStream out;
    private final Charset charset;
    private final CharsetEncoder encoder;
    private final CharBuffer chars = CharBuffer.allocate(2048);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192);

    EncodingWriter(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
        this.encoder = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    Charset charset() {
        return charset;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, chars.remaining());
            chars.put(buf, off, n);
            off += n;
            len -= n;
            if (!chars.hasRemaining()) {
                encode(false);
            }
        }
    }

    @Override
    public void write(int c) throws IOException {
        chars.put((char) c);
        if (!chars.hasRemaining()) {
            encode(false);
        }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, chars.remaining());
            chars.put(str, off, off + n);
            off += n;
            len -= n;
            if (!chars.hasRemaining()) {
                encode(false);
            }
        }
    }

    /** Encodes what is pending (a lone high surrogate waits for its partner) and writes it on, without flushing. */
    void drain() throws IOException {
        encode(false);
    }

    /** Encodes everything, including a dangling surrogate (as the replacement), and writes it on. */
    void end() throws IOException {
        encode(true);
        bytes.clear();
        encoder.flush(bytes);
        writeBytes();
        encoder.reset();
    }

    /** Drops pending characters, after {@code resetBuffer}. */
    void discard() {
        chars.clear();
        bytes.clear();
        encoder.reset();
    }

    @Override
    public void flush() throws IOException {
        encode(false);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        end();
        out.close();
    }

    private void encode(boolean endOfInput) throws IOException {
        chars.flip();
        while (true) {
            bytes.clear();
            CoderResult result = encoder.encode(chars, bytes, endOfInput);
            writeBytes();
            if (result.isUnderflow()) {
                break;
            }
        }
        chars.compact();
    }

    private void writeBytes() throws IOException {
        bytes.flip();
        if (bytes.hasRemaining()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
        bytes.clear();
    }
}

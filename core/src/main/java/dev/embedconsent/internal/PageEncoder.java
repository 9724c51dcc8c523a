package dev.embedconsent.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes markup we add to a page in the page's own encoding, writing characters the encoding cannot represent as
 * numeric character references ({@code &#1111;}), so the text reads the same in a windows-1252 page. Not
 * thread-safe; one per page.
 *
 * <pre>{@code
 * PageEncoder encoder = new PageEncoder(Charset.forName("windows-1252"));
 * int n = encoder.encode("Підтвердити");   // encoder.buffer()[0, n) holds "&#1055;&#1110;..."
 * }</pre>
 */
public final class PageEncoder {
    private final Charset charset;
    private final CharsetEncoder encoder;
    private final boolean unicode;
    private byte[] buffer = new byte[0];
    private char[] chars = new char[0];

    public PageEncoder(Charset charset) {
        this.charset = charset;
        this.unicode = charset.equals(StandardCharsets.UTF_8);
        this.encoder = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    public Charset charset() {
        return charset;
    }

    /** Whether every character is at most one byte in this encoding (and so no encoder state spans characters). */
    public boolean singleByte() {
        return encoder.maxBytesPerChar() <= 1f;
    }

    /**
     * Encodes {@code markup} in the page's encoding into {@link #buffer()} and returns the length. Lone surrogates
     * become U+FFFD. The buffer is reused by the next call.
     */
    public int encode(CharSequence markup) {
        int n = markup.length();
        char[] c = chars(markup, n);
        if (unicode) {
            return encodeUtf8(c, n);
        }
        encoder.reset();
        ensure((int) (n * encoder.maxBytesPerChar()) + 16);
        ByteBuffer out = ByteBuffer.wrap(buffer);
        CoderResult result = encoder.encode(CharBuffer.wrap(c, 0, n), out, true);
        if (!result.isError() && !encoder.flush(out).isError()) {
            return out.position();
        }
        byte[] withReferences = encodeWithReferences(markup);
        ensure(withReferences.length);
        System.arraycopy(withReferences, 0, buffer, 0, withReferences.length);
        return withReferences.length;
    }

    /** The characters of {@code markup} in a reused array: bulk copies, so the encoders loop over an array. */
    private char[] chars(CharSequence markup, int n) {
        if (chars.length < n) {
            chars = new char[Math.max(n, Math.max(512, chars.length * 2))];
        }
        if (markup instanceof String s) {
            s.getChars(0, n, chars, 0);
        } else if (markup instanceof StringBuilder b) {
            b.getChars(0, n, chars, 0);
        } else {
            for (int i = 0; i < n; i++) {
                chars[i] = markup.charAt(i);
            }
        }
        return chars;
    }

    /** The bytes of the last {@link #encode}. */
    public byte[] buffer() {
        return buffer;
    }

    private int encodeUtf8(char[] s, int n) {
        ensure(n * 3);
        int o = 0;
        int i = 0;
        // Placeholder markup is mostly ASCII: copy that part in a loop the JIT can keep tight.
        while (i < n && s[i] < 0x80) {
            buffer[o++] = (byte) s[i++];
        }
        for (; i < n; i++) {
            int cp = s[i];
            if (Character.isHighSurrogate(s[i]) && i + 1 < n && Character.isLowSurrogate(s[i + 1])) {
                cp = Character.toCodePoint(s[i], s[++i]);
            } else if (Character.isSurrogate(s[i])) {
                cp = 0xFFFD;
            }
            o = Utf16Transcoder.putUtf8(cp, buffer, o);
        }
        return o;
    }

    private void ensure(int n) {
        if (buffer.length < n) {
            buffer = new byte[Math.max(n, buffer.length * 2)];
        }
    }

    private byte[] encodeWithReferences(CharSequence markup) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(markup.length() + 64);
        encoder.reset();
        for (int i = 0; i < markup.length(); ) {
            int cp = Character.codePointAt(markup, i);
            int len = Character.charCount(cp);
            if (Character.isSurrogate((char) cp)) {
                cp = 0xFFFD;
            }
            String ch = new String(Character.toChars(cp));
            if (encoder.canEncode(ch)) {
                out.writeBytes(ch.getBytes(charset));
            } else {
                out.writeBytes(("&#" + cp + ";").getBytes(StandardCharsets.US_ASCII));
            }
            i += len;
        }
        return out.toByteArray();
    }
}

package dev.embedconsent.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes markup we add to a page in the page's own encoding, writing characters the encoding cannot represent as
 * numeric character references ({@code &#1111;}), so the text reads the same in a windows-1252 page. Not
 * thread-safe; one per page.
 *
 * <pre>{@code
 * new PageEncoder(Charset.forName("windows-1252")).encode("Підтвердити") // "&#1055;&#1110;..." as bytes
 * }</pre>
 */
public final class PageEncoder {
    private final Charset charset;
    private final CharsetEncoder encoder;
    private final boolean unicode;

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

    /** {@code markup} in the page's encoding. Lone surrogates become U+FFFD. */
    public byte[] encode(String markup) {
        if (unicode) {
            return markup.getBytes(StandardCharsets.UTF_8);
        }
        try {
            encoder.reset();
            ByteBuffer whole = encoder.encode(CharBuffer.wrap(markup));
            byte[] out = new byte[whole.remaining()];
            whole.get(out);
            return out;
        } catch (CharacterCodingException unmappable) {
            return encodeWithReferences(markup);
        }
    }

    private byte[] encodeWithReferences(String markup) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(markup.length() + 64);
        encoder.reset();
        for (int i = 0; i < markup.length(); ) {
            int cp = markup.codePointAt(i);
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

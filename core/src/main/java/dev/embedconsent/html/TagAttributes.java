package dev.embedconsent.html;

import dev.embedconsent.internal.CharacterReferences;
import dev.embedconsent.internal.CharsetSniffer;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.provider.Attributes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The attributes of the tag the tokenizer just reported, read lazily from its bytes and the tokenizer's attribute
 * spans: a look-up compares names on bytes and decodes only the value asked for. One instance is reused per
 * document; it is valid until the tokenizer reads the next tag.
 */
final class TagAttributes implements Attributes {
    /** The page's declared encoding; {@code null} when it declares none. */
    private final @Nullable Charset charset;
    private final boolean utf8;
    private byte[] bytes = new byte[0];
    private int tagStart;
    private int count;
    private @Nullable HtmlTokenizer tokenizer;

    TagAttributes(@Nullable Charset charset) {
        this.charset = charset;
        this.utf8 = StandardCharsets.UTF_8.equals(charset);
    }

    /**
     * Points at the tag whose {@code <} is {@code bytes[tagStart]}, whose attribute spans the tokenizer holds until
     * its next tag.
     */
    TagAttributes reset(byte[] bytes, int tagStart, HtmlTokenizer tokenizer) {
        this.bytes = bytes;
        this.tagStart = tagStart;
        this.count = tokenizer.attributeCount();
        this.tokenizer = tokenizer;
        return this;
    }

    private HtmlTokenizer tokenizer() {
        HtmlTokenizer t = tokenizer;
        if (t == null) {
            throw new IllegalStateException("no tag");
        }
        return t;
    }

    @Override
    public @Nullable String get(String lowercaseName) {
        for (int k = 0; k < count; k++) {
            if (nameEquals(k, lowercaseName)) {
                return value(k);
            }
        }
        return null;
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            String name = name(k);
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** Compares on bytes; only a name with non-ASCII bytes, or a non-ASCII expected name, is decoded. */
    private boolean nameEquals(int k, String expected) {
        int from = tagStart + tokenizer().attributeNameStart(k);
        int to = tagStart + tokenizer().attributeNameEnd(k);
        if (to - from != expected.length()) {
            // Each ASCII byte is one character, and a name with other bytes cannot equal an ASCII name.
            return !isAscii(expected) && name(k).equals(expected);
        }
        for (int j = from; j < to; j++) {
            int c = bytes[j];
            if (c < 0) {
                return name(k).equals(expected);
            }
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != expected.charAt(j - from)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The attribute's name as the DOM has it: ASCII-lowercased, NUL replaced. */
    private String name(int k) {
        HtmlTokenizer t = tokenizer();
        return asciiLower(CharacterReferences.preprocess(
                decode(tagStart + t.attributeNameStart(k), tagStart + t.attributeNameEnd(k))));
    }

    private String value(int k) {
        HtmlTokenizer t = tokenizer();
        int start = t.attributeValueStart(k);
        if (start < 0) {
            return "";
        }
        return CharacterReferences.decodeAttributeValue(decode(tagStart + start, tagStart + t.attributeValueEnd(k)));
    }

    private String decode(int from, int to) {
        if (isAscii(from, to)) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
        if (charset == null) {
            return decodeUndeclared(from, to);
        }
        return new String(bytes, from, to - from, utf8 ? StandardCharsets.UTF_8 : charset);
    }

    /**
     * A page without a declared encoding: UTF-8 when the bytes are valid UTF-8 (what browsers' detection finds),
     * else windows-1252.
     */
    private String decodeUndeclared(int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, from, to - from, CharsetSniffer.WINDOWS_1252);
        }
    }

    private boolean isAscii(int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }
}

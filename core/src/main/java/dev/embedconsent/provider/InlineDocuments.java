package dev.embedconsent.provider;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The document text inside a {@code data:} URL (percent- or base64-encoded) or a {@code javascript:} URL, which a
 * frame loads as a page of its own.
 *
 * <pre>{@code
 * InlineDocuments.isInlineDocumentUrl("data:text/html,%3Cp%3EHi") // true
 * InlineDocuments.content("data:text/html,%3Cp%3EHi")             // "<p>Hi"
 * }</pre>
 */
final class InlineDocuments {

    private InlineDocuments() {}

    /**
     * Whether a URL (without tabs and line breaks) carries its document inline: {@code data:} or
     * {@code javascript:}. Allocation-free.
     */
    static boolean isInlineDocumentUrl(String url) {
        int start = UrlView.trimStart(url, 0, url.length());
        return url.regionMatches(true, start, "data:", 0, 5) || url.regionMatches(true, start, "javascript:", 0, 11);
    }

    /** The decoded content; undecodable base64 yields the raw text, so it is still scanned. */
    static String content(String url) {
        String value = url.strip();
        if (value.regionMatches(true, 0, "javascript:", 0, 11)) {
            return percentDecoded(value.substring(11));
        }
        int comma = value.indexOf(',');
        if (comma < 0) {
            return value;
        }
        String meta = value.substring(5, comma).toLowerCase(Locale.ROOT).strip();
        String data = value.substring(comma + 1);
        if (meta.endsWith(";base64")) {
            try {
                return new String(Base64.getMimeDecoder().decode(percentDecoded(data)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return data;
            }
        }
        return percentDecoded(data);
    }

    /** Percent-escapes decoded as UTF-8 bytes; the same string when it holds no {@code %}. */
    static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                int end = i + Character.charCount(s.codePointAt(i));
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

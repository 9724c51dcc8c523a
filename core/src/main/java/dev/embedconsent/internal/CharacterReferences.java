package dev.embedconsent.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes character references in attribute values exactly as the WHATWG tokenizer does in its "character reference
 * state" with an attribute as the return state, including the input-stream preprocessing that applies to attribute
 * values (CR LF and lone CR become LF, NUL becomes U+FFFD).
 *
 * <pre>{@code
 * CharacterReferences.decodeAttributeValue("https&#58;//x.test/?a=1&amp;b=2") // "https://x.test/?a=1&b=2"
 * CharacterReferences.decodeAttributeValue("?a&copy=1")                      // "?a&copy=1" (legacy rule)
 * }</pre>
 */
public final class CharacterReferences {
    private static final int LONGEST_NAME = 32;
    private static final Map<String, String> NAMED = loadNamed();

    /** Replacements for numeric references to 0x80..0x9F, from the spec's table (windows-1252 code points). */
    private static final char[] C1_REPLACEMENTS = {
        '\u20AC', 0, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', 0, '\u017D', 0,
        0, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', 0, '\u017E', '\u0178'
    };

    private CharacterReferences() {}

    /** The value of an attribute as the browser's DOM holds it, from its raw (charset-decoded) source text. */
    public static String decodeAttributeValue(CharSequence raw) {
        Objects.requireNonNull(raw, "raw");
        int n = raw.length();
        if (!needsWork(raw)) {
            return raw.toString();
        }
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            int run = i;
            char c = 0;
            while (i < n && (c = raw.charAt(i)) != '&' && c != '\r' && c != 0) {
                i++;
            }
            out.append(raw, run, i);
            if (i == n) {
                break;
            }
            if (c == '&') {
                i = reference(raw, i, out);
            } else if (c == '\r') {
                out.append('\n');
                i += i + 1 < n && raw.charAt(i + 1) == '\n' ? 2 : 1;
            } else {
                out.append('\uFFFD');
                i++;
            }
        }
        return out.toString();
    }

    /** Applies only the input-stream preprocessing (newlines, NUL) that tag and attribute names also get. */
    public static String preprocess(CharSequence raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0, n = raw.length(); i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < n && raw.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                out.append(c == 0 ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static boolean needsWork(CharSequence raw) {
        for (int i = 0, n = raw.length(); i < n; i++) {
            char c = raw.charAt(i);
            if (c == '&' || c == '\r' || c == 0) {
                return true;
            }
        }
        return false;
    }

    /** Handles the reference starting with the {@code &} at {@code amp}; returns the index after what it consumed. */
    private static int reference(CharSequence s, int amp, StringBuilder out) {
        int n = s.length();
        int i = amp + 1;
        if (i < n && s.charAt(i) == '#') {
            return numeric(s, amp, out);
        }
        if (i >= n || !isAsciiAlphanumeric(s.charAt(i))) {
            out.append('&');
            return i;
        }
        // Named character reference state: the longest name in the table that the input starts with. Names are
        // alphanumeric with an optional final ';', so only prefixes of that run (and the ';' after it) can match.
        int run = i;
        while (run < n && isAsciiAlphanumeric(s.charAt(run))) {
            run++;
        }
        int max = Math.min((run < n && s.charAt(run) == ';' ? run + 1 : run) - i, LONGEST_NAME);
        for (int len = max; len >= 1; len--) {
            String candidate = s.subSequence(i, i + len).toString();
            String value = NAMED.get(candidate);
            if (value == null) {
                continue;
            }
            int after = i + len;
            boolean endsWithSemicolon = candidate.charAt(len - 1) == ';';
            if (!endsWithSemicolon && after < n) {
                char next = s.charAt(after);
                if (next == '=' || isAsciiAlphanumeric(next)) {
                    // Historical rule for attributes: "&copy=1" in a URL stays as written.
                    out.append(s, amp, after);
                    return after;
                }
            }
            out.append(value);
            return after;
        }
        // No match: the ampersand and what follows stay as they are (ambiguous ampersand state).
        out.append('&');
        return i;
    }

    private static int numeric(CharSequence s, int amp, StringBuilder out) {
        int n = s.length();
        int i = amp + 2;
        boolean hex = i < n && (s.charAt(i) == 'x' || s.charAt(i) == 'X');
        int digitsStart = hex ? i + 1 : i;
        int j = digitsStart;
        long code = 0;
        while (j < n) {
            int d = Character.digit(s.charAt(j), hex ? 16 : 10);
            if (d < 0 || s.charAt(j) > 0x7F) {
                break;
            }
            code = Math.min(code * (hex ? 16 : 10) + d, 0x110000L);
            j++;
        }
        if (j == digitsStart) {
            // Absence of digits: nothing is consumed beyond the "&#" or "&#x" that stays as text.
            out.append(s, amp, digitsStart);
            return digitsStart;
        }
        if (j < n && s.charAt(j) == ';') {
            j++;
        }
        out.appendCodePoint(numericValue((int) code));
        return j;
    }

    /** The "numeric character reference end state" mapping of a parsed number to a code point. */
    static int numericValue(int code) {
        if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return 0xFFFD;
        }
        if (code >= 0x80 && code <= 0x9F) {
            char replacement = C1_REPLACEMENTS[code - 0x80];
            return replacement != 0 ? replacement : code;
        }
        return code;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static Map<String, String> loadNamed() {
        String resource = "named-character-references.txt";
        Map<String, String> map = new HashMap<>(4096);
        try (InputStream in = CharacterReferences.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" ");
                StringBuilder value = new StringBuilder(2);
                for (int k = 1; k < parts.length; k++) {
                    value.appendCodePoint(Integer.parseInt(parts[k], 16));
                }
                map.put(parts[0], value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return Map.copyOf(map);
    }
}

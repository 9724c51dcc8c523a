package dev.embedconsent.placeholder;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Escapes text for HTML text and quoted attribute values alike. Characters HTML cannot carry are replaced: NUL and
 * unpaired surrogates become U+FFFD, other C0 controls (except tab, line feed, carriage return) and DEL a space.
 */
final class HtmlEscaping {

    private HtmlEscaping() {}

    static String escape(String text) {
        StringBuilder out = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            String replacement = replacement(c);
            if (replacement == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 16).append(text, 0, i);
            }
            out.append(replacement);
        }
        return out == null ? text : out.toString();
    }

    /** Appends {@code text} escaped as {@link #escape(String)} does, copying unchanged runs without a new string. */
    static void escape(String text, Appendable out) throws IOException {
        int n = text.length();
        int run = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            String replacement = replacement(c);
            if (replacement != null) {
                out.append(text, run, i).append(replacement);
                run = i + 1;
            }
        }
        out.append(text, run, n);
    }

    private static @Nullable String replacement(char c) {
        switch (c) {
            case '&':
                return "&amp;";
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '"':
                return "&quot;";
            case '\'':
                return "&#39;";
            case '\0':
                return "\uFFFD";
            case '\t':
            case '\n':
            case '\r':
                return null;
            default:
                break;
        }
        if (c < 0x20 || c == 0x7F) {
            return " ";
        }
        if (Character.isSurrogate(c)) {
            return "\uFFFD";
        }
        return null;
    }
}

package dev.embedconsent.placeholder;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The preview still of one embed, as a placeholder shows it: an image on the site's own origin, and the title the
 * provider gave the content when the page did not give one.
 *
 * @param src the image's URL on the site's origin (a path such as {@code /embed-consent/preview/...} or a relative
 *     path); never a provider's URL
 * @param title the provider's title of the content (from its oEmbed answer), once known; plain text
 */
public record Preview(String src, @Nullable String title) {
    public Preview {
        Objects.requireNonNull(src, "src");
        int scheme = src.indexOf(':');
        int pathStart = firstOf(src, "/?#");
        boolean odd = src.chars().anyMatch(c -> c == '\\' || c <= ' ' || c == 0x7F);
        if (src.isEmpty() || src.startsWith("//") || odd || (scheme >= 0 && scheme < pathStart)) {
            throw new IllegalArgumentException("a preview's src must be a path on the site's own origin, got \""
                    + src + "\"");
        }
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}

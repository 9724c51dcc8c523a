package dev.embedconsent.provider;

import dev.embedconsent.provider.Attributes;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Which attributes of which elements make a browser fetch a URL, and the conditions some elements add. */
final class LoadingAttributes {

    private static final List<String> FRAME = List.of("src", "data-src", "data-lazy-src", "data-original");
    private static final List<String> IMAGE = List.of("src", "srcset", "data-src", "data-lazy-src", "data-srcset",
            "data-lazy-srcset", "data-original");

    private static final Map<String, List<String>> BY_ELEMENT = Map.ofEntries(
            Map.entry("iframe", FRAME),
            Map.entry("frame", List.of("src")),
            Map.entry("embed", List.of("src", "data-src", "data-lazy-src")),
            Map.entry("object", List.of("data", "data-src")),
            Map.entry("param", List.of("value")),
            Map.entry("img", IMAGE),
            Map.entry("source", List.of("src", "srcset", "data-src", "data-srcset", "data-lazy-srcset")),
            Map.entry("video", List.of("src", "poster", "data-src", "data-poster")),
            Map.entry("audio", List.of("src", "data-src")),
            Map.entry("track", List.of("src")),
            Map.entry("image", List.of("href", "xlink:href")),
            Map.entry("script", List.of("src", "data-src", "data-lazy-src", "href", "xlink:href")),
            Map.entry("link", List.of("href", "imagesrcset")));

    /** {@code <link rel>} tokens that make the browser connect to or fetch from the {@code href}. */
    private static final String[] LOADING_RELS = {"preconnect", "dns-prefetch", "preload", "prefetch",
        "modulepreload", "prerender", "stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed",
        "mask-icon", "manifest"};

    /** {@code <param name>} values whose {@code value} the plugin loads. */
    private static final String[] LOADING_PARAMS = {"movie", "src", "url", "filename", "source"};

    private LoadingAttributes() {}

    static List<String> of(String element) {
        return BY_ELEMENT.getOrDefault(element, List.of());
    }

    static boolean isLoadingElement(String element) {
        return BY_ELEMENT.containsKey(element);
    }

    /** Whether an attribute value is a {@code srcset}-style candidate list rather than one URL. */
    static boolean isSrcset(String attribute) {
        return attribute.endsWith("srcset");
    }

    /**
     * Whether the element's other attributes let its URL attributes load: a {@code <link>} needs a loading
     * {@code rel}, a {@code <param>} a loading {@code name}. Allocation-free.
     */
    static boolean loads(String element, Attributes attributes) {
        if (element.equals("link")) {
            return containsToken(attributes.get("rel"), LOADING_RELS);
        }
        if (element.equals("param")) {
            return containsToken(attributes.get("name"), LOADING_PARAMS);
        }
        return true;
    }

    /** Whether the whitespace-separated list holds one of the (lowercase) tokens, compared ASCII-case-insensitively. */
    private static boolean containsToken(@Nullable String list, String[] tokens) {
        if (list == null) {
            return false;
        }
        int n = list.length();
        int i = 0;
        while (i < n) {
            while (i < n && isAsciiWhitespace(list.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isAsciiWhitespace(list.charAt(i))) {
                i++;
            }
            if (i > start) {
                for (String token : tokens) {
                    if (token.length() == i - start && list.regionMatches(true, start, token, 0, token.length())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }
}

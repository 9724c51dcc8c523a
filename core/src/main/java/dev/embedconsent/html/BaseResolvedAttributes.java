package dev.embedconsent.html;

import dev.embedconsent.provider.Attributes;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A tag's attributes with relative URLs resolved against the document's {@code <base href>}, so that
 * {@code <base href="https://www.youtube.com/"><iframe src="/embed/x">} is seen for what it loads.
 */
final class BaseResolvedAttributes implements Attributes {
    /** Attributes that hold one URL. */
    private static final Set<String> URLS = Set.of("src", "href", "data", "poster", "value", "cite", "data-src",
            "data-lazy-src", "data-href", "data-original", "xlink:href");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Attributes attributes;
    private final URI base;

    BaseResolvedAttributes(Attributes attributes, URI base) {
        this.attributes = attributes;
        this.base = base;
    }

    /** The base URL of an {@code <base href>} value, when it is an absolute http(s) URL; null otherwise. */
    static @Nullable URI parseBase(@Nullable String href) {
        if (href == null) {
            return null;
        }
        String value = href.strip();
        if (value.startsWith("//")) {
            value = "https:" + value;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                    && uri.getHost() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    @Override
    public @Nullable String get(String lowercaseName) {
        String value = attributes.get(lowercaseName);
        if (value == null) {
            return null;
        }
        if (lowercaseName.endsWith("srcset")) {
            return resolveSrcset(value);
        }
        return URLS.contains(lowercaseName) ? resolve(value) : value;
    }

    @Override
    public List<String> names() {
        return attributes.names();
    }

    private String resolve(String url) {
        String u = url.strip();
        if (u.isEmpty() || u.startsWith("//") || u.startsWith("#") || SCHEME.matcher(u).find()) {
            return url;
        }
        try {
            return base.resolve(u).toString();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private String resolveSrcset(String srcset) {
        StringBuilder out = new StringBuilder(srcset.length() + 32);
        for (String candidate : srcset.split(",")) {
            String c = candidate.strip();
            int space = c.indexOf(' ');
            String url = space < 0 ? c : c.substring(0, space);
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(resolve(url)).append(space < 0 ? "" : c.substring(space));
        }
        return out.toString();
    }
}

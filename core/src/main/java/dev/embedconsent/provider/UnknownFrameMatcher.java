package dev.embedconsent.provider;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Generic blocking: a frame ({@code iframe}, {@code frame}, {@code object}, {@code embed}, a loading {@code param})
 * whose URL, in any attribute the browser or a lazy loader reads, is http(s) on a host that is neither the site's,
 * nor trusted, nor any provider's, is an embed of the stand-in provider {@code host:<host>}. Relative URLs,
 * {@code about:blank}, {@code data:}, {@code javascript:} and frames without a URL are left alone; {@code srcdoc} is
 * the inline-document scanner's business. Hosts are compared as the browser resolves them (percent-decoded,
 * IDNA-mapped to punycode, lower case, no trailing dot).
 *
 * <pre>{@code
 * // <iframe src="https://videos.example.org/w/1"> on www.example.org, nothing trusted:
 * matcher.match("iframe", attributes, TrustedHosts.NONE, "www.example.org"); // host:videos.example.org
 * }</pre>
 */
final class UnknownFrameMatcher {
    static final Set<String> FRAMES = Set.of("iframe", "frame", "object", "embed", "param");

    private final MatchIndex index;

    UnknownFrameMatcher(MatchIndex index) {
        this.index = index;
    }

    static boolean isFrame(String element) {
        return FRAMES.contains(element);
    }

    @Nullable EmbedMatch match(String element, Attributes attributes, TrustedHosts trusted, @Nullable String siteHost) {
        if (!isFrame(element) || !LoadingAttributes.loads(element, attributes)) {
            return null;
        }
        for (String attribute : LoadingAttributes.of(element)) {
            String value = attributes.get(attribute);
            if (value != null) {
                EmbedMatch match = matchUrl(element, attribute, value, trusted, siteHost);
                if (match != null) {
                    return match;
                }
            }
        }
        return null;
    }

    private @Nullable EmbedMatch matchUrl(String element, String attribute, String value, TrustedHosts trusted,
            @Nullable String siteHost) {
        // Frames are few: the URL is copied as URL parsing reads it (trimmed, tabs and line breaks removed).
        int from = UrlView.trimStart(value, 0, value.length());
        String s = UrlView.withoutTabsAndNewlines(value, from, UrlView.trimEnd(value, from, value.length()));
        long range = UrlView.locateHost(s, 0, s.length());
        if (range == UrlView.NONE) {
            return null;
        }
        int hostEnd = UrlView.end(range);
        String host = UrlView.host(s, UrlView.start(range), hostEnd);
        if (host == null || !Provider.isUnknownHostName(host) || host.equals(siteHost) || trusted.matches(host)
                || index.providerForHost(host, 0, host.length()) != null) {
            return null;
        }
        return new EmbedMatch(Provider.forUnknownHost(host), element, attribute,
                UrlView.toHttps(s, host, hostEnd, s.length()));
    }
}

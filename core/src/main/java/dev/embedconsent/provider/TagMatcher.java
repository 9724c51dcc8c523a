package dev.embedconsent.provider;

import dev.embedconsent.provider.MatchIndex.ComponentCandidate;
import dev.embedconsent.provider.MatchIndex.ElementRules;
import dev.embedconsent.provider.MatchIndex.MarkerCandidate;
import dev.embedconsent.provider.MatchIndex.UrlCandidate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decides which provider, if any, claims one start tag: the logic behind {@link ProviderCatalogue#match}, reading the
 * {@link MatchIndex} built from the providers' rules. Immutable and thread-safe.
 *
 * <p>In order: the element's URL attributes ({@code src} before lazy-load copies, {@code srcset} lists read by
 * {@link SrcsetList}), each on a provider's host and, where the rule has one, path; a frame's inline document
 * ({@code data:}/{@code javascript:} URL, then {@code srcdoc}), searched by the {@link InlineDocumentScanner}; widget
 * markers in {@code class}; custom elements. Markers and custom elements report their permalink when one of the
 * rule's URL attributes holds one on the provider's hosts.
 *
 * <pre>{@code
 * TagMatcher matcher = new TagMatcher(new MatchIndex(providers));
 * matcher.match("iframe", attributes); // src="//www.youtube.com/embed/x" -> youtube, https://www.youtube.com/embed/x
 * matcher.match("div", attributes);    // class="content" -> null, without allocating
 * }</pre>
 */
final class TagMatcher {

    private final MatchIndex index;
    private final InlineDocumentScanner inlineDocuments;

    TagMatcher(MatchIndex index) {
        this.index = index;
        this.inlineDocuments = new InlineDocumentScanner(index);
    }

    /** See {@link ProviderCatalogue#match}; allocation-free when nothing matches and no inline document is read. */
    @Nullable EmbedMatch match(String element, Attributes attributes) {
        ElementRules rules = index.rules(element);
        if (rules == null) {
            return null;
        }
        if (rules.hosts != null && LoadingAttributes.loads(element, attributes)) {
            for (String attribute : rules.attributes) {
                String value = attributes.get(attribute);
                if (value == null) {
                    continue;
                }
                EmbedMatch match = LoadingAttributes.isSrcset(attribute)
                        ? matchSrcset(rules, attribute, value)
                        : matchUrl(rules, attribute, value, 0, value.length());
                if (match == null && rules.framesDocuments) {
                    match = inlineDocuments.matchUrl(element, attribute, value);
                }
                if (match != null) {
                    return match;
                }
            }
            if (element.equals("iframe")) {
                String srcdoc = attributes.get("srcdoc");
                if (srcdoc != null) {
                    EmbedMatch match = inlineDocuments.match(element, "srcdoc", srcdoc);
                    if (match != null) {
                        return match;
                    }
                }
            }
        }
        if (rules.markers.length > 0) {
            String classes = attributes.get("class");
            if (classes != null) {
                MarkerCandidate marker = rules.marker(classes, 0, classes.length());
                if (marker != null) {
                    return new EmbedMatch(marker.provider(), element, "class", permalink(marker.provider(),
                            marker.rule().urlAttributes(), attributes, element + "." + marker.rule().className()));
                }
            }
        }
        ComponentCandidate component = rules.component;
        if (component != null) {
            return new EmbedMatch(component.provider(), element, "",
                    permalink(component.provider(), component.rule().urlAttributes(), attributes, element));
        }
        return null;
    }

    private @Nullable EmbedMatch matchSrcset(ElementRules rules, String attribute, String value) {
        for (long url = SrcsetList.nextUrl(value, 0); url != SrcsetList.NONE;
                url = SrcsetList.nextUrl(value, SrcsetList.next(value, UrlView.end(url)))) {
            EmbedMatch match = matchUrl(rules, attribute, value, UrlView.start(url), UrlView.end(url));
            if (match != null) {
                return match;
            }
        }
        return null;
    }

    private @Nullable EmbedMatch matchUrl(ElementRules rules, String attribute, String value, int from, int to) {
        String s = value;
        from = UrlView.trimStart(s, from, to);
        to = UrlView.trimEnd(s, from, to);
        if (from >= to) {
            return null;
        }
        if (UrlView.hasTabOrNewline(s, from, to)) {
            s = UrlView.withoutTabsAndNewlines(s, from, to);
            from = 0;
            to = s.length();
        }
        long range = UrlView.locateHost(s, from, to);
        if (range == UrlView.NONE) {
            return null;
        }
        int hostStart = UrlView.start(range);
        int hostEnd = UrlView.end(range);
        String host = null;
        UrlCandidate[] candidates;
        if (UrlView.needsMapping(s, hostStart, hostEnd)) {
            host = UrlView.mappedHost(s, hostStart, hostEnd);
            if (host == null) {
                return null;
            }
            candidates = Objects.requireNonNull(rules.hosts).get(host, 0, host.length());
        } else {
            candidates = Objects.requireNonNull(rules.hosts).get(s, hostStart, hostEnd);
        }
        if (candidates == null) {
            return null;
        }
        String url = null;
        for (UrlCandidate candidate : candidates) {
            if (!rules.standard(attribute) && !candidate.hasAttribute(attribute)) {
                continue;
            }
            if (url == null) {
                if (host == null) {
                    host = s.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT);
                }
                url = UrlView.toHttps(s, host, hostEnd, to);
            }
            Pattern path = candidate.path();
            if (path != null && !path.matcher(url).region(url.indexOf('/', 8), url.length()).find()) {
                continue;
            }
            return new EmbedMatch(candidate.provider(), rules.element, attribute, url);
        }
        return null;
    }

    /** The widget's permalink when one of the URL attributes holds one on the provider's hosts, else the fallback. */
    private String permalink(Provider provider, List<String> urlAttributes, Attributes attributes, String fallback) {
        for (String attribute : urlAttributes) {
            String value = attributes.get(attribute);
            if (value == null) {
                continue;
            }
            String s = UrlView.withoutTabsAndNewlines(value, 0, value.length()).strip();
            long range = UrlView.locateHost(s, 0, s.length());
            if (range == UrlView.NONE) {
                continue;
            }
            String host = UrlView.host(s, UrlView.start(range), UrlView.end(range));
            if (host != null && index.ownsHost(provider, host)) {
                return UrlView.toHttps(s, host, UrlView.end(range), s.length());
            }
        }
        return fallback;
    }
}

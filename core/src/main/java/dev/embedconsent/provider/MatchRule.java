package dev.embedconsent.provider;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a provider's embeds are recognised in a start tag. A closed set of three cases:
 *
 * <ul>
 *   <li>{@link Url}: the element would load a URL from one of the rule's hosts, e.g. an {@code <iframe src>} on
 *       {@code www.youtube.com}. In JSON: {@code {"elements": ["iframe"], "hosts": ["*.youtube.com"],
 *       "path": "^/embed/"}}.
 *   <li>{@link Marker}: the element carries a class that a provider's script turns into a widget, e.g.
 *       {@code <blockquote class="twitter-tweet">}. In JSON: {@code {"elements": ["blockquote"],
 *       "class": "twitter-tweet", "urlAttributes": ["cite"]}}.
 *   <li>{@link Component}: a custom element that loads the provider by itself, e.g. {@code <lite-youtube>} or
 *       {@code <amp-youtube>}. In JSON: {@code {"elements": ["lite-youtube"], "component": true}}.
 * </ul>
 *
 * <p>Which attributes of an element load something is known per element (see {@link #loadingAttributes(String)}):
 * {@code src}, lazy-load copies such as {@code data-src} and {@code data-lazy-src}, {@code srcset} and its lazy
 * copies, {@code <object data>}, {@code <param value>} of a {@code movie}/{@code src}/{@code url} parameter,
 * {@code <video poster>} and {@code <link href>} (or {@code imagesrcset}) of a loading {@code rel}
 * ({@code preconnect}, {@code dns-prefetch}, {@code preload}, {@code prefetch}, {@code stylesheet}, ...). Links ({@code <a>}, {@code <area>}) are never matched:
 * following a link is the visitor's own choice, not a request the page makes.
 */
public sealed interface MatchRule permits MatchRule.Url, MatchRule.Marker, MatchRule.Component {

    /** Lowercase element names this rule looks at. */
    Set<String> elements();

    /**
     * Elements that load a URL on one of this rule's {@code hosts}.
     *
     * <pre>{@code
     * new MatchRule.Url(Set.of("iframe"), List.of("player.example.com"), "^/embed/", List.of())
     * }</pre>
     *
     * @param elements lowercase element names
     * @param hosts host patterns: {@code example.com} matches that host only, {@code *.example.com} any subdomain
     * @param path a regular expression found (case-insensitively) in the path and query, e.g. {@code ^/embed/};
     *     {@code null} for any path
     * @param attributes extra attributes that hold a URL for these elements (a site's own lazy loader, say
     *     {@code data-video-src}); the standard loading attributes are always checked
     */
    record Url(Set<String> elements, List<String> hosts, @Nullable String path, List<String> attributes)
            implements MatchRule {
        public Url {
            elements = Set.copyOf(elements);
            hosts = List.copyOf(hosts);
            attributes = List.copyOf(attributes);
        }
    }

    /**
     * Elements whose {@code class} list contains a widget marker.
     *
     * @param elements lowercase element names, e.g. {@code blockquote}
     * @param className the marker class, e.g. {@code twitter-tweet}
     * @param urlAttributes attributes that may hold the widget's permalink (reported as the match's URL when it is on
     *     one of the provider's hosts), e.g. {@code cite} or {@code data-href}
     */
    record Marker(Set<String> elements, String className, List<String> urlAttributes) implements MatchRule {
        public Marker {
            elements = Set.copyOf(elements);
            Objects.requireNonNull(className, "className");
            urlAttributes = List.copyOf(urlAttributes);
        }
    }

    /**
     * Custom elements (web components, AMP components) whose script loads the provider whatever their attributes.
     * Only names with a hyphen are custom elements, so such a rule never claims a standard element wholesale.
     *
     * @param elements lowercase custom element names, e.g. {@code lite-youtube}
     * @param urlAttributes attributes that may hold a permalink on the provider's hosts, reported as the match's URL
     */
    record Component(Set<String> elements, List<String> urlAttributes) implements MatchRule {
        public Component {
            elements = Set.copyOf(elements);
            urlAttributes = List.copyOf(urlAttributes);
        }
    }

    /**
     * The standard attributes of this element that make a browser load a URL, in the order they are checked; empty
     * for elements that load nothing (and always for {@code a} and {@code area}).
     */
    static List<String> loadingAttributes(String element) {
        return LoadingAttributes.of(element);
    }
}

package dev.embedconsent.provider;

import dev.embedconsent.internal.TagPrefilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The providers' match rules arranged for look-up by element name and host, built once per catalogue. Immutable.
 *
 * <p>Each element any rule names gets one {@link ElementRules}: the attributes to read (the standard loading ones,
 * then a rule's extras), a {@link HostTable} from host to the URL rules that accept it, the widget markers and the
 * custom element. A wildcard's rules are copied onto the hosts it covers, so one look-up finds every rule for a host:
 *
 * <pre>{@code
 * MatchIndex index = new MatchIndex(providers);          // site providers first
 * ElementRules iframe = index.rules("iframe");           // null for an element no rule names
 * UrlCandidate[] rules = iframe.hosts.get("www.youtube.com", 0, 15);
 * Provider owner = index.providerForHost("i.ytimg.com", 0, 11);
 * }</pre>
 */
final class MatchIndex {

    private final Map<String, ElementRules> byElement;
    /** Every provider's own host table, in preference order (the site's providers first). */
    private final Provider[] preferred;
    private final HostTable<?>[] preferredHosts;
    /** Elements with markers or a custom element, which an inline document may hold by name. */
    private final ElementRules[] widgets;
    private final TagPrefilter prefilter;

    /**
     * @param providers in preference order: the site's own before the built-ins
     */
    MatchIndex(List<Provider> providers) {
        preferred = providers.toArray(Provider[]::new);
        preferredHosts = new HostTable<?>[preferred.length];
        for (int i = 0; i < preferred.length; i++) {
            Map<String, Boolean> patterns = new LinkedHashMap<>();
            preferred[i].hosts().forEach(h -> patterns.put(h, Boolean.TRUE));
            preferredHosts[i] = HostTable.of(patterns);
        }
        byElement = index(providers);
        widgets = byElement.values().stream().filter(r -> r.markers.length > 0 || r.component != null)
                .sorted(Comparator.comparing(r -> r.element)).toArray(ElementRules[]::new);
        prefilter = prefilter(byElement, providers);
    }

    /** What to check for this lowercase element name; {@code null} when no rule names it. */
    @Nullable ElementRules rules(String element) {
        return byElement.get(element);
    }

    /** The first provider, site providers first, whose hosts include {@code s[from, to)} (lowercase, no dot). */
    @Nullable Provider providerForHost(String s, int from, int to) {
        for (int i = 0; i < preferred.length; i++) {
            if (preferredHosts[i].get(s, from, to) != null) {
                return preferred[i];
            }
        }
        return null;
    }

    /** Whether {@code host} is one of the provider's own hosts. */
    boolean ownsHost(Provider provider, String host) {
        for (int i = 0; i < preferred.length; i++) {
            if (preferred[i] == provider) {
                return preferredHosts[i].get(host, 0, host.length()) != null;
            }
        }
        return false;
    }

    /** The elements with widget markers or a custom element rule, by name. */
    ElementRules[] widgets() {
        return widgets;
    }

    TagPrefilter prefilter() {
        return prefilter;
    }

    private static TagPrefilter prefilter(Map<String, ElementRules> byElement, List<Provider> providers) {
        Map<String, TagPrefilter.Plan> plans = new HashMap<>();
        byElement.forEach((element, rules) -> plans.put(element, new TagPrefilter.Plan(
                rules.component != null,
                rules.hosts == null ? List.of() : List.of(rules.attributes),
                rules.markers.length > 0,
                rules.framesDocuments)));
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> markers = new LinkedHashSet<>();
        for (Provider provider : providers) {
            for (MatchRule rule : provider.rules()) {
                if (rule instanceof MatchRule.Url url) {
                    hosts.addAll(url.hosts());
                } else if (rule instanceof MatchRule.Marker marker) {
                    markers.add(marker.className());
                }
            }
        }
        return new TagPrefilter(plans, hosts, markers);
    }

    private static Map<String, ElementRules> index(List<Provider> providers) {
        Map<String, Map<String, List<UrlCandidate>>> hostsByElement = new LinkedHashMap<>();
        Map<String, List<MarkerCandidate>> markers = new LinkedHashMap<>();
        Map<String, ComponentCandidate> components = new LinkedHashMap<>();
        Map<String, Set<String>> extraAttributes = new LinkedHashMap<>();
        int sequence = 0;
        for (Provider provider : providers) {
            for (MatchRule rule : provider.rules()) {
                if (rule instanceof MatchRule.Url url) {
                    Pattern path = url.path() == null ? null
                            : Pattern.compile(url.path(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
                    UrlCandidate candidate = new UrlCandidate(sequence++, provider, path,
                            url.attributes().toArray(String[]::new));
                    for (String element : url.elements()) {
                        extraAttributes.computeIfAbsent(element, e -> new LinkedHashSet<>()).addAll(url.attributes());
                        Map<String, List<UrlCandidate>> hosts =
                                hostsByElement.computeIfAbsent(element, e -> new LinkedHashMap<>());
                        for (String host : url.hosts()) {
                            hosts.computeIfAbsent(host, h -> new ArrayList<>()).add(candidate);
                        }
                    }
                } else if (rule instanceof MatchRule.Marker marker) {
                    for (String element : marker.elements()) {
                        markers.computeIfAbsent(element, e -> new ArrayList<>())
                                .add(new MarkerCandidate(provider, marker));
                    }
                } else if (rule instanceof MatchRule.Component component) {
                    for (String element : component.elements()) {
                        components.putIfAbsent(element, new ComponentCandidate(provider, component));
                    }
                }
            }
        }
        Set<String> elements = new LinkedHashSet<>(hostsByElement.keySet());
        elements.addAll(markers.keySet());
        elements.addAll(components.keySet());
        Map<String, ElementRules> index = new HashMap<>();
        for (String element : elements) {
            List<String> attributes = new ArrayList<>(LoadingAttributes.of(element));
            for (String extra : extraAttributes.getOrDefault(element, Set.of())) {
                if (!attributes.contains(extra)) {
                    attributes.add(extra);
                }
            }
            Map<String, List<UrlCandidate>> hosts = hostsByElement.get(element);
            index.put(element, new ElementRules(element, attributes.toArray(String[]::new),
                    hosts == null ? null : HostTable.of(mergeWildcards(hosts)),
                    markers.getOrDefault(element, List.of()).toArray(MarkerCandidate[]::new),
                    components.get(element)));
        }
        return Map.copyOf(index);
    }

    /**
     * Gives each pattern the candidates of every wildcard that also covers it, so one table look-up (exact host,
     * else longest wildcard) finds all rules for a host, in catalogue order.
     */
    private static Map<String, UrlCandidate[]> mergeWildcards(Map<String, List<UrlCandidate>> hosts) {
        Map<String, UrlCandidate[]> merged = new LinkedHashMap<>();
        hosts.forEach((pattern, own) -> {
            String host = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
            Map<UrlCandidate, Integer> all = new LinkedHashMap<>();
            own.forEach(candidate -> all.put(candidate, specificity(pattern)));
            hosts.forEach((other, candidates) -> {
                if (other.startsWith("*.") && !other.equals(pattern) && host.endsWith(other.substring(1))) {
                    candidates.forEach(candidate -> all.putIfAbsent(candidate, specificity(other)));
                }
            });
            merged.put(pattern, all.keySet().stream().sorted(mostSpecificFirst(all)).toArray(UrlCandidate[]::new));
        });
        return merged;
    }

    /**
     * Where providers share a domain ({@code docs.google.com} and {@code calendar.google.com} beside Google Maps on
     * {@code *.google.com}), the most specific rule wins: the longer host pattern (an exact host before a wildcard),
     * then a rule with a path before one without, then catalogue order.
     */
    private static Comparator<UrlCandidate> mostSpecificFirst(Map<UrlCandidate, Integer> specificity) {
        return Comparator.<UrlCandidate>comparingInt(specificity::get).reversed()
                .thenComparing(candidate -> candidate.path() == null)
                .thenComparingInt(UrlCandidate::sequence);
    }

    /** Longer patterns are more specific; an exact host beats a wildcard of the same length. */
    private static int specificity(String pattern) {
        return pattern.startsWith("*.") ? 2 * (pattern.length() - 1) : 2 * pattern.length() + 1;
    }

    /** A URL rule of one provider; {@code sequence} is its place in catalogue order. */
    record UrlCandidate(int sequence, Provider provider, @Nullable Pattern path, String[] attributes) {
        boolean hasAttribute(String attribute) {
            for (String own : attributes) {
                if (own.equals(attribute)) {
                    return true;
                }
            }
            return false;
        }
    }

    record MarkerCandidate(Provider provider, MatchRule.Marker rule) {}

    record ComponentCandidate(Provider provider, MatchRule.Component rule) {}

    /** Everything the matcher needs for one element name. */
    static final class ElementRules {
        final String element;
        /** The attributes that may hold a URL, in the order they are checked. */
        final String[] attributes;
        final String[] standardAttributes;
        final @Nullable HostTable<UrlCandidate[]> hosts;
        final MarkerCandidate[] markers;
        final @Nullable ComponentCandidate component;
        /** Frames and plugins, whose {@code data:} or {@code javascript:} URL is a document of its own. */
        final boolean framesDocuments;

        ElementRules(String element, String[] attributes, @Nullable HostTable<UrlCandidate[]> hosts,
                MarkerCandidate[] markers, @Nullable ComponentCandidate component) {
            this.element = element;
            this.attributes = attributes;
            this.standardAttributes = LoadingAttributes.of(element).toArray(String[]::new);
            this.hosts = hosts;
            this.markers = markers;
            this.component = component;
            this.framesDocuments = element.equals("iframe") || element.equals("frame") || element.equals("embed")
                    || element.equals("object");
        }

        /**
         * The first of this element's markers among the classes in {@code classes[from, to)} (whitespace-separated,
         * compared case-insensitively), or {@code null}. Allocation-free.
         */
        @Nullable MarkerCandidate marker(String classes, int from, int to) {
            int i = from;
            while (i < to) {
                while (i < to && LoadingAttributes.isAsciiWhitespace(classes.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < to && !LoadingAttributes.isAsciiWhitespace(classes.charAt(i))) {
                    i++;
                }
                int length = i - start;
                for (MarkerCandidate marker : markers) {
                    String name = marker.rule.className();
                    if (length > 0 && name.length() == length
                            && classes.regionMatches(true, start, name, 0, length)) {
                        return marker;
                    }
                }
            }
            return null;
        }

        /** Whether the attribute is one of the element's standard loading attributes (any URL rule reads it). */
        boolean standard(String attribute) {
            for (String name : standardAttributes) {
                if (name.equals(attribute)) {
                    return true;
                }
            }
            return false;
        }
    }
}

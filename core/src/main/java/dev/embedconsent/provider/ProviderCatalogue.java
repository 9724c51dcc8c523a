package dev.embedconsent.provider;

import dev.embedconsent.provider.Attributes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, thread-safe set of providers, built once and shared, that tells which provider a start tag loads
 * from.
 *
 * <pre>{@code
 * ProviderCatalogue catalogue = ProviderCatalogue.builtIn();
 * ProviderCatalogue mine = ProviderCatalogue.builder().addBuiltIns().load(Path.of("providers.json")).build();
 * EmbedMatch match = catalogue.match("iframe", attributes); // null when the tag loads nothing from a provider
 * }</pre>
 *
 * <p>A site's own providers (from {@link Builder#load(Path)} or {@link Builder#add(Provider)}) replace built-ins with
 * the same id and are consulted before the built-ins; the order of builder calls does not matter. Every definition is
 * validated when it is read: an error names the file, the provider and the field.
 *
 * <p>Matching ({@link #match}) is indexed by element name and host: a tag whose element no rule mentions costs one
 * hash look-up, and nothing is allocated unless a rule's host matches (or a frame carries an inline document).
 */
public final class ProviderCatalogue {

    private static final System.Logger LOG = System.getLogger(ProviderCatalogue.class.getName());

    /** The bundled definitions, a classpath resource next to this class. */
    public static final String BUILT_IN_RESOURCE = "providers.json";

    /** Longest URL read inside an inline document; keeps scanning linear in pathological input. */
    private static final int MAX_INLINE_URL = 4096;

    private final Map<String, Provider> byId;
    private final List<Provider> all;
    private final Map<String, ElementRules> byElement;
    private final Map<String, HostTable<Boolean>> hostsByProvider;
    private final List<Provider> preferredOrder;
    private final TagPrefilter prefilter;

    private ProviderCatalogue(List<Provider> providers, Set<String> preferred) {
        Map<String, Provider> ids = new LinkedHashMap<>();
        providers.forEach(p -> ids.put(p.id(), p));
        this.byId = Map.copyOf(ids);
        this.all = List.copyOf(providers);
        Map<String, HostTable<Boolean>> hosts = new HashMap<>();
        for (Provider p : providers) {
            Map<String, Boolean> patterns = new LinkedHashMap<>();
            p.hosts().forEach(h -> patterns.put(h, Boolean.TRUE));
            hosts.put(p.id(), HostTable.of(patterns));
        }
        this.hostsByProvider = Map.copyOf(hosts);
        List<Provider> order = new ArrayList<>(providers);
        order.sort(Comparator.comparingInt(p -> preferred.contains(p.id()) ? 0 : 1));
        this.preferredOrder = List.copyOf(order);
        this.byElement = index(order);
        this.prefilter = prefilter(byElement, providers);
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

    /**
     * The byte-level test the rewriter runs before {@link #match}: it rules out, without decoding anything, the tags
     * that cannot match.
     */
    public TagPrefilter prefilter() {
        return prefilter;
    }

    /** The bundled providers; read and validated once. */
    public static ProviderCatalogue builtIn() {
        return BuiltIn.CATALOGUE;
    }

    /** Starts a catalogue; call {@link Builder#addBuiltIns()} to include the bundled providers. */
    public static Builder builder() {
        return new Builder();
    }

    public Optional<Provider> get(String id) {
        return Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id")));
    }

    /**
     * The provider whose {@link Provider#hosts() hosts} include this host name (ASCII case-insensitive, a trailing dot
     * ignored), e.g. for checking a browser's connections; site providers first.
     */
    public Optional<Provider> providerForHost(String host) {
        Objects.requireNonNull(host, "host");
        int end = host.endsWith(".") ? host.length() - 1 : host.length();
        for (Provider provider : preferredOrder) {
            HostTable<Boolean> hosts = hostsByProvider.get(provider.id());
            if (hosts != null && hosts.get(host, 0, end) != null) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    /** Every provider, built-ins first in bundled order, then the site's own. */
    public List<Provider> all() {
        return all;
    }

    /**
     * The provider that claims this start tag, or {@code null}. Called by the rewriter for every start tag, so it
     * is fast and allocation-free when nothing matches.
     *
     * <p>URL attributes are checked in a fixed order ({@code src} before lazy-load copies); the first one on a
     * provider's host (and path, where the rule has one) wins. A frame whose document is inline ({@code srcdoc},
     * {@code data:}, {@code javascript:}) matches when that document mentions a URL on a provider's host. Then come
     * widget markers in {@code class}, then custom elements.
     *
     * @param element lowercase element name
     * @param attributes the tag's decoded attributes
     */
    public @Nullable EmbedMatch match(String element, Attributes attributes) {
        ElementRules rules = byElement.get(element);
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
                    // URL parsing removes tabs and line breaks anywhere, "java\nscript:" included.
                    String url = UrlView.hasTabOrNewline(value, 0, value.length())
                            ? UrlView.withoutTabsAndNewlines(value, 0, value.length()) : value;
                    if (isInlineDocumentUrl(url)) {
                        match = matchInlineDocument(element, attribute, InlineDocuments.content(url));
                    }
                }
                if (match != null) {
                    return match;
                }
            }
            if (element.equals("iframe")) {
                String srcdoc = attributes.get("srcdoc");
                if (srcdoc != null) {
                    EmbedMatch match = matchInlineDocument(element, "srcdoc", srcdoc);
                    if (match != null) {
                        return match;
                    }
                }
            }
        }
        if (rules.markers.length > 0) {
            String classes = attributes.get("class");
            if (classes != null) {
                EmbedMatch match = matchMarker(rules, classes, attributes);
                if (match != null) {
                    return match;
                }
            }
        }
        ComponentCandidate component = rules.component;
        if (component != null) {
            return new EmbedMatch(component.provider, element, "",
                    permalink(component.provider, component.rule.urlAttributes(), attributes, element));
        }
        return null;
    }

    private @Nullable EmbedMatch matchSrcset(ElementRules rules, String attribute, String value) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            while (i < n && (LoadingAttributes.isAsciiWhitespace(value.charAt(i)) || value.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && !LoadingAttributes.isAsciiWhitespace(value.charAt(i))) {
                i++;
            }
            int end = i;
            boolean trailingComma = false;
            while (end > start && value.charAt(end - 1) == ',') {
                end--;
                trailingComma = true;
            }
            if (end > start) {
                EmbedMatch match = matchUrl(rules, attribute, value, start, end);
                if (match != null) {
                    return match;
                }
            }
            if (!trailingComma) {
                int depth = 0;
                while (i < n) {
                    char c = value.charAt(i++);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')' && depth > 0) {
                        depth--;
                    } else if (c == ',' && depth == 0) {
                        break;
                    }
                }
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
            Pattern path = candidate.path;
            if (path != null && !path.matcher(url).region(url.indexOf('/', 8), url.length()).find()) {
                continue;
            }
            return new EmbedMatch(candidate.provider, rules.element, attribute, url);
        }
        return null;
    }

    /** Whether a frame's URL carries its document inline: {@code data:} or {@code javascript:}. Allocation-free. */
    private static boolean isInlineDocumentUrl(String value) {
        int start = UrlView.trimStart(value, 0, value.length());
        return value.regionMatches(true, start, "data:", 0, 5) || value.regionMatches(true, start, "javascript:", 0, 11);
    }

    /**
     * Fails closed for documents a frame carries inline ({@code srcdoc}, {@code data:text/html,...},
     * {@code javascript:'...'}): their markup is loaded as a page of its own that the rewriter never sees, so any
     * absolute or protocol-relative URL on a provider's host inside them counts as an embed of that provider.
     */
    private @Nullable EmbedMatch matchInlineDocument(String element, String attribute, String document) {
        int from = 0;
        int slashes;
        while ((slashes = document.indexOf("//", from)) >= 0) {
            int start = slashes;
            while (start > 0 && isSchemeOrColon(document.charAt(start - 1))) {
                start--;
            }
            int end = slashes + 2;
            int limit = Math.min(document.length(), slashes + MAX_INLINE_URL);
            while (end < limit && !endsInlineUrl(document.charAt(end))) {
                end++;
            }
            long range = UrlView.locateHost(document, start, end);
            if (range == UrlView.NONE) {
                range = UrlView.locateHost(document, slashes, end);
            }
            if (range != UrlView.NONE) {
                int hostStart = UrlView.start(range);
                int hostEnd = UrlView.end(range);
                String host = UrlView.needsMapping(document, hostStart, hostEnd)
                        ? UrlView.mappedHost(document, hostStart, hostEnd)
                        : document.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT);
                if (host != null) {
                    for (Provider provider : preferredOrder) {
                        HostTable<Boolean> hosts = hostsByProvider.get(provider.id());
                        if (hosts != null && hosts.get(host, 0, host.length()) != null) {
                            return new EmbedMatch(provider, element, attribute,
                                    UrlView.toHttps(document, host, hostEnd, end));
                        }
                    }
                }
            }
            from = slashes + 2;
        }
        return null;
    }

    private static boolean isSchemeOrColon(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
                || c == '.' || c == ':';
    }

    private static boolean endsInlineUrl(char c) {
        return c <= ' ' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '(' || c == ')';
    }

    private @Nullable EmbedMatch matchMarker(ElementRules rules, String classes, Attributes attributes) {
        int n = classes.length();
        int i = 0;
        while (i < n) {
            while (i < n && LoadingAttributes.isAsciiWhitespace(classes.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !LoadingAttributes.isAsciiWhitespace(classes.charAt(i))) {
                i++;
            }
            int length = i - start;
            for (MarkerCandidate marker : rules.markers) {
                String name = marker.rule.className();
                if (length > 0 && name.length() == length && classes.regionMatches(true, start, name, 0, length)) {
                    return new EmbedMatch(marker.provider, rules.element, "class", permalink(marker.provider,
                            marker.rule.urlAttributes(), attributes, rules.element + "." + marker.rule.className()));
                }
            }
        }
        return null;
    }

    /** The widget's permalink when one of the URL attributes holds one on the provider's hosts, else the fallback. */
    private String permalink(Provider provider, List<String> urlAttributes, Attributes attributes, String fallback) {
        HostTable<Boolean> hosts = hostsByProvider.get(provider.id());
        for (String attribute : urlAttributes) {
            String value = attributes.get(attribute);
            if (value == null || hosts == null) {
                continue;
            }
            String s = UrlView.withoutTabsAndNewlines(value, 0, value.length()).strip();
            long range = UrlView.locateHost(s, 0, s.length());
            if (range == UrlView.NONE) {
                continue;
            }
            String host = UrlView.needsMapping(s, UrlView.start(range), UrlView.end(range))
                    ? UrlView.mappedHost(s, UrlView.start(range), UrlView.end(range))
                    : s.substring(UrlView.start(range), UrlView.end(range)).toLowerCase(Locale.ROOT);
            if (host != null && hosts.get(host, 0, host.length()) != null) {
                return UrlView.toHttps(s, host, UrlView.end(range), s.length());
            }
        }
        return fallback;
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
            Set<UrlCandidate> all = new LinkedHashSet<>(own);
            hosts.forEach((other, candidates) -> {
                if (other.startsWith("*.") && !other.equals(pattern) && host.endsWith(other.substring(1))) {
                    all.addAll(candidates);
                }
            });
            merged.put(pattern, all.stream().sorted(Comparator.comparingInt(UrlCandidate::sequence))
                    .toArray(UrlCandidate[]::new));
        });
        return merged;
    }

    private record UrlCandidate(int sequence, Provider provider, @Nullable Pattern path, String[] attributes) {
        boolean hasAttribute(String attribute) {
            for (String own : attributes) {
                if (own.equals(attribute)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record MarkerCandidate(Provider provider, MatchRule.Marker rule) {}

    private record ComponentCandidate(Provider provider, MatchRule.Component rule) {}

    /** Everything {@link #match} needs for one element name. */
    private static final class ElementRules {
        final String element;
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

        boolean standard(String attribute) {
            for (String name : standardAttributes) {
                if (name.equals(attribute)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Loaded on first use of {@link #builtIn()}. */
    private static final class BuiltIn {
        static final ProviderCatalogue CATALOGUE = builder().addBuiltIns().build();
    }

    /**
     * Collects providers for a {@link ProviderCatalogue}. {@link #addBuiltIns()} may be called once; a site's own
     * providers override built-ins with the same id, but one id defined twice by the site is an error naming both
     * sources.
     */
    public static final class Builder {
        private boolean builtIns;
        private final Map<String, Provider> own = new LinkedHashMap<>();
        private final Map<String, String> ownSources = new HashMap<>();

        private Builder() {}

        /** Includes the bundled providers. */
        public Builder addBuiltIns() {
            if (builtIns) {
                throw new IllegalStateException("ProviderCatalogue.Builder option \"addBuiltIns\" was already set");
            }
            builtIns = true;
            return this;
        }

        /**
         * Adds the providers defined in a JSON file.
         *
         * @throws ProviderDefinitionException when the file cannot be read or holds an invalid definition; the
         *     message starts with the file name
         */
        public Builder load(Path file) {
            Objects.requireNonNull(file, "file");
            String source = file.toString();
            try (InputStream in = Files.newInputStream(file)) {
                return load(source, in);
            } catch (IOException e) {
                throw new ProviderDefinitionException(source, null, null, "cannot be read: " + e, e);
            }
        }

        /**
         * Adds the providers defined in JSON read from a stream (not closed here).
         *
         * @param source the name error messages use, e.g. a file or resource name
         */
        public Builder load(String source, InputStream json) {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(json, "json");
            for (Provider provider : ProviderJsonReader.read(source, json)) {
                addOwn(source, provider);
            }
            return this;
        }

        /** Adds one provider (validated again, with source {@code builder}). */
        public Builder add(Provider provider) {
            Objects.requireNonNull(provider, "provider");
            ProviderValidator.validate("builder", provider);
            addOwn("builder", provider);
            return this;
        }

        private void addOwn(String source, Provider provider) {
            String earlier = ownSources.putIfAbsent(provider.id(), source);
            if (earlier != null) {
                throw new ProviderDefinitionException(source, provider.id(), "id",
                        "is already defined in " + earlier);
            }
            own.put(provider.id(), provider);
        }

        public ProviderCatalogue build() {
            List<Provider> providers = new ArrayList<>();
            if (builtIns) {
                for (Provider builtIn : readBuiltIns()) {
                    Provider replacement = own.get(builtIn.id());
                    if (replacement != null) {
                        LOG.log(System.Logger.Level.INFO, "provider \"{0}\" from {1} replaces the built-in one",
                                builtIn.id(), ownSources.get(builtIn.id()));
                    }
                    providers.add(replacement == null ? builtIn : replacement);
                }
            }
            for (Provider provider : own.values()) {
                if (providers.stream().noneMatch(p -> p.id().equals(provider.id()))) {
                    providers.add(provider);
                }
            }
            return new ProviderCatalogue(providers, own.keySet());
        }

        private static List<Provider> readBuiltIns() {
            try (InputStream in = ProviderCatalogue.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled " + BUILT_IN_RESOURCE + " is missing from the classpath");
                }
                return ProviderJsonReader.read("built-in " + BUILT_IN_RESOURCE, in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + BUILT_IN_RESOURCE, e);
            }
        }
    }
}

package dev.embedconsent.provider;

import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.internal.TagPrefilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

    private final Map<String, Provider> byId;
    private final List<Provider> all;
    private final MatchIndex index;
    private final TagMatcher matcher;
    private final UnknownFrameMatcher unknownFrames;

    private ProviderCatalogue(List<Provider> providers, Set<String> preferred) {
        Map<String, Provider> ids = new LinkedHashMap<>();
        providers.forEach(p -> ids.put(p.id(), p));
        this.byId = Map.copyOf(ids);
        this.all = List.copyOf(providers);
        List<Provider> order = new ArrayList<>(providers);
        order.sort(Comparator.comparingInt(p -> preferred.contains(p.id()) ? 0 : 1));
        this.index = new MatchIndex(order);
        this.matcher = new TagMatcher(index);
        this.unknownFrames = new UnknownFrameMatcher(index);
    }

    /**
     * The byte-level test the rewriter runs before {@link #match}: it rules out, without decoding anything, the tags
     * that cannot match. For the rewriter in this module; its type is not API.
     */
    public TagPrefilter prefilter() {
        return index.prefilter();
    }

    /** The bundled providers; read and validated once. */
    public static ProviderCatalogue builtIn() {
        return BuiltIn.CATALOGUE;
    }

    /** Starts a catalogue; call {@link Builder#addBuiltIns()} to include the bundled providers. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The provider with this id; for an id {@code host:<host>} whose host no provider names, the stand-in for that
     * unknown host ({@link Provider#forUnknownHost}), so consent for it is handled like consent for a named provider.
     */
    public Optional<Provider> get(String id) {
        Provider provider = byId.get(Objects.requireNonNull(id, "id"));
        if (provider == null && id.startsWith(Provider.HOST_PREFIX)) {
            String host = id.substring(Provider.HOST_PREFIX.length());
            boolean unknown = Provider.isUnknownHostName(host) && index.providerForHost(host, 0, host.length()) == null;
            return unknown ? Optional.of(Provider.forUnknownHost(host)) : Optional.empty();
        }
        return Optional.ofNullable(provider);
    }

    /**
     * The provider whose {@link Provider#hosts() hosts} include this host name (ASCII case-insensitive, a trailing dot
     * ignored), e.g. for checking a browser's connections; site providers first.
     */
    public Optional<Provider> providerForHost(String host) {
        Objects.requireNonNull(host, "host");
        int end = host.endsWith(".") ? host.length() - 1 : host.length();
        return Optional.ofNullable(index.providerForHost(host, 0, end));
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
     * {@code data:}, {@code javascript:}) matches when that document mentions a URL on a provider's host or holds a
     * provider's widget, read as written and as the browser decodes it one document further in. Then come widget
     * markers in {@code class}, then custom elements.
     *
     * @param element lowercase element name
     * @param attributes the tag's decoded attributes
     */
    public @Nullable EmbedMatch match(String element, Attributes attributes) {
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(attributes, "attributes");
        return matcher.match(element, attributes);
    }

    /**
     * Generic blocking of frames no provider claims: for an {@code iframe}, {@code frame}, {@code object},
     * {@code embed} or loading {@code param} whose URL (in {@code src} or a lazy-load copy) is http(s) on a host that
     * is neither {@code siteHost}, nor trusted, nor any provider's, a match of the stand-in provider
     * {@code host:<host>} ({@link Provider#forUnknownHost}); else {@code null}. Call it when {@link #match} found
     * nothing.
     *
     * @param siteHost the page's own host, lower case; {@code null} when unknown
     */
    public @Nullable EmbedMatch matchUnknownFrame(String element, Attributes attributes, TrustedHosts trusted,
            @Nullable String siteHost) {
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(trusted, "trusted");
        return unknownFrames.match(element, attributes, trusted, siteHost);
    }

    /** The elements {@link #matchUnknownFrame} looks at: iframe, frame, object, embed and param. */
    public static Set<String> frameElements() {
        return UnknownFrameMatcher.FRAMES;
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
        private final SetOnce options = new SetOnce("ProviderCatalogue.Builder");
        private final Map<String, Provider> own = new LinkedHashMap<>();
        private final Map<String, String> ownSources = new HashMap<>();

        private Builder() {}

        /** Includes the bundled providers. */
        public Builder addBuiltIns() {
            options.claim("addBuiltIns");
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
            if (options.isSet("addBuiltIns")) {
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

package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.TrustedHosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Replaces third-party embeds in HTML with consent placeholders, streaming bytes in and bytes out. Immutable and
 * thread-safe; build one and share it.
 *
 * <pre>{@code
 * EmbedRewriter rewriter = EmbedRewriter.withDefaults();
 * try (RewriteSession session = rewriter.open(response, PageContext.defaults())) {
 *     session.write(chunk);   // as often as needed; the page is never held in memory
 * }                           // close() ends the page, the sink stays open
 *
 * EmbedRewriter custom = EmbedRewriter.builder()
 *         .catalogue(ProviderCatalogue.builder().addBuiltIns().load(Path.of("providers.json")).build())
 *         .placeholders(renderer)
 *         .maxCandidateBytes(256 * 1024)
 *         .build();
 * }</pre>
 *
 * <p>Every byte that is not part of a matched embed is copied unchanged, so a page without embeds comes out
 * byte-identical. An embed is written as the placeholder's {@code before}, its original bytes, and {@code after}
 * (the original ends up inert in a {@code <template>}); script and resource-hint loaders, and anything in
 * {@code <head>}, get an inert wrapper instead. Embeds of providers in {@link PageContext#consentedProviders()} stay
 * as they are.
 *
 * <p>It fails closed for embeds and open for the page: a start tag longer than {@link Builder#maxTagBytes} or an
 * embed longer than {@link Builder#maxCandidateBytes} (or cut off by the end of input) is still neutralized, with
 * what was read of it inside the placeholder, and the rest of the page passes through.
 *
 * <p>The page's encoding is determined as browsers do it (byte order mark, then
 * {@link PageContext#transportCharset()}, then a {@code <meta>} in the first 1024 bytes, then windows-1252);
 * placeholder text is written in that encoding, with numeric character references where it has no character.
 */
public final class EmbedRewriter {
    /** Default for {@link Builder#maxTagBytes}. */
    public static final int DEFAULT_MAX_TAG_BYTES = 64 * 1024;
    /** Default for {@link Builder#maxCandidateBytes}. */
    public static final int DEFAULT_MAX_CANDIDATE_BYTES = 1024 * 1024;

    private final ProviderCatalogue catalogue;
    private final PlaceholderRenderer renderer;
    private final int maxTagBytes;
    private final int maxCandidateBytes;
    private final Set<String> candidateElements;
    private final ElementNames names;
    private final MatchPrefilter prefilter;
    private final TrustedHosts trustedHosts;
    private final boolean blockUnknownFrames;
    private final boolean[] unknownFrameElements;

    private EmbedRewriter(Builder b) {
        this.catalogue = b.catalogue != null ? b.catalogue : ProviderCatalogue.builtIn();
        this.renderer = b.renderer != null ? b.renderer : PlaceholderRenderer.defaults();
        this.maxTagBytes = b.maxTagBytes != null ? b.maxTagBytes : DEFAULT_MAX_TAG_BYTES;
        this.maxCandidateBytes = b.maxCandidateBytes != null ? b.maxCandidateBytes : DEFAULT_MAX_CANDIDATE_BYTES;
        Set<String> candidates = new LinkedHashSet<>();
        for (Provider provider : catalogue.all()) {
            for (MatchRule rule : provider.rules()) {
                candidates.addAll(rule.elements());
            }
        }
        candidates.addAll(b.candidateElements);
        this.blockUnknownFrames = b.blockUnknownFrames == null || b.blockUnknownFrames;
        if (blockUnknownFrames) {
            // Generic blocking looks at every frame, whether or not a provider's rules name its element.
            candidates.addAll(ProviderCatalogue.frameElements());
        }
        this.candidateElements = Set.copyOf(candidates);
        this.names = ElementNames.withCandidates(candidateElements);
        this.prefilter = new MatchPrefilter(catalogue.prefilter(), names);
        this.trustedHosts = b.trustedHosts != null ? b.trustedHosts : TrustedHosts.NONE;
        this.unknownFrameElements = new boolean[names.size()];
        if (blockUnknownFrames) {
            for (int id = 0; id < names.size(); id++) {
                unknownFrameElements[id] = ProviderCatalogue.frameElements().contains(names.name(id));
            }
        }
    }

    /** The built-in provider catalogue and the default placeholders. */
    public static EmbedRewriter withDefaults() {
        return Defaults.INSTANCE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts rewriting one document into {@code sink}. The session is single-threaded. */
    public RewriteSession open(OutputStream sink, PageContext context) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(context, "context");
        return new StreamingSession(this, sink, context, null);
    }

    /** A session whose output is also reported to {@code observer} (tests). */
    RewriteSession open(OutputStream sink, PageContext context, OutputObserver observer) {
        return new StreamingSession(this, sink, context, observer);
    }

    /** Rewrites a whole stream; does not close either stream. */
    public void rewrite(InputStream in, OutputStream out, PageContext context) throws IOException {
        Objects.requireNonNull(in, "in");
        RewriteSession session = open(out, context);
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            session.write(buffer, 0, n);
        }
        session.close();
    }

    public ProviderCatalogue catalogue() {
        return catalogue;
    }

    public PlaceholderRenderer renderer() {
        return renderer;
    }

    /** Hosts whose frames are never blocked as unknown third parties. */
    public TrustedHosts trustedHosts() {
        return trustedHosts;
    }

    /** By element id, whether generic blocking checks it (the frames; none when it is off). Shared: read only. */
    boolean[] unknownFrameElements() {
        return unknownFrameElements;
    }

    /** Whether frames from unknown third-party hosts become placeholders. */
    public boolean blocksUnknownFrames() {
        return blockUnknownFrames;
    }

    public int maxTagBytes() {
        return maxTagBytes;
    }

    public int maxCandidateBytes() {
        return maxCandidateBytes;
    }

    /** The element names whose start tags are matched against the catalogue: those its rules name, and any added. */
    public Set<String> candidateElements() {
        return candidateElements;
    }

    ElementNames names() {
        return names;
    }

    MatchPrefilter prefilter() {
        return prefilter;
    }

    /** Holds the default rewriter, built on first use. */
    private static final class Defaults {
        static final EmbedRewriter INSTANCE = builder().build();
    }

    /**
     * Configures an {@link EmbedRewriter}. Each option may be set once; setting it again is an error naming the
     * option. Unset options take their defaults: the built-in catalogue, default placeholders, 64 KiB tags, 1 MiB
     * embeds.
     */
    public static final class Builder {
        private @Nullable ProviderCatalogue catalogue;
        private @Nullable PlaceholderRenderer renderer;
        private @Nullable Integer maxTagBytes;
        private @Nullable Integer maxCandidateBytes;
        private final Set<String> candidateElements = new LinkedHashSet<>();
        private @Nullable TrustedHosts trustedHosts;
        private @Nullable Boolean blockUnknownFrames;
        private final SetOnce options = new SetOnce("EmbedRewriter.Builder");

        private Builder() {}

        /** The providers whose embeds are neutralized. */
        public Builder catalogue(ProviderCatalogue catalogue) {
            options.claim("catalogue");
            this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
            return this;
        }

        /** Renders the placeholders. */
        public Builder placeholders(PlaceholderRenderer renderer) {
            options.claim("placeholders");
            this.renderer = Objects.requireNonNull(renderer, "placeholders");
            return this;
        }

        /** The longest start tag that is buffered (at least 1 KiB); a longer one is matched on what was read. */
        public Builder maxTagBytes(int bytes) {
            options.claim("maxTagBytes");
            maxTagBytes = atLeast(bytes, 1024, "maxTagBytes");
            return this;
        }

        /** The most bytes of one embed that are buffered (at least 1 KiB); a longer embed is cut there. */
        public Builder maxCandidateBytes(int bytes) {
            options.claim("maxCandidateBytes");
            maxCandidateBytes = atLeast(bytes, 1024, "maxCandidateBytes");
            return this;
        }

        /**
         * Further element names (lowercase, e.g. a custom element {@code lite-youtube}) whose start tags are shown to
         * the catalogue, in addition to those its rules name. Only needed for a catalogue that matches elements
         * without naming them in its rules.
         */
        public Builder candidateElements(Collection<String> elements) {
            options.claim("candidateElements");
            for (String element : Objects.requireNonNull(elements, "candidateElements")) {
                candidateElements.add(Objects.requireNonNull(element, "candidateElements contains null"));
            }
            ElementNames.withCandidates(candidateElements);
            return this;
        }

        /**
         * Hosts whose frames are never blocked as unknown third parties (besides the page's own
         * {@link PageContext#siteHost()}); none by default.
         */
        public Builder trustedHosts(TrustedHosts hosts) {
            Objects.requireNonNull(hosts, "trustedHosts");
            options.claim("trustedHosts");
            this.trustedHosts = hosts;
            return this;
        }

        /**
         * Whether a frame ({@code iframe}, {@code frame}, {@code object}, {@code embed}) from an http(s) host that is
         * neither the site's, nor trusted, nor any provider's becomes a placeholder of its own, with the provider id
         * {@code host:<host>}; {@code true} by default.
         */
        public Builder blockUnknownFrames(boolean block) {
            options.claim("blockUnknownFrames");
            this.blockUnknownFrames = block;
            return this;
        }

        public EmbedRewriter build() {
            return new EmbedRewriter(this);
        }

        private static int atLeast(int value, int min, String option) {
            if (value < min) {
                throw new IllegalArgumentException(option + " must be at least " + min + ", was " + value);
            }
            return value;
        }
    }
}

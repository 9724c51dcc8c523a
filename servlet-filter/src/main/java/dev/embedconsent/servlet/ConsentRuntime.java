package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentCookie;
import dev.embedconsent.consent.ConsentCookieCodec;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.preview.PreviewService;
import dev.embedconsent.preview.UpstreamClient;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Everything one started filter shares across requests: configuration, provider catalogue, rewriter, consent service,
 * cookie codec, endpoints. Built in {@code init}, closed in {@code destroy}. Thread-safe.
 */
final class ConsentRuntime implements AutoCloseable {
    static final String CONSENT_COOKIE = ConsentCookieCodec.DEFAULT_COOKIE_NAME;
    /** Short-lived cookie carrying a "load once" grant from a form post to the page it redirects to. */
    static final String ONCE_COOKIE = "ec_once";

    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());
    /** Variants by consent set: few sets occur (most visitors have none), and a digest per response adds up. */
    private static final int MAX_VARIANTS = 1024;
    private static final String NO_CONSENT_VARIANT = digestVariant(Set.of());
    private final java.util.concurrent.ConcurrentHashMap<Set<String>, String> variants =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final EmbedConsentConfig config;
    private final ProviderCatalogue catalogue;
    private final EmbedRewriter rewriter;
    private final ConsentStore store;
    private final ConsentService consent;
    private final ConsentCookieCodec codec;
    private final ConsentEndpoints endpoints;
    private final @Nullable FramePolicy framePolicy;
    private final @Nullable PreviewService previews;
    private final LookaheadBuffers lookaheadBuffers;

    private ConsentRuntime(EmbedConsentConfig config, ProviderCatalogue catalogue, EmbedRewriter rewriter,
            ConsentStore store, ConsentService consent, ConsentCookieCodec codec, @Nullable FramePolicy framePolicy,
            @Nullable PreviewService previews) {
        this.config = config;
        this.catalogue = catalogue;
        this.rewriter = rewriter;
        this.store = store;
        this.consent = consent;
        this.codec = codec;
        this.framePolicy = framePolicy;
        this.previews = previews;
        this.endpoints = new ConsentEndpoints(this);
        this.lookaheadBuffers = new LookaheadBuffers(config.lookAhead());
    }

    static ConsentRuntime start(EmbedConsentConfig config, ServletContext servletContext) {
        ProviderCatalogue.Builder providers = ProviderCatalogue.builder().addBuiltIns();
        if (config.providersFile() != null) {
            providers.load(config.providersFile());
        }
        ProviderCatalogue catalogue = providers.build();
        ConsentStore store = openStore(config);
        PreviewService previews = null;
        try {
            ConsentService consent = ConsentService.builder(store, catalogue)
                    .withValidity(config.consentLifetime())
                    .withClock(config.clock())
                    .build();
            ConsentCookieCodec.Builder codec = ConsentCookieCodec.builder().withClock(config.clock());
            String keys = config.hmacKeys();
            if (keys != null) {
                codec.withKeys(keys);
            } else {
                codec.withKeyDirectory(config.dataDirectory());
            }
            ConsentCookieCodec cookies = codec.build();
            String contextPath = servletContext.getContextPath();
            previews = config.previews() ? newPreviews(config, contextPath, catalogue, cookies) : null;
            EmbedRewriter rewriter = newRewriter(config, contextPath, catalogue, previews);
            FramePolicy policy = config.csp() == CspMode.OFF ? null : FramePolicy.of(config.csp(), catalogue,
                    config.trustedHosts(), contextPath + config.basePath() + FramePolicy.REPORT_PATH);
            return new ConsentRuntime(config, catalogue, rewriter, store, consent, cookies, policy, previews);
        } catch (RuntimeException e) {
            if (previews != null) {
                previews.close();
            }
            closeQuietly(store);
            throw e;
        }
    }

    private static ConsentStore openStore(EmbedConsentConfig config) {
        DataSource dataSource = config.dataSource();
        String url = config.jdbcUrl();
        if (dataSource != null) {
            return JdbcConsentStore.builder(dataSource).build();
        }
        if (url != null) {
            return JdbcConsentStore.builder(url, config.jdbcUser(), config.jdbcPassword()).build();
        }
        return JsonLinesConsentStore.open(config.dataDirectory());
    }

    /** The preview proxy: signed with the cookie keys, cached in memory and in {@code data-dir/previews}. */
    private static PreviewService newPreviews(EmbedConsentConfig config, String contextPath,
            ProviderCatalogue catalogue, ConsentCookieCodec cookies) {
        UpstreamClient client = config.previewClient() != null ? config.previewClient()
                : UpstreamClient.builder().timeout(config.previewTimeout()).build();
        PreviewService.Builder builder = PreviewService.builder(catalogue, cookies.keys())
                .basePath(contextPath + config.basePath())
                .client(client)
                .memoryBytes(config.previewCacheSize())
                .lifetime(config.previewLifetime())
                .failureLifetime(config.previewFailureLifetime())
                .wait(config.previewTimeout());
        if (config.previewDiskSize() > 0) {
            builder.cacheDirectory(config.dataDirectory().resolve("previews")).diskBytes(config.previewDiskSize());
        }
        PreviewService previews = builder.build();
        for (EmbedConsentConfig.PreviewSeed seed : config.previewSeeds()) {
            previews.seed(seed.providerId(), seed.embedUrl(), seed.image(), seed.title());
        }
        return previews;
    }

    private static EmbedRewriter newRewriter(EmbedConsentConfig config, String contextPath,
            ProviderCatalogue catalogue, @Nullable PreviewService previews) {
        PlaceholderRenderer.Builder placeholders = PlaceholderRenderer.builder()
                .basePath(contextPath + config.basePath())
                .defaultLanguage(config.defaultLanguage());
        if (previews != null) {
            placeholders.previews(previews);
        }
        PlaceholderRenderer renderer = placeholders.build();
        return EmbedRewriter.builder()
                .catalogue(catalogue)
                .placeholders(renderer)
                .trustedHosts(config.trustedHosts())
                .blockUnknownFrames(config.blockUnknownFrames())
                .build();
    }

    EmbedConsentConfig config() {
        return config;
    }

    ProviderCatalogue catalogue() {
        return catalogue;
    }

    ConsentService consent() {
        return consent;
    }

    ConsentCookieCodec codec() {
        return codec;
    }

    ConsentEndpoints endpoints() {
        return endpoints;
    }

    /** The preview proxy; {@code null} with {@code previews=off}. */
    @Nullable PreviewService previews() {
        return previews;
    }

    /** The look-ahead buffers the rewritten pages of this filter share, one at a time each. */
    LookaheadBuffers lookaheadBuffers() {
        return lookaheadBuffers;
    }

    /** The Content-Security-Policy backstop for rewritten pages; {@code null} with {@code csp=off}. */
    @Nullable FramePolicy framePolicy() {
        return framePolicy;
    }

    /** The verified consent cookie of this request; empty for none, or for a bad one (never throws). */
    Optional<ConsentCookie> consentCookie(HttpServletRequest request) {
        return decodeCookie(request, CONSENT_COOKIE);
    }

    private Optional<ConsentCookie> decodeCookie(HttpServletRequest request, String name) {
        try {
            Cookie[] cookies = request.getCookies();
            if (cookies == null) {
                return Optional.empty();
            }
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName())) {
                    Optional<ConsentCookie> decoded = codec.decode(cookie.getValue());
                    if (decoded.isPresent()) {
                        return decoded;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "unreadable consent cookie treated as no consent", e);
        }
        return Optional.empty();
    }

    /**
     * What the rewriter needs for this page: the providers the cookie proves consent for, plus a "load once" grant
     * for this page (which is consumed here: its cookie is deleted in the same response).
     */
    PageContext pageContext(HttpServletRequest request, HttpServletResponse response, @Nullable Charset transport) {
        // Looked up only when the rewriter finds an embed: a page without one costs no cookie check or store query.
        Set<String> consented = PageContext.lazyConsent(() -> consentedProviders(request));
        if (decodeCookie(request, ONCE_COOKIE).isPresent()) {
            response.addHeader("Set-Cookie", CookieHeaders.delete(ONCE_COOKIE,
                    CookieHeaders.pathOr(request.getRequestURI(), request), request));
        }
        String query = request.getQueryString();
        String path = request.getRequestURI() + (query == null ? "" : "?" + query);
        String nonce = null;
        String nonceAttribute = config.cspNonceAttribute();
        if (nonceAttribute != null && request.getAttribute(nonceAttribute) instanceof String n && !n.isBlank()) {
            nonce = n;
        }
        String server = request.getServerName();
        String siteHost = server == null ? null : server.toLowerCase(Locale.ROOT);
        return new PageContext(transport, null, consented, path, EmbedListener.NONE, nonce, siteHost);
    }

    /**
     * The providers whose embeds this request may see: those the consent cookie proves, plus a "load once" grant
     * signed for the same subject. Reads only; the grant is consumed by {@link #pageContext}.
     */
    Set<String> consentedProviders(HttpServletRequest request) {
        Set<String> consented = new TreeSet<>();
        Optional<ConsentCookie> cookie = consentCookie(request);
        cookie.ifPresent(c -> consented.addAll(safeConsented(c)));
        Optional<ConsentCookie> once = decodeCookie(request, ONCE_COOKIE);
        Optional<SubjectId> subject = cookie.map(ConsentCookie::subject);
        if (once.isPresent() && subject.isPresent() && subject.get().equals(once.get().subject())) {
            consented.addAll(consent.signedGrants(once.get()));
        }
        return consented;
    }

    /** Standing consent: what the cookie proves and the store still holds; none when the store cannot answer. */
    private Set<String> safeConsented(ConsentCookie cookie) {
        try {
            return consent.consentedProviders(cookie);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "consent state could not be read; embeds stay behind placeholders", e);
            return Set.of();
        }
    }

    /** A short stable name of the consent variant of a page, for the ETag suffix. */
    String variant(Set<String> consentedProviders) {
        if (consentedProviders.isEmpty()) {
            return NO_CONSENT_VARIANT;
        }
        Set<String> key = Set.copyOf(consentedProviders);
        String known = variants.get(key);
        if (known == null) {
            known = digestVariant(key);
            if (variants.size() >= MAX_VARIANTS) {
                variants.clear();
            }
            variants.put(key, known);
        }
        return known;
    }

    private static String digestVariant(Set<String> consentedProviders) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join(",", new TreeSet<>(consentedProviders))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    RewriteSession open(OutputStream sink, PageContext context) {
        return rewriter.open(sink, context);
    }

    @Override
    public void close() {
        if (previews != null) {
            previews.close();
        }
        closeQuietly(store);
    }

    private static void closeQuietly(ConsentStore store) {
        try {
            store.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the consent store failed", e);
        }
    }
}

package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentCookie;
import dev.embedconsent.consent.ConsentCookieCodec;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.placeholder.PreviewSource;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    /**
     * Readable by the activation script, and no secret: the ids of the providers the visitor allowed, so the script
     * knows which placeholders to hold back while it asks {@code GET {base}/consent}, which checks the signed cookie.
     */
    static final String HINT_COOKIE = "ec_hint";
    /**
     * Query parameter of a client-mode page rendered for one visitor: a form post's {@code 303} adds it to the page
     * it returns to, so a shared cache keys that copy apart (its value is fresh each time) and never keeps it.
     */
    static final String RENDER_PARAMETER = "ec-render";

    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());
    /** Variants by consent set: few sets occur (most visitors have none), and a digest per response adds up. */
    private static final int MAX_VARIANTS = 1024;
    private static final String NO_CONSENT_VARIANT = digestVariant(Set.of());
    /** The ETag variant of a page that is the same for every visitor ({@code render-consented=client}). */
    static final String SHARED_VARIANT = digestVariant(Set.of("render-consented=client"));
    private final java.util.concurrent.ConcurrentHashMap<Set<String>, String> variants =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final EmbedConsentConfig config;
    private final ProviderCatalogue catalogue;
    private final EmbedRewriter rewriter;
    /** The store this runtime opened and closes; null when the configuration gave a consent service. */
    private final @Nullable ConsentStore store;
    private final ConsentService consent;
    private final ConsentCookieCodec codec;
    private final ConsentEndpoints endpoints;
    private final @Nullable FramePolicy framePolicy;
    private final @Nullable PreviewService previews;
    private final LookaheadBuffers lookaheadBuffers;
    /** Rewritten pages kept to be replayed; null with {@code rewrite-cache=off}. */
    private final @Nullable RewriteMemo memo;

    private ConsentRuntime(EmbedConsentConfig config, ProviderCatalogue catalogue, EmbedRewriter rewriter,
            @Nullable ConsentStore store, ConsentService consent, ConsentCookieCodec codec,
            @Nullable FramePolicy framePolicy, @Nullable PreviewService previews,
            @Nullable PinnablePreviews rewriterPreviews) {
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
        this.memo = config.rewriteCache() > 0 ? new RewriteMemo(rewriter, rewriterPreviews, config.rewriteCache())
                : null;
    }

    static ConsentRuntime start(EmbedConsentConfig config, ServletContext servletContext) {
        ProviderCatalogue.Builder providers = ProviderCatalogue.builder().addBuiltIns();
        if (config.providersFile() != null) {
            providers.load(config.providersFile());
        }
        ProviderCatalogue catalogue = providers.build();
        ConsentService given = config.consentService();
        ConsentStore store = given == null ? openStore(config) : null;
        PreviewService previews = null;
        try {
            ConsentService consent = given != null ? given : ConsentService.builder(store, catalogue)
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
            PinnablePreviews rewriterPreviews = previews == null ? null : new PinnablePreviews(previews);
            EmbedRewriter rewriter = newRewriter(config, contextPath, catalogue, rewriterPreviews);
            warmUp(config, contextPath, catalogue);
            FramePolicy policy = config.csp() == CspMode.OFF ? null : FramePolicy.of(config.csp(), catalogue,
                    config.trustedHosts(), contextPath + config.basePath() + FramePolicy.REPORT_PATH);
            return new ConsentRuntime(config, catalogue, rewriter, store, consent, cookies, policy, previews,
                    rewriterPreviews);
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

    /**
     * The JIT warm-up of {@code warm-up}, with a rewriter like the filter's but without previews (nothing fetched).
     * It only saves time: whatever goes wrong in it is logged, and the filter starts all the same.
     */
    private static void warmUp(EmbedConsentConfig config, String contextPath, ProviderCatalogue catalogue) {
        try {
            RewriterWarmUp.Result done = RewriterWarmUp.once(newRewriter(config, contextPath, catalogue, null),
                    config.warmUp());
            if (done != null) {
                LOG.log(Level.INFO, "embed-consent warm-up: " + done);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "embed-consent warm-up failed; the filter starts without it", e);
        }
    }

    private static EmbedRewriter newRewriter(EmbedConsentConfig config, String contextPath,
            ProviderCatalogue catalogue, @Nullable PreviewSource previews) {
        PlaceholderRenderer.Builder placeholders = PlaceholderRenderer.builder()
                .basePath(contextPath + config.basePath())
                .defaultLanguage(config.defaultLanguage())
                .blockingScript(config.renderConsented() == RenderConsented.CLIENT);
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
     * Whom this request's rewritten page is for: with {@code render-consented=server} the visitor; with
     * {@code client} every visitor, unless the query carries {@link #RENDER_PARAMETER} (then this one visit).
     */
    CacheHeaders.Audience audience(HttpServletRequest request) {
        if (config.renderConsented() == RenderConsented.SERVER) {
            return CacheHeaders.Audience.VISITOR;
        }
        return RenderParameter.isIn(request.getQueryString())
                ? CacheHeaders.Audience.ONE_VISIT : CacheHeaders.Audience.EVERYONE;
    }

    /**
     * What the rewriter needs for this page: for a page rendered per visitor, the providers the cookie proves
     * consent for, plus a "load once" grant for this page (which is consumed here: its cookie is deleted in the same
     * response); for a page the same for everyone, no consent at all (and no cookie is read or set). The path the
     * placeholders post back as {@code return} never carries {@link #RENDER_PARAMETER}.
     */
    PageContext pageContext(HttpServletRequest request, HttpServletResponse response, @Nullable Charset transport,
            CacheHeaders.Audience audience) {
        Set<String> consented;
        if (audience == CacheHeaders.Audience.EVERYONE) {
            consented = Set.of();
        } else {
            // Looked up only when the rewriter finds an embed: a page without one costs no cookie check or store query.
            consented = PageContext.lazyConsent(() -> consentedProviders(request));
            if (decodeCookie(request, ONCE_COOKIE).isPresent()) {
                response.addHeader("Set-Cookie", CookieHeaders.delete(ONCE_COOKIE,
                        CookieHeaders.pathOr(request.getRequestURI(), request), request));
            }
        }
        return new PageContext(transport, null, consented, pagePath(request), EmbedListener.NONE, cspNonce(request),
                siteHost(request));
    }

    /** The request's path and query, without {@link #RENDER_PARAMETER}: where a placeholder's form returns to. */
    static String pagePath(HttpServletRequest request) {
        String query = RenderParameter.remove(request.getQueryString());
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    /** The page's CSP nonce from the configured request attribute; {@code null} when there is none. */
    @Nullable String cspNonce(HttpServletRequest request) {
        String nonceAttribute = config.cspNonceAttribute();
        if (nonceAttribute != null && request.getAttribute(nonceAttribute) instanceof String n && !n.isBlank()) {
            return n;
        }
        return null;
    }

    /** The host the request is served from, lower case: its frames are never blocked. */
    static @Nullable String siteHost(HttpServletRequest request) {
        String server = request.getServerName();
        return server == null ? null : server.toLowerCase(Locale.ROOT);
    }

    /**
     * The providers whose embeds this request may see: those the consent cookie proves, plus a "load once" grant
     * signed for the same subject. Reads only; the grant is consumed by {@link #pageContext}.
     */
    private static final long LOOKUP_WARNING_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    private final AtomicLong lastLookupWarning = new AtomicLong();
    private final AtomicInteger lookupFailures = new AtomicInteger();

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
            // While the store is away this happens on every page of a consenting visitor: one warning a minute.
            long now = System.nanoTime();
            long last = lastLookupWarning.get();
            int missed = lookupFailures.incrementAndGet();
            if ((last == 0 || now - last >= LOOKUP_WARNING_INTERVAL) && lastLookupWarning.compareAndSet(last, now)) {
                lookupFailures.set(0);
                LOG.log(Level.WARNING, "consent state could not be read (" + missed + " time(s) since the last "
                        + "warning); embeds stay behind placeholders until the store answers", e);
            }
            return Set.of();
        }
    }

    /** The providers a rewritten page for {@code audience} is rendered with: none when it is for everyone. */
    Set<String> renderedConsent(HttpServletRequest request, CacheHeaders.Audience audience) {
        return audience == CacheHeaders.Audience.EVERYONE ? Set.of() : consentedProviders(request);
    }

    /** The ETag variant of a page for {@code audience} rendered with {@code consentedProviders}. */
    String variant(CacheHeaders.Audience audience, Set<String> consentedProviders) {
        return audience == CacheHeaders.Audience.EVERYONE ? SHARED_VARIANT : variant(consentedProviders);
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
        RewriteMemo m = memo;
        return m == null ? rewriter.open(sink, context) : m.open(sink, context);
    }

    /**
     * A rewrite session that never replays or records: for fragments ({@link EmbedConsent#placeholder}), which are
     * small, differ from call to call and would share the key of their page.
     */
    RewriteSession openFragment(OutputStream sink, PageContext context) {
        return rewriter.open(sink, context);
    }

    @Override
    public void close() {
        if (previews != null) {
            previews.close();
        }
        closeQuietly(store);
    }

    private static void closeQuietly(@Nullable ConsentStore store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the consent store failed", e);
        }
    }
}

package dev.embedconsent.spring.boot;

import dev.embedconsent.servlet.CspMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code embed-consent.*} properties. Each filter option {@code x} of {@code EmbedConsentConfig} is the property
 * {@code embed-consent.x}, with two differences: the cookie keys ({@code hmac-key}) are {@code embed-consent.keys}, and
 * the JDBC store is {@code embed-consent.store=jdbc} on the application's own {@code DataSource} instead of
 * {@code jdbc-url}, {@code jdbc-user} and {@code jdbc-password}. Sizes and durations take Spring Boot's forms
 * ({@code 32KB}, {@code 5s}, {@code 7d}, {@code P6M} or {@code 6m} for a period).
 *
 * <pre>{@code
 * embed-consent.data-dir=/var/lib/embed-consent
 * embed-consent.exclude=/admin/**,/api/**
 * }</pre>
 *
 * The keys, being secrets, usually come from the environment: {@code EMBED_CONSENT_KEYS=k1:...}. They are never
 * logged.
 */
@ConfigurationProperties("embed-consent")
public class EmbedConsentProperties {

    /** Where consent records are kept. */
    public enum Store {
        /** The append-only JSON Lines store in {@code embed-consent.data-dir}. */
        JSON_LINES,
        /** The PostgreSQL store in the application's own (pooled) {@code DataSource} bean. */
        JDBC
    }

    /** Order of the filter registration: before Spring Security's filter chain (-100), see the README. */
    public static final int DEFAULT_FILTER_ORDER = -110;

    /** Whether the filter, its consent service and its store are configured at all. */
    private boolean enabled = true;

    /** Where the consent endpoints and the activation script live, relative to the context path. */
    private String basePath = "/embed-consent";

    /**
     * Directory of the JSON Lines consent store, of the generated cookie key (when no keys are set) and of the preview
     * disk cache; relative paths resolve against the working directory.
     */
    private Path dataDir = Path.of("embed-consent-data");

    /**
     * Where consent records are kept: json-lines (in data-dir) or jdbc (in the PostgreSQL database of the application's
     * DataSource bean, e.g. from spring.datasource.*; needs keys).
     */
    private Store store = Store.JSON_LINES;

    /**
     * Cookie signing keys, each "id:base64url-secret" with a secret of at least 32 bytes: the first signs, all verify
     * (rotation). Default: one key generated into data-dir. Required with store=jdbc, and then the same on every
     * instance. A secret: set it from the environment (EMBED_CONSENT_KEYS) or a secret store, never in a committed
     * file. "env:NAME" reads the environment variable NAME.
     */
    private List<String> keys = new ArrayList<>();

    /**
     * Languages of the settings page and of the language recorded with a decision (picked from Accept-Language).
     * Default: en, de, uk.
     */
    private List<String> languages = new ArrayList<>();

    /** Placeholder language when the page's lang has no placeholder texts; must be one of languages when set. */
    private String defaultLanguage = "en";

    /** JSON file of providers added to the built-in catalogue, or replacing built-ins of the same id. */
    private @Nullable Path providersFile;

    /** How long "always allow" counts: at most 13 months (P13M). */
    private Period consentLifetime = Period.ofMonths(6);

    /**
     * Paths that are never rewritten: segment prefixes (/admin) or globs with *, ** and ? (/docs/*.html, /api/**).
     */
    private List<String> exclude = new ArrayList<>();

    /** Per-client limit on consent posts, "burst/refill period" (30/1m), or "off". */
    private String rateLimit = "30/1m";

    /** Request attribute holding the page's CSP nonce, copied onto the activation script. */
    private @Nullable String cspNonceAttribute;

    /**
     * Hosts whose frames are never blocked as unknown third parties; *.example.org matches its subdomains. The
     * request's own host is always trusted.
     */
    private List<String> trustedHosts = new ArrayList<>();

    /** Whether a frame from a host that no provider names becomes a placeholder with the provider id host:HOST. */
    private boolean blockUnknownFrames = true;

    /**
     * The filter's own frame-limiting Content-Security-Policy on rewritten pages: off, report (report-only) or
     * enforce (needs block-unknown-frames).
     */
    private CspMode csp = CspMode.OFF;

    /**
     * Bytes of a rewritten page held before its headers are committed (at most 1MB, 0 for none): a page that ends
     * within them without an embed keeps the application's headers and gets no Vary: Cookie.
     */
    private DataSize lookAhead = DataSize.ofKilobytes(32);

    /** Whether placeholders show the provider's preview still, fetched by the server and served from {base}/preview. */
    private boolean previews = true;

    /** Memory bound of cached preview stills (at least 64KB). */
    private DataSize previewCacheSize = DataSize.ofMegabytes(32);

    /** Bound of the preview disk cache in data-dir/previews; 0 for none. */
    private DataSize previewDiskSize = DataSize.ofMegabytes(256);

    /** How long a fetched preview still is used before it is fetched again. */
    private Duration previewLifetime = Duration.ofDays(7);

    /** How long a failed preview fetch is remembered; meanwhile placeholders show no still and nothing is fetched. */
    private Duration previewFailureLifetime = Duration.ofMinutes(5);

    /** The whole time one upstream preview fetch may take (at most 30s); an image request waits at most this long. */
    private Duration previewTimeout = Duration.ofSeconds(5);

    /**
     * At most how long the filter's start spends rewriting a built-in sample page so that the JIT has compiled the
     * rewriter before the first request (at most 60s, 0 for none); it ends sooner once the JIT has been quiet for 1s.
     */
    private Duration warmUp = Duration.ofSeconds(5);

    /**
     * Memory bound of rewritten pages kept to be replayed (input and output; at least 1MB, 0 for none): a page served
     * again byte for byte alike, for a visitor with the same consent, gets the kept output instead of a new rewrite.
     */
    private DataSize rewriteCache = DataSize.ofMegabytes(16);

    /**
     * How embeds the visitor allowed reach the page: server (rendered by the filter, output varies by visitor) or
     * client (the same HTML for every visitor, activated by the script). Default: server.
     */
    private @Nullable String renderConsented;

    /**
     * Order of the filter among the application's servlet filters. The default runs it before Spring Security (-100),
     * and inside filters that compress bodies or compute ETags when those are ordered below it.
     */
    private int filterOrder = DEFAULT_FILTER_ORDER;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBasePath() {
        return basePath;
    }

    public void setBasePath(String basePath) {
        this.basePath = basePath;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Store getStore() {
        return store;
    }

    public void setStore(Store store) {
        this.store = store;
    }

    public List<String> getKeys() {
        return keys;
    }

    public void setKeys(List<String> keys) {
        this.keys = keys;
    }

    public List<String> getLanguages() {
        return languages;
    }

    public void setLanguages(List<String> languages) {
        this.languages = languages;
    }

    public String getDefaultLanguage() {
        return defaultLanguage;
    }

    public void setDefaultLanguage(String defaultLanguage) {
        this.defaultLanguage = defaultLanguage;
    }

    public @Nullable Path getProvidersFile() {
        return providersFile;
    }

    public void setProvidersFile(@Nullable Path providersFile) {
        this.providersFile = providersFile;
    }

    public Period getConsentLifetime() {
        return consentLifetime;
    }

    public void setConsentLifetime(Period consentLifetime) {
        this.consentLifetime = consentLifetime;
    }

    public List<String> getExclude() {
        return exclude;
    }

    public void setExclude(List<String> exclude) {
        this.exclude = exclude;
    }

    public String getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(String rateLimit) {
        this.rateLimit = rateLimit;
    }

    public @Nullable String getCspNonceAttribute() {
        return cspNonceAttribute;
    }

    public void setCspNonceAttribute(@Nullable String cspNonceAttribute) {
        this.cspNonceAttribute = cspNonceAttribute;
    }

    public List<String> getTrustedHosts() {
        return trustedHosts;
    }

    public void setTrustedHosts(List<String> trustedHosts) {
        this.trustedHosts = trustedHosts;
    }

    public boolean isBlockUnknownFrames() {
        return blockUnknownFrames;
    }

    public void setBlockUnknownFrames(boolean blockUnknownFrames) {
        this.blockUnknownFrames = blockUnknownFrames;
    }

    public CspMode getCsp() {
        return csp;
    }

    public void setCsp(CspMode csp) {
        this.csp = csp;
    }

    public DataSize getLookAhead() {
        return lookAhead;
    }

    public void setLookAhead(DataSize lookAhead) {
        this.lookAhead = lookAhead;
    }

    public boolean isPreviews() {
        return previews;
    }

    public void setPreviews(boolean previews) {
        this.previews = previews;
    }

    public DataSize getPreviewCacheSize() {
        return previewCacheSize;
    }

    public void setPreviewCacheSize(DataSize previewCacheSize) {
        this.previewCacheSize = previewCacheSize;
    }

    public DataSize getPreviewDiskSize() {
        return previewDiskSize;
    }

    public void setPreviewDiskSize(DataSize previewDiskSize) {
        this.previewDiskSize = previewDiskSize;
    }

    public Duration getPreviewLifetime() {
        return previewLifetime;
    }

    public void setPreviewLifetime(Duration previewLifetime) {
        this.previewLifetime = previewLifetime;
    }

    public Duration getPreviewFailureLifetime() {
        return previewFailureLifetime;
    }

    public void setPreviewFailureLifetime(Duration previewFailureLifetime) {
        this.previewFailureLifetime = previewFailureLifetime;
    }

    public Duration getPreviewTimeout() {
        return previewTimeout;
    }

    public void setPreviewTimeout(Duration previewTimeout) {
        this.previewTimeout = previewTimeout;
    }

    public Duration getWarmUp() {
        return warmUp;
    }

    public void setWarmUp(Duration warmUp) {
        this.warmUp = warmUp;
    }

    public DataSize getRewriteCache() {
        return rewriteCache;
    }

    public void setRewriteCache(DataSize rewriteCache) {
        this.rewriteCache = rewriteCache;
    }

    public @Nullable String getRenderConsented() {
        return renderConsented;
    }

    public void setRenderConsented(@Nullable String renderConsented) {
        this.renderConsented = renderConsented;
    }

    public int getFilterOrder() {
        return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
        this.filterOrder = filterOrder;
    }
}

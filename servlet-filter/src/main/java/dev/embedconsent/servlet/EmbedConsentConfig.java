package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.provider.TrustedHosts;
import java.nio.file.Path;
import dev.embedconsent.preview.PreviewService;
import dev.embedconsent.preview.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Period;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of one {@link EmbedConsentFilter}. Build it with {@link #builder()} (the builder that
 * {@link EmbedConsentFilter#builder()} returns too), parse it from a spec string with {@link #parse(String)}, or read
 * it from servlet init-params with {@link #fromInitParameters(Function)}. Every option has the same name in all three
 * forms:
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>init-param / spec key</th><th>builder</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code base-path}</td><td>{@code basePath}</td><td>{@code /embed-consent}</td>
 *     <td>where the endpoints and assets live, relative to the context path</td></tr>
 * <tr><td>{@code data-dir}</td><td>{@code dataDirectory}</td><td>{@code embed-consent-data} (working directory)</td>
 *     <td>JSON Lines consent store; also holds the generated cookie key when no {@code hmac-key} is given</td></tr>
 * <tr><td>{@code jdbc-url}, {@code jdbc-user}, {@code jdbc-password}</td><td>{@code jdbc(url, user, password)},
 *     {@code dataSource}</td><td>none</td><td>use the PostgreSQL store instead of {@code data-dir}</td></tr>
 * <tr><td>{@code hmac-key}</td><td>{@code hmacKeys}</td><td>generated into {@code data-dir}</td>
 *     <td>cookie signing keys {@code id:base64url-secret} (at least 32 bytes), comma-separated; the first
 *     signs, all verify (key rotation); required with a JDBC store</td></tr>
 * <tr><td>{@code languages}</td><td>{@code languages}</td><td>{@code en,de,uk}</td>
 *     <td>languages of the settings page and of the language recorded with a decision (picked from
 *     {@code Accept-Language} unless the post names one), comma-separated codes</td></tr>
 * <tr><td>{@code default-language}</td><td>{@code defaultLanguage}</td><td>{@code en}</td>
 *     <td>placeholder language when the page's {@code lang} has no placeholder texts, and the fallback of
 *     {@code languages}</td></tr>
 * <tr><td>{@code providers-file}</td><td>{@code providersFile}</td><td>none (built-ins)</td>
 *     <td>JSON file adding or overriding providers</td></tr>
 * <tr><td>{@code consent-lifetime}</td><td>{@code consentLifetime}</td><td>{@code P6M} (6 months)</td>
 *     <td>how long "always allow" counts, at most 13 months: ISO-8601 {@code P6M}, {@code P180D}, or {@code 90d}</td></tr>
 * <tr><td>{@code exclude}</td><td>{@code exclude}</td><td>none</td>
 *     <td>paths never rewritten, comma-separated; see {@code PathPatterns}: {@code /admin}, {@code /docs/*.html},
 *     {@code /**}{@code /raw/**}</td></tr>
 * <tr><td>{@code rate-limit}</td><td>{@code rateLimit}</td><td>{@code 30/1m}</td>
 *     <td>per-client token bucket on the consent endpoints, or {@code off}</td></tr>
 * <tr><td>{@code csp-nonce-attribute}</td><td>{@code cspNonceAttribute}</td><td>none</td>
 *     <td>request attribute holding the page's CSP nonce, copied onto the activation script</td></tr>
 * <tr><td>{@code trusted-hosts}</td><td>{@code trustedHosts}</td><td>none</td>
 *     <td>hosts whose frames are never blocked, comma-separated; {@code *.example.org} matches its subdomains (the
 *     request's own host is always trusted)</td></tr>
 * <tr><td>{@code block-unknown-frames}</td><td>{@code blockUnknownFrames}</td><td>{@code true}</td>
 *     <td>whether a frame from a host no provider names becomes a placeholder with the provider id
 *     {@code host:<host>}</td></tr>
 * <tr><td>{@code csp}</td><td>{@code csp}</td><td>{@code off}</td>
 *     <td>{@code report} or {@code enforce}: rewritten pages get the filter's own frame-limiting
 *     Content-Security-Policy header, reported to {@code {base}/csp-report} (see {@link CspMode})</td></tr>
 * <tr><td>{@code previews}</td><td>{@code previews}</td><td>{@code on}</td>
 *     <td>placeholders of providers that publish a still show it, fetched by the server and served from
 *     {@code {base}/preview/...}; {@code off} shows texts only</td></tr>
 * <tr><td>{@code preview-cache-size}</td><td>{@code previewCacheSize}</td><td>{@code 32MB}</td>
 *     <td>memory bound of cached previews</td></tr>
 * <tr><td>{@code preview-disk-size}</td><td>{@code previewDiskSize}</td><td>{@code 256MB}</td>
 *     <td>bound of the preview disk cache in {@code data-dir/previews}, or {@code off}</td></tr>
 * <tr><td>{@code preview-lifetime}</td><td>{@code previewLifetime}</td><td>{@code 7d}</td>
 *     <td>how long a fetched preview is used before it is fetched again</td></tr>
 * <tr><td>{@code preview-failure-lifetime}</td><td>{@code previewFailureLifetime}</td><td>{@code 5m}</td>
 *     <td>how long a failed fetch is remembered; meanwhile placeholders show no still and nothing is fetched</td></tr>
 * <tr><td>{@code preview-timeout}</td><td>{@code previewTimeout}</td><td>{@code 5s}</td>
 *     <td>the whole time one upstream fetch may take (at most {@code 30s}); an image request waits at most this
 *     long, then gets the fallback picture</td></tr>
 * <tr><td>{@code look-ahead}</td><td>{@code lookAhead}</td><td>{@code 32KB}</td>
 *     <td>bytes of a rewritten page held before its headers are committed (at most {@code 1MB}, {@code off} for
 *     none): a page that ends within them without an embed keeps the application's headers, {@code Content-Length}
 *     included, and gets no {@code Vary: Cookie}</td></tr>
 * <tr><td>{@code render-consented}</td><td>{@code renderConsented}</td><td>{@code server}</td>
 *     <td>{@code client}: every embed is a placeholder for every visitor, so rewritten pages carry neither
 *     {@code Vary: Cookie} nor {@code private} and shared caches may keep them; the activation script activates what
 *     the visitor allowed (see {@link RenderConsented}). With {@code csp}, the policy is then the same for every
 *     visitor too (it names no unknown host a visitor allowed)</td></tr>
 * <tr><td>{@code warm-up}</td><td>{@code warmUp}</td><td>{@code 5s}</td>
 *     <td>at most how long the first filter of a class loader spends at its start rewriting a built-in sample page,
 *     so that the JIT has compiled the rewriter before the first request (it ends sooner once the JIT has been quiet
 *     for a second; at most {@code 60s}, {@code off} for none); see {@link RewriterWarmUp}</td></tr>
 * <tr><td>{@code rewrite-cache}</td><td>{@code rewriteCache}</td><td>{@code 16MB}</td>
 *     <td>memory bound of rewritten pages kept to be replayed (input and output), or {@code off}: a page served
 *     byte for byte alike again is checked against the kept input as it arrives and gets the kept output instead of
 *     a new rewrite; a page that differs is rewritten as usual (see {@link RewriteMemo}). At least {@code 1MB}</td></tr>
 * <tr><td>none (programmatic only)</td><td>{@code previewClient}, {@code seedPreview}</td><td>none</td>
 *     <td>the upstream client (resolver, TLS; tests), and pictures the site made itself seeded as previews</td></tr>
 * <tr><td>none (programmatic only)</td><td>{@code consentService}</td><td>none</td>
 *     <td>a {@link ConsentService} the application shares with the filter (its store, validity and providers apply;
 *     the filter neither opens nor closes a store); the Spring Boot starter uses it</td></tr>
 * <tr><td>none (programmatic only)</td><td>{@code rewritePolicy}</td><td>{@link RewritePolicy#DEFAULT}</td>
 *     <td>which responses are rewritten</td></tr>
 * <tr><td>none (programmatic only)</td><td>{@code clock}</td><td>system UTC</td>
 *     <td>the clock of consent timestamps and expiry (tests)</td></tr>
 * </table>
 *
 * <p>Values of {@code hmac-key} and {@code jdbc-password} may be written {@code env:NAME} to read an environment
 * variable, so secrets stay out of {@code web.xml}. A whole configuration also fits one init-param named
 * {@code config}, in the spec form: options separated by {@code ;}, list values by {@code ,}:
 * <pre>{@code
 * base-path=/consent; data-dir=/var/lib/embed-consent; exclude=/admin,/api/**; consent-lifetime=90d
 * }</pre>
 * Setting an option twice (for example in {@code config} and as its own init-param) is an error naming the option.
 */
public final class EmbedConsentConfig {

    /** A picture the site made itself, seeded as the preview of one embed URL. */
    public record PreviewSeed(String providerId, String embedUrl, byte[] image, @Nullable String title) {
        public PreviewSeed {
            Objects.requireNonNull(providerId, "providerId");
            Objects.requireNonNull(embedUrl, "embedUrl");
            Objects.requireNonNull(image, "image");
        }
    }

    /** Default of {@code look-ahead}: about a container's own response buffer. */
    public static final int DEFAULT_LOOK_AHEAD = 32 * 1024;
    private static final long MAX_LOOK_AHEAD = 1024 * 1024;

    /** Default of {@code warm-up}: the most a filter's start spends on it; it ends sooner once the JIT is quiet. */
    public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(5);
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(60);

    /** Default of {@code rewrite-cache}: room for about 80 pages of 100 KB with their output. */
    public static final long DEFAULT_REWRITE_CACHE = 16L * 1024 * 1024;
    private static final long MIN_REWRITE_CACHE = 1024 * 1024;

    /** Default of {@code preview-timeout}. */
    public static final Duration DEFAULT_PREVIEW_TIMEOUT = Duration.ofSeconds(5);
    private static final long MIN_PREVIEW_CACHE = 64 * 1024;

    /** Name of the init-param that carries a whole spec string. */
    public static final String SPEC_PARAMETER = "config";
    static final List<String> OPTION_NAMES = List.of(
            "base-path", "data-dir", "jdbc-url", "jdbc-user", "jdbc-password", "hmac-key", "languages",
            "default-language", "providers-file", "consent-lifetime", "exclude", "rate-limit", "csp-nonce-attribute",
            "trusted-hosts", "block-unknown-frames", "csp", "previews", "preview-cache-size", "preview-disk-size",
            "preview-lifetime", "preview-failure-lifetime", "preview-timeout", "look-ahead", "render-consented",
            "warm-up", "rewrite-cache");

    private final String basePath;
    private final Path dataDirectory;
    private final @Nullable String jdbcUrl;
    private final @Nullable String jdbcUser;
    private final @Nullable String jdbcPassword;
    private final @Nullable DataSource dataSource;
    private final @Nullable ConsentService consentService;
    private final @Nullable String hmacKeys;
    private final List<String> languages;
    private final String defaultLanguage;
    private final @Nullable Path providersFile;
    private final Period consentLifetime;
    private final PathPatterns exclusions;
    private final RateLimit rateLimit;
    private final @Nullable String cspNonceAttribute;
    private final TrustedHosts trustedHosts;
    private final boolean blockUnknownFrames;
    private final CspMode csp;
    private final boolean previews;
    private final long previewCacheSize;
    private final long previewDiskSize;
    private final Duration previewLifetime;
    private final Duration previewFailureLifetime;
    private final Duration previewTimeout;
    private final @Nullable UpstreamClient previewClient;
    private final List<PreviewSeed> previewSeeds;
    private final int lookAhead;
    private final RenderConsented renderConsented;
    private final Duration warmUp;
    private final long rewriteCache;
    private final RewritePolicy rewritePolicy;
    private final Clock clock;

    private EmbedConsentConfig(Builder b) {
        this.basePath = b.basePath == null ? "/embed-consent" : b.basePath;
        this.dataDirectory = b.dataDirectory == null ? Path.of("embed-consent-data") : b.dataDirectory;
        this.jdbcUrl = b.jdbcUrl;
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.dataSource = b.dataSource;
        this.consentService = b.consentService;
        this.hmacKeys = b.hmacKeys;
        this.languages = b.languages == null ? List.of() : List.copyOf(b.languages);
        this.defaultLanguage = b.defaultLanguage == null ? "en" : b.defaultLanguage;
        this.providersFile = b.providersFile;
        this.consentLifetime = b.consentLifetime == null ? ConsentService.DEFAULT_VALIDITY : b.consentLifetime;
        this.exclusions = b.exclusions == null ? PathPatterns.NONE : b.exclusions;
        this.rateLimit = b.rateLimit == null ? RateLimit.DEFAULT : b.rateLimit;
        this.cspNonceAttribute = b.cspNonceAttribute;
        this.trustedHosts = b.trustedHosts == null ? TrustedHosts.NONE : b.trustedHosts;
        this.blockUnknownFrames = b.blockUnknownFrames == null || b.blockUnknownFrames;
        this.csp = b.csp == null ? CspMode.OFF : b.csp;
        this.previews = b.previews == null || b.previews;
        this.previewCacheSize = b.previewCacheSize == null ? PreviewService.DEFAULT_MEMORY_BYTES : b.previewCacheSize;
        this.previewDiskSize = b.previewDiskSize == null ? PreviewService.DEFAULT_DISK_BYTES : b.previewDiskSize;
        this.previewLifetime = b.previewLifetime == null ? PreviewService.DEFAULT_LIFETIME : b.previewLifetime;
        this.previewFailureLifetime = b.previewFailureLifetime == null ? PreviewService.DEFAULT_FAILURE_LIFETIME
                : b.previewFailureLifetime;
        this.previewTimeout = b.previewTimeout == null ? DEFAULT_PREVIEW_TIMEOUT : b.previewTimeout;
        this.previewClient = b.previewClient;
        this.previewSeeds = List.copyOf(b.previewSeeds);
        long ahead = b.lookAhead == null ? DEFAULT_LOOK_AHEAD : b.lookAhead;
        if (ahead > MAX_LOOK_AHEAD) {
            throw new IllegalArgumentException("look-ahead must be at most 1MB (it is held in memory per response), got "
                    + ahead + " bytes");
        }
        this.lookAhead = (int) ahead;
        this.renderConsented = b.renderConsented == null ? RenderConsented.SERVER : b.renderConsented;
        this.warmUp = b.warmUp == null ? DEFAULT_WARM_UP : b.warmUp;
        this.rewriteCache = b.rewriteCache == null ? DEFAULT_REWRITE_CACHE : b.rewriteCache;
        if (rewriteCache != 0 && rewriteCache < MIN_REWRITE_CACHE) {
            throw new IllegalArgumentException("rewrite-cache must be off or at least 1MB, got " + rewriteCache
                    + " bytes");
        }
        if (previewCacheSize < MIN_PREVIEW_CACHE) {
            throw new IllegalArgumentException("preview-cache-size must be at least 64KB, got " + previewCacheSize
                    + " bytes");
        }
        if (previewDiskSize != 0 && previewDiskSize < MIN_PREVIEW_CACHE) {
            throw new IllegalArgumentException("preview-disk-size must be off or at least 64KB, got "
                    + previewDiskSize + " bytes");
        }
        positive("preview-lifetime", previewLifetime);
        positive("preview-failure-lifetime", previewFailureLifetime);
        positive("preview-timeout", previewTimeout);
        if (previewTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("preview-timeout must be at most 30s (a visitor's image request waits "
                    + "for it), got " + previewTimeout);
        }
        this.rewritePolicy = b.rewritePolicy == null ? RewritePolicy.DEFAULT : b.rewritePolicy;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        if (jdbcUrl != null && dataSource != null) {
            throw new IllegalArgumentException("set either jdbc-url or dataSource, not both");
        }
        if (consentService != null && (jdbcUrl != null || dataSource != null)) {
            throw new IllegalArgumentException("a given consentService brings its own store: set neither jdbc-url "
                    + "nor dataSource with it");
        }
        if ((jdbcUrl != null || dataSource != null) && hmacKeys == null) {
            throw new IllegalArgumentException("hmac-key is required with a JDBC store: every instance behind "
                    + "the database must sign cookies with the same key (generate one with "
                    + "`bin/embed-consent` or CookieKey.generate)");
        }
        if (!languages.isEmpty() && !languages.contains(defaultLanguage)) {
            throw new IllegalArgumentException(
                    "default-language '" + defaultLanguage + "' must be one of languages " + languages);
        }
        if (csp == CspMode.ENFORCE && !blockUnknownFrames) {
            throw new IllegalArgumentException("csp=enforce would block the frames that block-unknown-frames=false "
                    + "lets through: list their hosts in trusted-hosts, or use csp=report to learn which they are");
        }
    }

    /** Checks a duration set programmatically (the text forms are checked as they are read). */
    private static void positive(String option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    /** A builder with nothing set; {@link EmbedConsentFilter#builder()} returns the same. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-set from a spec string, e.g. {@code "base-path=/consent; exclude=/admin"}: options separated by
     * {@code ;}, each {@code key=value} with the init-param name as key.
     */
    public static Builder builder(String spec) {
        Objects.requireNonNull(spec, "spec");
        Builder builder = new Builder();
        for (String part : spec.split(";")) {
            String option = part.strip();
            if (option.isEmpty()) {
                continue;
            }
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("spec part '" + option + "' must be key=value");
            }
            builder.option(option.substring(0, eq).strip(), option.substring(eq + 1).strip());
        }
        return builder;
    }

    /** The defaults; see the class comment. */
    public static EmbedConsentConfig defaults() {
        return builder().buildConfig();
    }

    /** Parses the spec form, e.g. {@code base-path=/consent; exclude=/admin,/api/**}. */
    public static EmbedConsentConfig parse(String spec) {
        return builder(spec).buildConfig();
    }

    /**
     * Reads init-params (from {@code FilterConfig::getInitParameter}): the {@code config} spec string, then each
     * option by its own name.
     */
    public static EmbedConsentConfig fromInitParameters(Function<String, @Nullable String> initParameter) {
        String spec = initParameter.apply(SPEC_PARAMETER);
        Builder builder = spec == null ? builder() : builder(spec);
        for (String name : OPTION_NAMES) {
            String value = initParameter.apply(name);
            if (value != null) {
                builder.option(name, value);
            }
        }
        return builder.buildConfig();
    }

    public String basePath() {
        return basePath;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public @Nullable String jdbcUrl() {
        return jdbcUrl;
    }

    public @Nullable String jdbcUser() {
        return jdbcUser;
    }

    /** The JDBC password; never logged or printed by {@link #toString()}. */
    public @Nullable String jdbcPassword() {
        return jdbcPassword;
    }

    public @Nullable DataSource dataSource() {
        return dataSource;
    }

    /** The consent service shared with the application, when one was given; otherwise the filter builds its own. */
    public @Nullable ConsentService consentService() {
        return consentService;
    }

    /**
     * The signing keys as {@code id:secret,id:secret} (first signs), or {@code null} when the key is generated into
     * the data directory. A secret: never log it.
     */
    public @Nullable String hmacKeys() {
        return hmacKeys;
    }

    public List<String> languages() {
        return languages;
    }

    public String defaultLanguage() {
        return defaultLanguage;
    }

    public @Nullable Path providersFile() {
        return providersFile;
    }

    public Period consentLifetime() {
        return consentLifetime;
    }

    /** The exclusion patterns as given. */
    public List<String> exclusions() {
        return exclusions.sources();
    }

    PathPatterns exclusionPatterns() {
        return exclusions;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    public @Nullable String cspNonceAttribute() {
        return cspNonceAttribute;
    }

    /** Hosts whose frames are never blocked; {@link TrustedHosts#NONE} by default. */
    public TrustedHosts trustedHosts() {
        return trustedHosts;
    }

    public boolean blockUnknownFrames() {
        return blockUnknownFrames;
    }

    public CspMode csp() {
        return csp;
    }

    /** Whether placeholders show preview stills through the filter's preview proxy; default true. */
    public boolean previews() {
        return previews;
    }

    /** Memory bound of cached previews in bytes. */
    public long previewCacheSize() {
        return previewCacheSize;
    }

    /** Bound of the preview disk cache in {@code data-dir/previews} in bytes; 0 when it is off. */
    public long previewDiskSize() {
        return previewDiskSize;
    }

    public Duration previewLifetime() {
        return previewLifetime;
    }

    public Duration previewFailureLifetime() {
        return previewFailureLifetime;
    }

    /** The whole time one upstream preview fetch may take, and how long an image request waits for it. */
    public Duration previewTimeout() {
        return previewTimeout;
    }

    /** The upstream client of the preview proxy, when set programmatically; null for the default. */
    public @Nullable UpstreamClient previewClient() {
        return previewClient;
    }

    /** Pictures the site made itself, put into the preview cache at start. */
    public List<PreviewSeed> previewSeeds() {
        return previewSeeds;
    }

    /**
     * How many bytes of a rewritten page are held before its headers are committed; 0 commits them at the first
     * write (every rewritten page then gets {@code Vary: Cookie} and {@code private}).
     */
    public int lookAhead() {
        return lookAhead;
    }

    /** Who renders the embeds a visitor allowed; {@link RenderConsented#SERVER} by default. */
    public RenderConsented renderConsented() {
        return renderConsented;
    }

    /** At most how long the filter's start rewrites a sample page for the JIT; zero for none. */
    public Duration warmUp() {
        return warmUp;
    }

    /** Memory bound of rewritten pages kept to be replayed, in bytes; zero for none. */
    public long rewriteCache() {
        return rewriteCache;
    }

    public RewritePolicy rewritePolicy() {
        return rewritePolicy;
    }

    public Clock clock() {
        return clock;
    }

    /** Whether the records go to a database rather than to {@link #dataDirectory()}. */
    public boolean usesJdbc() {
        return jdbcUrl != null || dataSource != null;
    }

    @Override
    public String toString() {
        return "EmbedConsentConfig{base-path=" + basePath
                + (usesJdbc() ? ", jdbc-url=" + (jdbcUrl == null ? "(DataSource)" : OptionValues.redacted(jdbcUrl))
                        : ", data-dir=" + dataDirectory)
                + (consentService == null ? "" : ", consent-service=(given)")
                + ", hmac-key=" + (hmacKeys == null ? "(data-dir)" : "(configured)")
                + ", languages=" + (languages.isEmpty() ? "en,de,uk" : String.join(",", languages))
                + ", default-language=" + defaultLanguage
                + (providersFile == null ? "" : ", providers-file=" + providersFile)
                + ", consent-lifetime=" + consentLifetime
                + ", exclude=" + exclusions
                + ", rate-limit=" + rateLimit
                + (cspNonceAttribute == null ? "" : ", csp-nonce-attribute=" + cspNonceAttribute)
                + (trustedHosts.isEmpty() ? "" : ", trusted-hosts=" + trustedHosts)
                + ", block-unknown-frames=" + blockUnknownFrames
                + ", csp=" + csp
                + ", look-ahead=" + lookAhead
                + ", render-consented=" + renderConsented
                + ", warm-up=" + (warmUp.isZero() ? "off" : warmUp.toMillis() + "ms")
                + ", rewrite-cache=" + (rewriteCache == 0 ? "off" : rewriteCache)
                + ", previews=" + (previews ? "on, preview-cache-size=" + previewCacheSize + ", preview-disk-size="
                        + previewDiskSize + ", preview-lifetime=" + previewLifetime + ", preview-failure-lifetime="
                        + previewFailureLifetime + ", preview-timeout=" + previewTimeout : "off")
                + "}";
    }

    /**
     * Builds an {@link EmbedConsentConfig}, or an {@link EmbedConsentFilter} with it. Each option may be set once
     * (the shared {@code SetOnce} rule): setting it again, by its method or by {@link #option}, is an
     * {@link IllegalStateException} naming the option. The options are described in {@link EmbedConsentConfig}.
     * <pre>{@code
     * EmbedConsentFilter filter = EmbedConsentConfig.builder()
     *         .dataDirectory(Path.of("/var/lib/embed-consent"))
     *         .option("consent-lifetime", "90d")
     *         .exclude("/admin", "/api/**")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final SetOnce options = new SetOnce("EmbedConsentConfig.Builder");
        private @Nullable Boolean previews;
        private @Nullable Long previewCacheSize;
        private @Nullable Long previewDiskSize;
        private @Nullable Duration previewLifetime;
        private @Nullable Duration previewFailureLifetime;
        private @Nullable Duration previewTimeout;
        private @Nullable UpstreamClient previewClient;
        private final List<PreviewSeed> previewSeeds = new ArrayList<>();
        private @Nullable Long lookAhead;
        private @Nullable RenderConsented renderConsented;
        private @Nullable Duration warmUp;
        private @Nullable Long rewriteCache;
        private @Nullable String basePath;
        private @Nullable Path dataDirectory;
        private @Nullable String jdbcUrl;
        private @Nullable String jdbcUser;
        private @Nullable String jdbcPassword;
        private @Nullable DataSource dataSource;
        private @Nullable ConsentService consentService;
        private @Nullable String hmacKeys;
        private @Nullable List<String> languages;
        private @Nullable String defaultLanguage;
        private @Nullable Path providersFile;
        private @Nullable Period consentLifetime;
        private @Nullable PathPatterns exclusions;
        private @Nullable RateLimit rateLimit;
        private @Nullable String cspNonceAttribute;
        private @Nullable TrustedHosts trustedHosts;
        private @Nullable Boolean blockUnknownFrames;
        private @Nullable CspMode csp;
        private @Nullable RewritePolicy rewritePolicy;
        private @Nullable Clock clock;

        private Builder() {}

        /** Sets an option by its init-param name, e.g. {@code option("consent-lifetime", "90d")}. */
        public Builder option(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value of " + name);
            switch (name) {
                case "base-path": return basePath(value);
                case "data-dir": return dataDirectory(Path.of(value));
                case "jdbc-url": options.claim(name); jdbcUrl = value; return this;
                case "jdbc-user": options.claim(name); jdbcUser = value; return this;
                case "jdbc-password":
                    options.claim(name);
                    jdbcPassword = OptionValues.resolveSecret(name, value);
                    return this;
                case "hmac-key": return hmacKeys(OptionValues.resolveSecret(name, value));
                case "languages": return languages(OptionValues.list(value));
                case "default-language": return defaultLanguage(value);
                case "providers-file": return providersFile(Path.of(value));
                case "consent-lifetime": return consentLifetime(OptionValues.parsePeriod(name, value));
                case "exclude": return exclude(OptionValues.list(value).toArray(String[]::new));
                case "rate-limit": return rateLimit(RateLimit.parse(value));
                case "csp-nonce-attribute": return cspNonceAttribute(value);
                case "trusted-hosts": return trustedHosts(OptionValues.parseTrustedHosts(value));
                case "block-unknown-frames": return blockUnknownFrames(OptionValues.parseBoolean(name, value));
                case "csp": return csp(CspMode.parse(value));
                case "previews": return previews(OptionValues.parseOnOff(name, value));
                case "preview-cache-size": return previewCacheSize(OptionValues.parseSize(name, value, false));
                case "preview-disk-size": return previewDiskSize(OptionValues.parseSize(name, value, true));
                case "preview-lifetime": return previewLifetime(OptionValues.parseDuration(name, value));
                case "preview-failure-lifetime":
                    return previewFailureLifetime(OptionValues.parseDuration(name, value));
                case "preview-timeout": return previewTimeout(OptionValues.parseDuration(name, value));
                case "look-ahead": return lookAhead(OptionValues.parseSize(name, value, true));
                case "render-consented": return renderConsented(RenderConsented.parse(value));
                case "warm-up": return warmUp(OptionValues.parseDuration(name, value, true));
                case "rewrite-cache": return rewriteCache(OptionValues.parseSize(name, value, true));
                default:
                    throw new IllegalArgumentException("unknown option '" + name + "'; known options: "
                            + String.join(", ", OPTION_NAMES));
            }
        }

        /** Where the endpoints live, relative to the context path; default {@code /embed-consent}. */
        public Builder basePath(String path) {
            Objects.requireNonNull(path, "basePath");
            options.claim("base-path");
            if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")) {
                throw new IllegalArgumentException("base-path '" + path + "' must look like /embed-consent");
            }
            basePath = path;
            return this;
        }

        /** Directory of the JSON Lines store; default {@code embed-consent-data} in the working directory. */
        public Builder dataDirectory(Path directory) {
            options.claim("data-dir");
            dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
            return this;
        }

        /** Use the PostgreSQL store through {@code DriverManager}; the driver must be on the class path. */
        public Builder jdbc(String url, @Nullable String user, @Nullable String password) {
            options.claim("jdbc-url");
            jdbcUrl = Objects.requireNonNull(url, "url");
            if (user != null) {
                options.claim("jdbc-user");
                jdbcUser = user;
            }
            if (password != null) {
                options.claim("jdbc-password");
                jdbcPassword = password;
            }
            return this;
        }

        /** Use the PostgreSQL store through the application's (pooled) {@code DataSource}. */
        public Builder dataSource(DataSource source) {
            options.claim("dataSource");
            dataSource = Objects.requireNonNull(source, "dataSource");
            return this;
        }

        /**
         * The consent service the filter records decisions with and reads consent from, shared with the application
         * (for example a Spring bean its controllers use too, so both see the same state cache). Its own store,
         * validity, clock and provider look-up apply; the filter neither opens nor closes a store then, so
         * {@code jdbc-url} and {@code dataSource} must not be set. Programmatic only.
         */
        public Builder consentService(ConsentService service) {
            options.claim("consentService");
            consentService = Objects.requireNonNull(service, "consentService");
            return this;
        }

        /**
         * Cookie signing keys {@code id:base64url-secret[,id:secret...]}, secrets of at least 32 bytes; the first
         * signs, all verify. Default: generated once into the data directory.
         */
        public Builder hmacKeys(String keys) {
            Objects.requireNonNull(keys, "hmacKeys");
            options.claim("hmac-key");
            hmacKeys = OptionValues.checkKeys(keys);
            return this;
        }

        /** Settings-page languages, also the choice for the recorded language; default {@code en, de, uk}. */
        public Builder languages(List<String> codes) {
            Objects.requireNonNull(codes, "languages");
            options.claim("languages");
            for (String code : codes) {
                requireLanguage("languages", code);
            }
            languages = List.copyOf(codes);
            return this;
        }

        public Builder defaultLanguage(String code) {
            options.claim("default-language");
            defaultLanguage = requireLanguage("default-language", code);
            return this;
        }

        private static String requireLanguage(String option, String code) {
            Objects.requireNonNull(code, option);
            if (!code.matches("[a-z]{2,3}")) {
                throw new IllegalArgumentException(option + " '" + code + "' must be a lowercase language code like en");
            }
            return code;
        }

        /** A JSON file of providers added to (or replacing same-id) built-ins. */
        public Builder providersFile(Path file) {
            options.claim("providers-file");
            providersFile = Objects.requireNonNull(file, "providersFile");
            return this;
        }

        /** How long "always allow" lasts; default 6 months, at most 13. */
        public Builder consentLifetime(Period lifetime) {
            Objects.requireNonNull(lifetime, "consentLifetime");
            options.claim("consent-lifetime");
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("consent-lifetime must be positive, was " + lifetime);
            }
            if (lifetime.toTotalMonths() * 31 + lifetime.getDays() > 396) {
                throw new IllegalArgumentException("consent-lifetime " + lifetime + " is longer than 13 months");
            }
            consentLifetime = lifetime;
            return this;
        }

        /** Paths never rewritten: segment prefixes ({@code /admin}) or globs ({@code /docs/*.html}). */
        public Builder exclude(String... patterns) {
            Objects.requireNonNull(patterns, "exclude");
            options.claim("exclude");
            exclusions = new PathPatterns(List.of(patterns));
            return this;
        }

        /** Per-client limit on the consent endpoints; default {@code 30/1m}; {@link RateLimit#OFF} to disable. */
        public Builder rateLimit(RateLimit limit) {
            options.claim("rate-limit");
            rateLimit = Objects.requireNonNull(limit, "rateLimit");
            return this;
        }

        /** Request attribute where the application keeps the page's CSP nonce. */
        public Builder cspNonceAttribute(String attribute) {
            options.claim("csp-nonce-attribute");
            if (Objects.requireNonNull(attribute, "cspNonceAttribute").isBlank()) {
                throw new IllegalArgumentException("csp-nonce-attribute must not be blank");
            }
            cspNonceAttribute = attribute;
            return this;
        }

        /**
         * Hosts whose frames are never blocked as unknown third parties, one pattern each, e.g.
         * {@code trustedHosts("*.example.org", "player.partner.example")}; the request's own host always is.
         */
        public Builder trustedHosts(String... hosts) {
            Objects.requireNonNull(hosts, "trustedHosts");
            try {
                return trustedHosts(TrustedHosts.of(List.of(hosts)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trusted-hosts: " + e.getMessage(), e);
            }
        }

        /** Hosts whose frames are never blocked as unknown third parties. */
        public Builder trustedHosts(TrustedHosts hosts) {
            Objects.requireNonNull(hosts, "trustedHosts");
            options.claim("trusted-hosts");
            trustedHosts = hosts;
            return this;
        }

        /** Whether frames from hosts that no provider names become {@code host:<host>} placeholders; default true. */
        public Builder blockUnknownFrames(boolean block) {
            options.claim("block-unknown-frames");
            blockUnknownFrames = block;
            return this;
        }

        /** The Content-Security-Policy backstop on rewritten pages; default {@link CspMode#OFF}. */
        public Builder csp(CspMode mode) {
            Objects.requireNonNull(mode, "csp");
            options.claim("csp");
            csp = mode;
            return this;
        }

        /** The same as {@code csp(CspMode.parse(mode))}: {@code off}, {@code report} or {@code enforce}. */
        public Builder csp(String mode) {
            return csp(CspMode.parse(mode));
        }

        /**
         * Whether placeholders of providers that publish a still show it, fetched by the server and served from
         * {@code {base}/preview/...}; default true.
         */
        public Builder previews(boolean on) {
            options.claim("previews");
            previews = on;
            return this;
        }

        /** Memory bound of cached previews in bytes; default 32 MiB. */
        public Builder previewCacheSize(long bytes) {
            options.claim("preview-cache-size");
            previewCacheSize = bytes;
            return this;
        }

        /** Bound of the preview disk cache ({@code data-dir/previews}) in bytes, 0 for none; default 256 MiB. */
        public Builder previewDiskSize(long bytes) {
            options.claim("preview-disk-size");
            previewDiskSize = bytes;
            return this;
        }

        /** How long a fetched preview is used before it is fetched again; default 7 days. */
        public Builder previewLifetime(Duration lifetime) {
            options.claim("preview-lifetime");
            previewLifetime = Objects.requireNonNull(lifetime, "previewLifetime");
            return this;
        }

        /** How long a failed preview fetch is remembered (nothing is fetched for it meanwhile); default 5 minutes. */
        public Builder previewFailureLifetime(Duration lifetime) {
            options.claim("preview-failure-lifetime");
            previewFailureLifetime = Objects.requireNonNull(lifetime, "previewFailureLifetime");
            return this;
        }

        /** The whole time one upstream preview fetch may take; default 5 s, at most 30 s. */
        public Builder previewTimeout(Duration timeout) {
            options.claim("preview-timeout");
            previewTimeout = Objects.requireNonNull(timeout, "previewTimeout");
            return this;
        }

        /**
         * How many bytes of a rewritten page are held before its headers are committed (default 32 KB, at most 1 MB,
         * 0 for none): a page that ends within them without an embed keeps the application's headers.
         */
        public Builder lookAhead(long bytes) {
            options.claim("look-ahead");
            if (bytes < 0) {
                throw new IllegalArgumentException("look-ahead must not be negative, got " + bytes);
            }
            lookAhead = bytes;
            return this;
        }

        /** Who renders the embeds a visitor allowed; default {@link RenderConsented#SERVER}. */
        public Builder renderConsented(RenderConsented mode) {
            Objects.requireNonNull(mode, "renderConsented");
            options.claim("render-consented");
            renderConsented = mode;
            return this;
        }

        /**
         * At most how long the first filter of a class loader spends at its start rewriting a built-in sample page,
         * so that the JIT compiles the rewriter before the first request; default 5 s (it ends sooner once the JIT
         * has been quiet for a second), at most 60 s, {@link Duration#ZERO} for none.
         */
        public Builder warmUp(Duration budget) {
            Objects.requireNonNull(budget, "warmUp");
            options.claim("warm-up");
            if (budget.isNegative() || budget.compareTo(MAX_WARM_UP) > 0) {
                throw new IllegalArgumentException("warm-up must be off or at most 60s (it delays the filter's start), "
                        + "got " + budget);
            }
            warmUp = budget;
            return this;
        }

        /**
         * Memory bound of rewritten pages kept to be replayed (input plus output), in bytes; default 16 MiB, at least
         * 1 MiB, 0 for none. A page served again byte for byte alike, for a visitor with the same consent, gets the
         * kept output, checked against the kept input as its bytes arrive.
         */
        public Builder rewriteCache(long bytes) {
            options.claim("rewrite-cache");
            if (bytes < 0) {
                throw new IllegalArgumentException("rewrite-cache must be off or at least 1MB, got " + bytes
                        + " bytes");
            }
            rewriteCache = bytes;
            return this;
        }

        /** The same as {@code renderConsented(RenderConsented.parse(mode))}: {@code server} or {@code client}. */
        public Builder renderConsented(String mode) {
            return renderConsented(RenderConsented.parse(mode));
        }

        /**
         * The upstream client of the preview proxy (its resolver, connector and TLS settings); programmatic only.
         * Its own timeout applies instead of {@code preview-timeout}'s.
         */
        public Builder previewClient(UpstreamClient client) {
            options.claim("previewClient");
            previewClient = Objects.requireNonNull(client, "previewClient");
            return this;
        }

        /**
         * Puts a picture the site made itself into the preview cache at start, as the preview of the embed with this
         * URL (the demo does this for its own video); programmatic only, may be called repeatedly.
         */
        public Builder seedPreview(String providerId, String embedUrl, byte[] image, @Nullable String title) {
            previewSeeds.add(new PreviewSeed(providerId, embedUrl, image.clone(), title));
            return this;
        }

        /**
         * Which responses are rewritten; default {@link RewritePolicy#DEFAULT}. Programmatic only, e.g.
         * {@code rewritePolicy(RewritePolicy.DEFAULT.and((request, response) -> !request.isUserInRole("editor")))}.
         */
        public Builder rewritePolicy(RewritePolicy policy) {
            options.claim("rewritePolicy");
            rewritePolicy = Objects.requireNonNull(policy, "rewritePolicy");
            return this;
        }

        /** The clock for consent timestamps and expiry; programmatic only (tests). */
        public Builder clock(Clock c) {
            options.claim("clock");
            clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public EmbedConsentConfig buildConfig() {
            return new EmbedConsentConfig(this);
        }

        /** A filter with this configuration, for {@code ServletContext.addFilter} or a Spring registration bean. */
        public EmbedConsentFilter build() {
            return new EmbedConsentFilter(buildConfig());
        }
    }
}

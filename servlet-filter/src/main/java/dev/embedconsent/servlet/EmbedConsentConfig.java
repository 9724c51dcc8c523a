package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.consent.CookieKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of one {@link EmbedConsentFilter}. Build it with {@link EmbedConsentFilter#builder()}, parse
 * it from a spec string with {@link #parse(String)}, or read it from servlet init-params with
 * {@link #fromInitParameters(Function)}. Every option has the same name in all three forms:
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
    /** Name of the init-param that carries a whole spec string. */
    public static final String SPEC_PARAMETER = "config";
    static final List<String> OPTION_NAMES = List.of(
            "base-path", "data-dir", "jdbc-url", "jdbc-user", "jdbc-password", "hmac-key", "languages",
            "default-language", "providers-file", "consent-lifetime", "exclude", "rate-limit", "csp-nonce-attribute");

    private final String basePath;
    private final Path dataDirectory;
    private final @Nullable String jdbcUrl;
    private final @Nullable String jdbcUser;
    private final @Nullable String jdbcPassword;
    private final @Nullable DataSource dataSource;
    private final @Nullable String hmacKeys;
    private final List<String> languages;
    private final String defaultLanguage;
    private final @Nullable Path providersFile;
    private final Period consentLifetime;
    private final PathPatterns exclusions;
    private final RateLimit rateLimit;
    private final @Nullable String cspNonceAttribute;
    private final Clock clock;

    EmbedConsentConfig(EmbedConsentFilter.Builder b) {
        this.basePath = b.basePath == null ? "/embed-consent" : b.basePath;
        this.dataDirectory = b.dataDirectory == null ? Path.of("embed-consent-data") : b.dataDirectory;
        this.jdbcUrl = b.jdbcUrl;
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.dataSource = b.dataSource;
        this.hmacKeys = b.hmacKeys;
        this.languages = b.languages == null ? List.of() : List.copyOf(b.languages);
        this.defaultLanguage = b.defaultLanguage == null ? "en" : b.defaultLanguage;
        this.providersFile = b.providersFile;
        this.consentLifetime = b.consentLifetime == null ? ConsentService.DEFAULT_VALIDITY : b.consentLifetime;
        this.exclusions = b.exclusions == null ? PathPatterns.NONE : b.exclusions;
        this.rateLimit = b.rateLimit == null ? RateLimit.DEFAULT : b.rateLimit;
        this.cspNonceAttribute = b.cspNonceAttribute;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        if (jdbcUrl != null && dataSource != null) {
            throw new IllegalArgumentException("set either jdbc-url or dataSource, not both");
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
    }

    /** The defaults; see the class comment. */
    public static EmbedConsentConfig defaults() {
        return EmbedConsentFilter.builder().buildConfig();
    }

    /** Parses the spec form, e.g. {@code base-path=/consent; exclude=/admin,/api/**}. */
    public static EmbedConsentConfig parse(String spec) {
        return EmbedConsentFilter.builder(spec).buildConfig();
    }

    /**
     * Reads init-params (from {@code FilterConfig::getInitParameter}): the {@code config} spec string, then each
     * option by its own name.
     */
    public static EmbedConsentConfig fromInitParameters(Function<String, @Nullable String> initParameter) {
        String spec = initParameter.apply(SPEC_PARAMETER);
        EmbedConsentFilter.Builder builder = spec == null ? EmbedConsentFilter.builder() : EmbedConsentFilter.builder(spec);
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
                + (usesJdbc() ? ", jdbc-url=" + (jdbcUrl == null ? "(DataSource)" : redacted(jdbcUrl)) : ", data-dir=" + dataDirectory)
                + ", hmac-key=" + (hmacKeys == null ? "(data-dir)" : "(configured)")
                + ", languages=" + (languages.isEmpty() ? "en,de,uk" : String.join(",", languages))
                + ", default-language=" + defaultLanguage
                + (providersFile == null ? "" : ", providers-file=" + providersFile)
                + ", consent-lifetime=" + consentLifetime
                + ", exclude=" + exclusions
                + ", rate-limit=" + rateLimit
                + (cspNonceAttribute == null ? "" : ", csp-nonce-attribute=" + cspNonceAttribute)
                + "}";
    }

    /**
     * A JDBC URL fit for a log: its parameters ({@code ?password=..}, {@code ;password=..}) and user info
     * ({@code //user:secret@host}) may hold a password and are replaced by {@code …}.
     */
    static String redacted(String jdbcUrl) {
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';'}) {
            int i = jdbcUrl.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        String head = jdbcUrl.substring(0, cut);
        int authority = head.indexOf("//");
        int at = head.lastIndexOf('@');
        if (authority >= 0 && at > authority) {
            head = head.substring(0, authority + 2) + "…@" + head.substring(at + 1);
        }
        return cut < jdbcUrl.length() ? head + jdbcUrl.charAt(cut) + "…" : head;
    }

    /** {@code 180d}, {@code 12h}, {@code 30m}, {@code 10s}, {@code 500ms} or ISO-8601 ({@code P180D}, {@code PT1H}). */
    static Duration parseDuration(String option, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return positive(option, text, Duration.parse(value.toUpperCase(Locale.ROOT)));
            }
            if (value.endsWith("ms")) {
                return positive(option, text, Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            switch (value.charAt(value.length() - 1)) {
                case 'd': return positive(option, text, Duration.ofDays(amount));
                case 'h': return positive(option, text, Duration.ofHours(amount));
                case 'm': return positive(option, text, Duration.ofMinutes(amount));
                case 's': return positive(option, text, Duration.ofSeconds(amount));
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException(option + " '" + text
                + "' is not a duration; write e.g. 180d, 12h, 30m, 10s, 500ms or P180D");
    }

    private static Duration positive(String option, String text, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(option + " '" + text + "' must be positive");
        }
        return duration;
    }

    /** Checks {@code id:secret,id:secret}; returns it unchanged. */
    static String checkKeys(String spec) {
        int count = 0;
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                try {
                    CookieKey.parse(part.strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("hmac-key: " + e.getMessage(), e);
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("hmac-key is empty; give id:base64url-secret[,id:secret...]");
        }
        return spec;
    }

    /** ISO-8601 period ({@code P6M}, {@code P180D}) or days ({@code 90d}). */
    static Period parsePeriod(String option, String text) {
        String value = text.strip();
        Period period;
        try {
            period = value.toLowerCase(Locale.ROOT).endsWith("d") && !value.toUpperCase(Locale.ROOT).startsWith("P")
                    ? Period.ofDays(Integer.parseInt(value.substring(0, value.length() - 1)))
                    : Period.parse(value.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a period; write e.g. P6M, P180D or 90d", e);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(option + " '" + text + "' must be positive");
        }
        return period;
    }

    static String resolveSecret(String option, String text) {
        if (!text.startsWith("env:")) {
            return text;
        }
        String name = text.substring(4);
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " refers to environment variable " + name + ", which is not set");
        }
        return value;
    }
}

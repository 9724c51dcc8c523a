package dev.embedconsent.provider;

import dev.embedconsent.internal.SetOnce;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One third-party service whose embeds need consent, e.g. YouTube. Immutable.
 *
 * <p>Built-ins come from the bundled catalogue ({@link ProviderCatalogue#builtIn()}); a site adds its own in a JSON
 * file of the same format or with the builder:
 *
 * <pre>{@code
 * Provider myVideo = Provider.builder("myvideo")
 *     .name("MyVideo").recipient("MyVideo GmbH").privacyPolicyUrl("https://myvideo.example/privacy")
 *     .purposes("embedding", "analytics").dataCategories("ip-address", "device")
 *     .transfersOutsideEu(false).noticeVersion("2026-11-01").kind(EmbedKind.VIDEO)
 *     .hosts("myvideo.example", "*.myvideo.example")
 *     .rule(new MatchRule.Url(Set.of("iframe", "script"), List.of("player.myvideo.example"), null, List.of()))
 *     .build();
 * }</pre>
 *
 * @param id stable id used in markup, cookies and records, e.g. {@code youtube}
 * @param name display name, e.g. {@code YouTube}
 * @param recipient the legal recipient of the data, e.g. {@code Google Ireland Limited}
 * @param privacyPolicyUrl an {@code https} URL
 * @param purposes what the provider uses the data for: ids the placeholder translates ({@code embedding},
 *     {@code analytics}, {@code advertising}, {@code personalisation}, {@code security}, {@code social}) or own text
 * @param dataCategories what data is transmitted: ids the placeholder translates ({@code ip-address}, {@code device},
 *     {@code cookies}, {@code page-url}, {@code usage}) or own text
 * @param transfersOutsideEu whether data leaves the EU/EEA
 * @param noticeVersion changes whenever the notice changes; earlier consent then no longer counts
 * @param hosts host names (a leading {@code *.} matches any subdomain) the provider loads from
 * @param rules how its embeds are recognised
 * @param kind what its embeds are, for the placeholder's wording
 * @param previews how an embed's preview still is found, in order; empty when the provider offers none
 */
public record Provider(
        String id,
        String name,
        String recipient,
        String privacyPolicyUrl,
        List<String> purposes,
        List<String> dataCategories,
        boolean transfersOutsideEu,
        String noticeVersion,
        List<String> hosts,
        List<MatchRule> rules,
        EmbedKind kind,
        List<PreviewRule> previews) {

    public Provider {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(privacyPolicyUrl, "privacyPolicyUrl");
        Objects.requireNonNull(noticeVersion, "noticeVersion");
        Objects.requireNonNull(kind, "kind");
        purposes = List.copyOf(purposes);
        dataCategories = List.copyOf(dataCategories);
        hosts = List.copyOf(hosts);
        rules = List.copyOf(rules);
        previews = List.copyOf(previews);
    }

    /** A provider without preview rules; the eleven-field shape. */
    public Provider(String id, String name, String recipient, String privacyPolicyUrl, List<String> purposes,
            List<String> dataCategories, boolean transfersOutsideEu, String noticeVersion, List<String> hosts,
            List<MatchRule> rules, EmbedKind kind) {
        this(id, name, recipient, privacyPolicyUrl, purposes, dataCategories, transfersOutsideEu, noticeVersion,
                hosts, rules, kind, List.of());
    }

    /** A provider of {@link EmbedKind#CONTENT}; the original ten-field shape. */
    public Provider(String id, String name, String recipient, String privacyPolicyUrl, List<String> purposes,
            List<String> dataCategories, boolean transfersOutsideEu, String noticeVersion, List<String> hosts,
            List<MatchRule> rules) {
        this(id, name, recipient, privacyPolicyUrl, purposes, dataCategories, transfersOutsideEu, noticeVersion,
                hosts, rules, EmbedKind.CONTENT);
    }

    /** The prefix of the ids that name a host no provider claims, e.g. {@code host:videos.example.org}. */
    public static final String HOST_PREFIX = "host:";

    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*"
            + "|\\[[0-9a-f:.]{2,45}\\]");

    /**
     * The stand-in for a frame from a host that no provider names: id {@code host:<host>}, the host as name and
     * recipient, its origin as the only address there is, and conservative facts (data may leave the EU/EEA). Consent
     * for it is recorded, cookied and withdrawn like consent for a named provider.
     *
     * <pre>{@code
     * Provider.forUnknownHost("videos.example.org").id(); // "host:videos.example.org"
     * }</pre>
     *
     * @param host lower-case ASCII, IDNs as punycode ({@code xn--...}), or a bracketed IPv6 address
     * @throws IllegalArgumentException if {@code host} is not such a host name
     */
    public static Provider forUnknownHost(String host) {
        Objects.requireNonNull(host, "host");
        if (!isUnknownHostName(host)) {
            throw new IllegalArgumentException("not a lower-case ASCII host name: \"" + host + "\"");
        }
        return new Provider(HOST_PREFIX + host, host, host, "https://" + host + "/", List.of("embedding"),
                List.of("ip-address", "device", "cookies", "page-url"), true, "host-1", List.of(host), List.of(),
                EmbedKind.CONTENT);
    }

    /** Whether {@code host} can be the host of a {@link #forUnknownHost} id. */
    static boolean isUnknownHostName(String host) {
        return HOST.matcher(host).matches();
    }

    /**
     * Whether {@code host} (lower-case ASCII) is one of this provider's {@link #hosts()}: named exactly, or a subdomain
     * of a {@code *.} pattern.
     */
    public boolean servesFrom(String host) {
        Objects.requireNonNull(host, "host");
        for (String pattern : hosts) {
            if (pattern.startsWith("*.")) {
                if (host.length() > pattern.length() - 1 && host.endsWith(pattern.substring(1))) {
                    return true;
                }
            } else if (pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this stands for a host that no provider names ({@link #forUnknownHost}). */
    public boolean isUnknownHost() {
        return id.startsWith(HOST_PREFIX);
    }

    /** Starts a provider definition; {@link Builder#build()} validates it like a JSON definition. */
    public static Builder builder(String id) {
        return new Builder(Objects.requireNonNull(id, "id"));
    }

    /**
     * Builds one {@link Provider}. Every option may be set once; setting it again fails and names the option.
     * Required: name, recipient, privacyPolicyUrl, purposes, dataCategories, transfersOutsideEu, noticeVersion,
     * hosts and at least one rule. {@code kind} defaults to {@link EmbedKind#CONTENT}.
     */
    public static final class Builder {
        private final SetOnce options = new SetOnce("Provider.Builder");
        private final String id;
        private @Nullable String name;
        private @Nullable String recipient;
        private @Nullable String privacyPolicyUrl;
        private @Nullable List<String> purposes;
        private @Nullable List<String> dataCategories;
        private @Nullable Boolean transfersOutsideEu;
        private @Nullable String noticeVersion;
        private @Nullable List<String> hosts;
        private @Nullable EmbedKind kind;
        private final List<MatchRule> rules = new ArrayList<>();
        private final List<PreviewRule> previews = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
        }

        public Builder name(String name) {
            options.claim("name");
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder recipient(String recipient) {
            options.claim("recipient");
            this.recipient = Objects.requireNonNull(recipient, "recipient");
            return this;
        }

        public Builder privacyPolicyUrl(String privacyPolicyUrl) {
            options.claim("privacyPolicyUrl");
            this.privacyPolicyUrl = Objects.requireNonNull(privacyPolicyUrl, "privacyPolicyUrl");
            return this;
        }

        public Builder purposes(String... purposes) {
            options.claim("purposes");
            this.purposes = List.of(purposes);
            return this;
        }

        public Builder dataCategories(String... dataCategories) {
            options.claim("dataCategories");
            this.dataCategories = List.of(dataCategories);
            return this;
        }

        public Builder transfersOutsideEu(boolean transfersOutsideEu) {
            options.claim("transfersOutsideEu");
            this.transfersOutsideEu = transfersOutsideEu;
            return this;
        }

        public Builder noticeVersion(String noticeVersion) {
            options.claim("noticeVersion");
            this.noticeVersion = Objects.requireNonNull(noticeVersion, "noticeVersion");
            return this;
        }

        public Builder hosts(String... hosts) {
            options.claim("hosts");
            this.hosts = List.of(hosts);
            return this;
        }

        public Builder kind(EmbedKind kind) {
            options.claim("kind");
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Adds a match rule; may be called repeatedly. */
        public Builder rule(MatchRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Adds a preview rule; may be called repeatedly, the first rule that takes an embed URL wins. */
        public Builder preview(PreviewRule rule) {
            previews.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * The validated provider.
         *
         * @throws ProviderDefinitionException naming source {@code builder}, the provider and the field
         */
        public Provider build() {
            String source = "builder";
            Provider provider = new Provider(id,
                    required(source, "name", name),
                    required(source, "recipient", recipient),
                    required(source, "privacyPolicyUrl", privacyPolicyUrl),
                    required(source, "purposes", purposes),
                    required(source, "dataCategories", dataCategories),
                    required(source, "transfersOutsideEu", transfersOutsideEu),
                    required(source, "noticeVersion", noticeVersion),
                    required(source, "hosts", hosts),
                    rules,
                    kind == null ? EmbedKind.CONTENT : kind,
                    previews);
            ProviderValidator.validate(source, provider);
            return provider;
        }

        private <T> T required(String source, String field, @Nullable T value) {
            if (value == null) {
                throw new ProviderDefinitionException(source, id, field, "is required");
            }
            return value;
        }
    }
}

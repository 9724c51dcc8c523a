package dev.embedconsent.placeholder;

import dev.embedconsent.internal.EncodedText;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.placeholder.PlaceholderTemplate.Slot;
import dev.embedconsent.provider.EmbedKind;
import dev.embedconsent.provider.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Renders accessible click-to-activate placeholders. Immutable and thread-safe; build one and share it.
 *
 * <pre>{@code
 * PlaceholderRenderer renderer = PlaceholderRenderer.builder()
 *     .basePath("/embed-consent")
 *     .defaultLanguage("de")
 *     .messages("de", Map.of("button.once", "Nur dieses Mal laden"))
 *     .build();
 * Placeholder p = renderer.render(new Embed(1, youtube, "iframe", url, "Delegation visit", "560", "315", "de", "/news"));
 * // write p.before(), the original embed's bytes, p.after()
 * }</pre>
 *
 * <p>The markup is the agreed contract (see {@link #defaultTemplate()}): a {@code div.ec-placeholder} with
 * {@code data-consent-provider}, a sizer {@code <svg viewBox>} that keeps the original's aspect ratio, the provider's
 * name and recipient, the embed's title, a notice that data is transmitted on activation, purposes, data and whether
 * data leaves the EU/EEA, two equal forms posting to {@code {base}/consent} ("Load once" with scope {@code once},
 * "Always allow …" with scope {@code provider}; nothing pre-selected), the privacy-policy link, a note that consent
 * can be withdrawn at {@code {base}/settings}, and the original inside {@code <template class="ec-original">}. Every
 * value taken from the page or a provider definition is escaped; nothing in it loads from a provider's host.
 *
 * <p>Texts come in en, de, uk, fr, es, it, pl and nl; each key can be overridden per language, and other languages
 * added with a complete set ({@link Builder#messages}). An unknown language falls back to the default language.
 * Texts are plain text: overrides are escaped like everything else.
 */
public final class PlaceholderRenderer {

    public static final String DEFAULT_BASE_PATH = "/embed-consent";
    public static final String DEFAULT_LANGUAGE = "en";

    private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    private static final int MAX_TITLE = 200;
    private static final int MAX_RETURN_PATH = 2048;
    private static final int KINDS = EmbedKind.values().length;
    /** Providers per language whose texts are kept; beyond that (a generated catalogue?) they are computed each time. */
    private static final int MAX_CACHED_PROVIDERS = 512;

    private final String basePath;
    private final String defaultLanguage;
    private final Map<String, PlaceholderMessages> messages;
    private final PlaceholderTemplate template;
    private final String assetsPrefix;
    private final PreviewSource previews;
    /** Per language, per provider id: the escaped slot values that depend only on provider, language and kind. */
    private final Map<String, ConcurrentHashMap<String, ProviderSlots>> fixedSlots;

    private PlaceholderRenderer(String basePath, String defaultLanguage, Map<String, PlaceholderMessages> messages,
            PlaceholderTemplate template, PreviewSource previews, boolean blockingScript) {
        this.basePath = basePath;
        this.previews = previews;
        this.defaultLanguage = defaultLanguage;
        this.messages = Map.copyOf(messages);
        this.template = template;
        Map<String, ConcurrentHashMap<String, ProviderSlots>> caches = new HashMap<>();
        this.messages.keySet().forEach(language -> caches.put(language, new ConcurrentHashMap<>()));
        this.fixedSlots = Map.copyOf(caches);
        this.assetsPrefix = "<link rel=\"stylesheet\" href=\"" + HtmlEscaping.escape(basePath + "/embed-consent.css")
                + "\"><script src=\"" + HtmlEscaping.escape(basePath + "/embed-consent.js") + "\""
                + (blockingScript ? "" : " defer");
    }

    /** English by default, base path {@code /embed-consent}, the bundled template. */
    public static PlaceholderRenderer defaults() {
        return Defaults.RENDERER;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bundled placeholder template, a starting point for {@link Builder#template(String)}. */
    public static String defaultTemplate() {
        try (InputStream in = PlaceholderRenderer.class.getResourceAsStream("placeholder.html")) {
            if (in == null) {
                throw new IllegalStateException("bundled placeholder.html is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled placeholder.html", e);
        }
    }

    public String basePath() {
        return basePath;
    }

    public String defaultLanguage() {
        return defaultLanguage;
    }

    /** The languages this renderer has texts for. */
    public Set<String> languages() {
        return messages.keySet();
    }

    /**
     * The language a placeholder is rendered in for a requested tag such as {@code de-AT} or {@code pt_BR}: its
     * primary subtag when this renderer has texts for it, else the default language.
     */
    public String language(@Nullable String requested) {
        if (requested != null) {
            String primary = requested.strip();
            int dash = primary.indexOf('-') >= 0 ? primary.indexOf('-') : primary.indexOf('_');
            if (dash >= 0) {
                primary = primary.substring(0, dash);
            }
            primary = primary.toLowerCase(Locale.ROOT);
            if (messages.containsKey(primary)) {
                return primary;
            }
        }
        return defaultLanguage;
    }

    /** The placeholder for a visible embed (iframe, object, image, widget marker). */
    public Placeholder render(Embed embed) {
        return markup(embed).toPlaceholder();
    }

    /**
     * The placeholder for a visible embed, to be appended to a writer without building strings; the same markup as
     * {@link #render(Embed)}.
     */
    public PlaceholderMarkup markup(Embed embed) {
        Objects.requireNonNull(embed, "embed");
        if (embed.index() < 1) {
            throw new IllegalArgumentException("embed index must be 1 or more, got " + embed.index());
        }
        PlaceholderMessages texts = messages.get(language(embed.language()));
        EmbedKind kind = kind(embed);
        CharSequence[] fixed = fixedSlots(embed.provider(), texts, kind);
        String title = title(embed.title());
        Preview preview = preview(embed, kind);
        String alt = null;
        if (preview != null) {
            if (title == null) {
                title = title(preview.title());
            }
            alt = texts.text("preview.alt").replace("{title}",
                    title != null ? title : texts.text("kind." + kind.key()));
        }
        return new VisibleMarkup(template, fixed, embed.index(), title, embed.width(), embed.height(),
                safeReturnPath(embed.returnPath()), preview, alt);
    }

    /**
     * The embed's preview from the {@link Builder#previews source}, for a provider with preview rules; a source that
     * fails costs the placeholder its still, never the page.
     */
    private @Nullable Preview preview(Embed embed, EmbedKind kind) {
        if (previews == PreviewSource.NONE || embed.provider().previews().isEmpty() || kind == EmbedKind.IMAGE) {
            return null;
        }
        try {
            return previews.preview(embed.provider(), embed.url());
        } catch (RuntimeException e) {
            System.getLogger(PlaceholderRenderer.class.getName()).log(System.Logger.Level.WARNING,
                    "preview source failed for " + embed.provider().id() + "; placeholder shown without a still", e);
            return null;
        }
    }

    /** Where this renderer's placeholders get their preview stills; {@link PreviewSource#NONE} by default. */
    public PreviewSource previews() {
        return previews;
    }

    /**
     * The slot values of a provider's placeholders in a language, computed once. A provider object with the same id
     * but other texts than the one cached (another catalogue) replaces it.
     */
    private CharSequence[] fixedSlots(Provider provider, PlaceholderMessages texts, EmbedKind kind) {
        if (provider.isUnknownHost()) {
            return computeFixedSlots(provider, texts, kind);
        }
        ConcurrentHashMap<String, ProviderSlots> cache = fixedSlots.get(texts.language());
        ProviderSlots slots = cache.get(provider.id());
        if (slots == null || !slots.hasTextsOf(provider)) {
            if (slots == null && cache.size() >= MAX_CACHED_PROVIDERS) {
                return computeFixedSlots(provider, texts, kind);
            }
            slots = new ProviderSlots(provider);
            cache.put(provider.id(), slots);
        }
        CharSequence[] values = slots.byKind.get(kind.ordinal());
        if (values == null) {
            values = computeFixedSlots(provider, texts, kind);
            slots.byKind.set(kind.ordinal(), values);
        }
        return values;
    }

    /** Escaped, and carrying their bytes ({@link EncodedText}): they are written into every placeholder. */
    private CharSequence[] computeFixedSlots(Provider provider, PlaceholderMessages texts, EmbedKind kind) {
        String[] values = new String[Slot.values().length];
        values[Slot.PROVIDER.ordinal()] = HtmlEscaping.escape(provider.id());
        values[Slot.PROVIDER_NAME.ordinal()] = HtmlEscaping.escape(provider.name());
        values[Slot.RECIPIENT.ordinal()] = HtmlEscaping.escape(provider.recipient());
        values[Slot.LANGUAGE.ordinal()] = HtmlEscaping.escape(texts.language());
        String kindKey = provider.isUnknownHost() ? "host" : kind.key();
        values[Slot.EMBED_TITLE.ordinal()] = HtmlEscaping.escape(texts.text("kind." + kindKey));
        values[Slot.NOTICE.ordinal()] = HtmlEscaping.escape(fill(texts.text("notice." + kindKey), provider));
        values[Slot.DETAILS.ordinal()] = HtmlEscaping.escape(details(provider, texts));
        values[Slot.CONSENT_URL.ordinal()] = HtmlEscaping.escape(basePath + "/consent");
        values[Slot.LOAD_ONCE.ordinal()] = HtmlEscaping.escape(fill(texts.text("button.once"), provider));
        values[Slot.ALWAYS_ALLOW.ordinal()] = HtmlEscaping.escape(fill(texts.text("button.always"), provider));
        values[Slot.PRIVACY_URL.ordinal()] = HtmlEscaping.escape(privacyUrl(provider));
        values[Slot.PRIVACY_LINK.ordinal()] = HtmlEscaping.escape(fill(texts.text(
                provider.isUnknownHost() ? "privacy.host" : "privacy.link"), provider));
        values[Slot.WITHDRAW.ordinal()] = withdraw(texts);
        values[Slot.SETTINGS_URL.ordinal()] = HtmlEscaping.escape(basePath + "/settings");
        CharSequence[] encoded = new CharSequence[values.length];
        for (int k = 0; k < values.length; k++) {
            encoded[k] = values[k] == null ? null : EncodedText.of(values[k]);
        }
        return encoded;
    }

    /**
     * Wraps a non-visual loader (a {@code <script src>}, a {@code <link rel=preconnect>}, a {@code <param>} or
     * {@code <source>}) in an inert
     * {@code <template class="ec-inert" data-consent-provider="id" data-consent-kind="script|link|...">}; the kind is
     * the element name.
     */
    public Placeholder renderInert(Embed embed) {
        return inertMarkup(embed).toPlaceholder();
    }

    /** {@link #renderInert(Embed)}'s markup, to be appended to a writer. */
    public PlaceholderMarkup inertMarkup(Embed embed) {
        Objects.requireNonNull(embed, "embed");
        return new InertMarkup(embed.provider().id(), embed.element());
    }

    /**
     * The stylesheet link and activation script tags, written once per page before the first placeholder:
     * {@code <link rel="stylesheet" href="{base}/embed-consent.css"><script src="{base}/embed-consent.js" defer
     * nonce="…"></script>}; the nonce attribute only when a nonce is given, {@code defer} unless
     * {@link Builder#blockingScript} was set.
     */
    public String assets(@Nullable String cspNonce) {
        String nonce = cspNonce == null ? "" : " nonce=\"" + HtmlEscaping.escape(cspNonce) + "\"";
        return assetsPrefix + nonce + "></script>";
    }

    /** What the notice calls the embed: an image for hot-linked pictures, else the provider's kind. */
    private static EmbedKind kind(Embed embed) {
        String element = embed.element();
        if (element.equals("img") || element.equals("image") || element.equals("picture")) {
            return EmbedKind.IMAGE;
        }
        return embed.provider().kind();
    }

    /** The title stripped and shortened; null when there is none, then the kind's name stands in. */
    private static @Nullable String title(@Nullable String title) {
        String stripped = title == null ? "" : title.strip();
        if (stripped.isEmpty()) {
            return null;
        }
        if (stripped.codePointCount(0, stripped.length()) > MAX_TITLE) {
            return stripped.substring(0, stripped.offsetByCodePoints(0, MAX_TITLE)) + "…";
        }
        return stripped;
    }

    private static String fill(String text, Provider provider) {
        return text.replace("{provider}", provider.name()).replace("{recipient}", provider.recipient());
    }

    private static String details(Provider provider, PlaceholderMessages texts) {
        return texts.text("details.purposes").replace("{list}", list(provider.purposes(), "purpose.", texts))
                + " " + texts.text("details.data").replace("{list}", list(provider.dataCategories(), "data.", texts))
                + " " + texts.text(provider.transfersOutsideEu() ? "details.outsideEu" : "details.insideEu");
    }

    private static String list(List<String> ids, String prefix, PlaceholderMessages texts) {
        StringBuilder out = new StringBuilder();
        for (String id : ids) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(texts.term(prefix, id));
        }
        return out.toString();
    }

    private String withdraw(PlaceholderMessages texts) {
        String text = texts.text("withdraw");
        int at = text.indexOf("{settings}");
        return HtmlEscaping.escape(text.substring(0, at)) + "<a href=\""
                + HtmlEscaping.escape(basePath + "/settings") + "\">"
                + HtmlEscaping.escape(texts.text("withdraw.settings")) + "</a>"
                + HtmlEscaping.escape(text.substring(at + "{settings}".length()));
    }

    private static String privacyUrl(Provider provider) {
        String url = provider.privacyPolicyUrl();
        if (!url.regionMatches(true, 0, "https://", 0, 8)) {
            throw new IllegalArgumentException("provider \"" + provider.id()
                    + "\": privacyPolicyUrl must be an https URL, got \"" + url + "\"");
        }
        return url;
    }

    /** The {@code sizer} slot's value for an embed's width and height, as {@link VisibleMarkup} appends it. */
    static String sizer(@Nullable String width, @Nullable String height) {
        StringBuilder out = new StringBuilder(64);
        try {
            VisibleMarkup.appendSizer(width, height, out);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringBuilder does not fail", e);
        }
        return out.toString();
    }

    /**
     * The page path to return to after the consent post: a same-origin path (one leading {@code /}, no control
     * characters), else {@code /}.
     */
    static String safeReturnPath(@Nullable String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_RETURN_PATH) {
            return "/";
        }
        if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "/";
            }
        }
        return path;
    }

    /** One provider's cached slot values in one language, per kind; filled on first use. */
    private static final class ProviderSlots {
        final Provider provider;
        final AtomicReferenceArray<CharSequence[]> byKind = new AtomicReferenceArray<>(KINDS);

        ProviderSlots(Provider provider) {
            this.provider = provider;
        }

        /** Whether the cached values are right for {@code other}: the same provider, or one with the same texts. */
        boolean hasTextsOf(Provider other) {
            return provider == other || (provider.name().equals(other.name())
                    && provider.recipient().equals(other.recipient())
                    && provider.privacyPolicyUrl().equals(other.privacyPolicyUrl())
                    && provider.purposes().equals(other.purposes())
                    && provider.dataCategories().equals(other.dataCategories())
                    && provider.transfersOutsideEu() == other.transfersOutsideEu());
        }
    }

    /** Created on first use of {@link #defaults()}. */
    private static final class Defaults {
        static final PlaceholderRenderer RENDERER = builder().build();
    }

    /**
     * Configures a {@link PlaceholderRenderer}. Each option may be set once ({@code messages} once per language);
     * setting it again fails and names the option. The order of calls does not matter.
     */
    public static final class Builder {
        private @Nullable String basePath;
        private @Nullable String defaultLanguage;
        private @Nullable String template;
        private @Nullable PreviewSource previews;
        private boolean blockingScript;
        private final Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        private final SetOnce options = new SetOnce("PlaceholderRenderer.Builder");

        private Builder() {}

        /** Where the filter serves its endpoints and assets; default {@code /embed-consent}. */
        public Builder basePath(String basePath) {
            Objects.requireNonNull(basePath, "basePath");
            if (!BASE_PATH.matcher(basePath).matches() || basePath.contains("//")) {
                throw new IllegalArgumentException("basePath must be a path like \"/embed-consent\": starting with "
                        + "\"/\", not ending with \"/\", without quotes, spaces or \"//\"; got \"" + basePath + "\"");
            }
            options.claim("basePath");
            this.basePath = basePath;
            return this;
        }

        /** The language used when a page's language has no texts; default {@code en}. */
        public Builder defaultLanguage(String language) {
            Objects.requireNonNull(language, "language");
            options.claim("defaultLanguage");
            this.defaultLanguage = checkLanguage(language);
            return this;
        }

        /**
         * Overrides texts of a language, or adds a language (then every key is required). Keys are those of the
         * bundled {@code messages_en.properties}, e.g. {@code button.once}, {@code notice.video}.
         */
        public Builder messages(String language, Map<String, String> texts) {
            Objects.requireNonNull(texts, "texts");
            String key = checkLanguage(Objects.requireNonNull(language, "language"));
            options.claim("messages(" + key + ")");
            texts.forEach((k, v) -> {
                Objects.requireNonNull(k, "message key");
                Objects.requireNonNull(v, "message " + k);
            });
            overrides.put(key, Map.copyOf(texts));
            return this;
        }

        /**
         * Where placeholders get preview stills (the filter's preview proxy, or the command line's downloaded
         * folder); default {@link PreviewSource#NONE}. Only providers with preview rules ask it.
         */
        public Builder previews(PreviewSource previews) {
            Objects.requireNonNull(previews, "previews");
            options.claim("previews");
            this.previews = previews;
            return this;
        }

        /**
         * Writes the activation script without {@code defer}, so it runs before the placeholders after it are parsed
         * and can hold back, before their first paint, those it is about to activate (the filter's
         * {@code render-consented=client}); default off. It then delays the parser until it is loaded.
         */
        public Builder blockingScript(boolean blocking) {
            options.claim("blockingScript");
            this.blockingScript = blocking;
            return this;
        }

        /** Replaces the markup; see {@link PlaceholderRenderer#defaultTemplate()} and its slots. */
        public Builder template(String template) {
            Objects.requireNonNull(template, "template");
            options.claim("template");
            this.template = template;
            return this;
        }

        /**
         * The renderer.
         *
         * @throws IllegalArgumentException when a template slot, message key or the default language is wrong
         */
        public PlaceholderRenderer build() {
            Map<String, PlaceholderMessages> messages = new LinkedHashMap<>();
            for (String language : PlaceholderMessages.BUNDLED) {
                messages.put(language, PlaceholderMessages.of(language, overrides.getOrDefault(language, Map.of())));
            }
            overrides.forEach((language, texts) -> messages.put(language, PlaceholderMessages.of(language, texts)));
            for (PlaceholderMessages texts : messages.values()) {
                if (!texts.text("withdraw").contains("{settings}")) {
                    throw new IllegalArgumentException("messages for \"" + texts.language()
                            + "\": \"withdraw\" must contain {settings}, where the settings link goes");
                }
            }
            String language = defaultLanguage == null ? DEFAULT_LANGUAGE : defaultLanguage;
            if (!messages.containsKey(language)) {
                throw new IllegalArgumentException("defaultLanguage \"" + language + "\" has no texts; languages: "
                        + messages.keySet());
            }
            return new PlaceholderRenderer(basePath == null ? DEFAULT_BASE_PATH : basePath, language, messages,
                    PlaceholderTemplate.parse(template == null ? defaultTemplate() : template),
                    previews == null ? PreviewSource.NONE : previews, blockingScript);
        }

        private static String checkLanguage(String language) {
            if (!LANGUAGE.matcher(language).matches()) {
                throw new IllegalArgumentException("language must be a lowercase ISO 639 code such as \"de\", got \""
                        + language + "\"");
            }
            return language;
        }
    }
}

package dev.embedconsent.preview;

import dev.embedconsent.provider.PreviewRule;
import dev.embedconsent.provider.Provider;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches an embed's preview still the way its provider's {@link PreviewRule} says: the rule's image template with
 * the embed's ids put in, else (or when that fails) the {@code thumbnail_url} of the provider's oEmbed answer.
 * Thread-safe.
 *
 * <p>Every request goes through {@link UpstreamClient}, limited to https URLs on the provider's own
 * {@linkplain Provider#hosts() hosts}: an oEmbed answer naming a thumbnail anywhere else is not followed. The bytes
 * must be a real image ({@link ImageFormat#detect}); what the server calls them does not count.
 */
public final class PreviewFetcher {
    /** Default largest preview still accepted: 2 MiB (a YouTube {@code hqdefault.jpg} is about 30 KB). */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 2L * 1024 * 1024;
    /** Largest oEmbed answer read. */
    static final long MAX_OEMBED_BYTES = 64 * 1024;
    /** Longest title kept from an oEmbed answer. */
    static final int MAX_TITLE = 300;

    private static final String IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final UpstreamClient client;
    private final long maxImageBytes;

    /**
     * @param client the upstream client (its address rules, timeouts and TLS settings apply)
     * @param maxImageBytes the largest still accepted
     */
    public PreviewFetcher(UpstreamClient client, long maxImageBytes) {
        this.client = Objects.requireNonNull(client, "client");
        if (maxImageBytes < 1024) {
            throw new IllegalArgumentException("maxImageBytes must be at least 1024, got " + maxImageBytes);
        }
        this.maxImageBytes = maxImageBytes;
    }

    /** Whether a provider's preview rules take this embed URL. */
    public static boolean hasPreview(Provider provider, String embedUrl) {
        return key(provider, embedUrl) != null;
    }

    /**
     * A file name stem for an embed's preview, the same for every embed with the same ids ({@code youtube-} and 16
     * hex digits of a hash); null when the provider has no preview for the URL.
     */
    public static @Nullable String fileStem(Provider provider, String embedUrl) {
        PreviewKey key = key(provider, embedUrl);
        return key == null ? null : PreviewDiskCache.stem(key);
    }

    /** The key of an embed's preview: the first of the provider's rules that takes the URL; null for none. */
    static @Nullable PreviewKey key(Provider provider, String embedUrl) {
        List<PreviewRule> rules = provider.previews();
        for (int i = 0; i < rules.size(); i++) {
            List<String> ids = rules.get(i).ids(embedUrl);
            if (ids != null) {
                return new PreviewKey(provider.id(), i, ids);
            }
        }
        return null;
    }

    /**
     * Fetches the still of an embed, and its title when the provider has an oEmbed endpoint.
     *
     * @throws PreviewUnavailableException when the provider has no preview for this URL or fetching fails
     */
    public FetchedPreview fetch(Provider provider, String embedUrl) throws PreviewUnavailableException {
        PreviewKey key = key(provider, embedUrl);
        if (key == null) {
            throw new PreviewUnavailableException(provider.id() + " has no preview rule for this embed URL");
        }
        return fetch(provider, key, true);
    }

    /**
     * The still for a key.
     *
     * @param withTitle whether to ask the oEmbed endpoint for the title also when the image template suffices
     */
    FetchedPreview fetch(Provider provider, PreviewKey key, boolean withTitle) throws PreviewUnavailableException {
        PreviewRule rule = rule(provider, key);
        PreviewUnavailableException imageFailure = null;
        if (rule.image() != null) {
            try {
                FetchedPreview still = image(provider, URI.create(PreviewRule.fill(rule.image(), key.ids())), null);
                if (!withTitle || rule.oembed() == null) {
                    return still;
                }
                String title = null;
                try {
                    title = metadata(provider, key).title();
                } catch (PreviewUnavailableException e) {
                    // the still is what counts; the title is a bonus
                }
                return new FetchedPreview(still.format(), still.image(), title);
            } catch (PreviewUnavailableException e) {
                imageFailure = e;
            }
        }
        if (rule.oembed() == null) {
            throw Objects.requireNonNull(imageFailure);
        }
        try {
            Metadata metadata = metadata(provider, key);
            if (metadata.thumbnail() == null) {
                throw new PreviewUnavailableException(provider.id() + " oEmbed answer names no usable thumbnail");
            }
            return image(provider, metadata.thumbnail(), metadata.title());
        } catch (PreviewUnavailableException e) {
            if (imageFailure == null) {
                throw e;
            }
            // both ways failed: say why the image template did, not only why the fallback did
            throw new PreviewUnavailableException(imageFailure.getMessage() + "; oEmbed fallback: " + e.getMessage(),
                    e);
        }
    }

    /** The provider's oEmbed answer for a key: title and thumbnail. */
    Metadata metadata(Provider provider, PreviewKey key) throws PreviewUnavailableException {
        PreviewRule rule = rule(provider, key);
        if (rule.oembed() == null) {
            throw new PreviewUnavailableException(provider.id() + " preview rule " + key.rule()
                    + " has no oEmbed endpoint");
        }
        UpstreamResponse response;
        URI endpoint = URI.create(PreviewRule.fill(rule.oembed(), key.ids()));
        try {
            response = client.get(endpoint, provider::servesFrom, "application/json", MAX_OEMBED_BYTES);
        } catch (UpstreamException e) {
            throw new PreviewUnavailableException(provider.id() + " oEmbed: " + e.getMessage(), e);
        }
        return parseOEmbed(provider, response.url(), response.body());
    }

    /**
     * Title and thumbnail from an oEmbed JSON answer: {@code thumbnail_url}, else {@code image} (Mixcloud), else the
     * {@code url} of a {@code photo}; resolved against the endpoint's URL (Streamable answers {@code //cdn...}) and
     * dropped unless it is https on one of the provider's hosts.
     */
    static Metadata parseOEmbed(Provider provider, URI endpoint, byte[] body) throws PreviewUnavailableException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new PreviewUnavailableException(provider.id() + " oEmbed answer is not JSON: "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PreviewUnavailableException(provider.id() + " oEmbed answer is not a JSON object");
        }
        JsonNode title = root.get("title");
        JsonNode type = root.get("type");
        URI thumbnail = null;
        for (String field : List.of("thumbnail_url", "image", "url")) {
            JsonNode value = root.get(field);
            boolean photo = type != null && type.isString() && "photo".equals(type.stringValue());
            if ((field.equals("url") && !photo) || value == null || !value.isString()) {
                continue;
            }
            thumbnail = allowedUrl(provider, endpoint, value.stringValue());
            if (thumbnail != null) {
                break;
            }
        }
        return new Metadata(title != null && title.isString() ? cleanTitle(title.stringValue()) : null, thumbnail);
    }

    private FetchedPreview image(Provider provider, URI url, @Nullable String title)
            throws PreviewUnavailableException {
        UpstreamResponse response;
        try {
            response = client.get(url, provider::servesFrom, IMAGE_ACCEPT, maxImageBytes);
        } catch (UpstreamException e) {
            throw new PreviewUnavailableException(provider.id() + " still: " + e.getMessage(), e);
        }
        ImageFormat format = ImageFormat.detect(response.body()).orElseThrow(() -> new PreviewUnavailableException(
                provider.id() + " still from " + url.getHost() + " is not an image (sent as "
                        + response.contentType() + ")"));
        return new FetchedPreview(format, response.body(), title);
    }

    private static PreviewRule rule(Provider provider, PreviewKey key) throws PreviewUnavailableException {
        if (!provider.id().equals(key.provider()) || key.rule() >= provider.previews().size()) {
            throw new PreviewUnavailableException(provider.id() + " has no preview rule " + key.rule());
        }
        PreviewRule rule = provider.previews().get(key.rule());
        int needed = rule.idsNeeded();
        if (key.ids().size() < needed) {
            throw new PreviewUnavailableException(provider.id() + " preview rule " + key.rule() + " needs " + needed
                    + " ids, the URL has " + key.ids().size());
        }
        return rule;
    }

    /** {@code value} resolved against {@code base}, if it is an https URL on port 443 of the provider's hosts. */
    private static @Nullable URI allowedUrl(Provider provider, URI base, String value) {
        if (value.isBlank()) {
            return null; // resolved, "" would be the endpoint's own folder
        }
        try {
            URI uri = base.resolve(new URI(value.strip()));
            String host = uri.getHost();
            if ("https".equalsIgnoreCase(uri.getScheme()) && host != null && uri.getUserInfo() == null
                    && (uri.getPort() == -1 || uri.getPort() == 443)
                    && provider.servesFrom(host.toLowerCase(Locale.ROOT))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // not a URL: no thumbnail
        }
        return null;
    }

    /** White space collapsed, control and format characters removed, at most {@link #MAX_TITLE} code points. */
    static @Nullable String cleanTitle(String title) {
        StringBuilder out = new StringBuilder(Math.min(title.length(), MAX_TITLE * 2));
        int count = 0;
        boolean space = false;
        for (int i = 0; i < title.length() && count < MAX_TITLE; ) {
            int cp = title.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = out.length() > 0;
                continue;
            }
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.SURROGATE || type == Character.PRIVATE_USE) {
                continue;
            }
            if (space) {
                out.append(' ');
                count++;
                space = false;
            }
            out.appendCodePoint(cp);
            count++;
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** What an oEmbed answer says: the content's title and its thumbnail on the provider's hosts. */
    record Metadata(@Nullable String title, @Nullable URI thumbnail) {}
}

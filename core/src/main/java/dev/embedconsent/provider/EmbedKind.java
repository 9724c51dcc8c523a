package dev.embedconsent.provider;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a provider's embeds are, so the placeholder can say "activate the player" or "load the post". Written in
 * provider JSON as the lowercase name, e.g. {@code "kind": "video"}.
 */
public enum EmbedKind {
    /** A video player (YouTube, Vimeo, Twitch). */
    VIDEO,
    /** An audio player (Spotify, SoundCloud). */
    AUDIO,
    /** An interactive map (Google Maps, OpenStreetMap). */
    MAP,
    /** A social-media post or feed (X, Instagram, Facebook, TikTok). */
    POST,
    /**
     * An image or GIF (Flickr, Giphy, Imgur); also chosen per element for a hot-linked picture of any provider.
     */
    IMAGE,
    /** A chart or data visualisation (Datawrapper, Flourish, Infogram). */
    CHART,
    /** A form or survey (Typeform, Jotform, a newsletter sign-up). */
    FORM,
    /** A calendar or booking widget (Google Calendar, Calendly). */
    CALENDAR,
    /** A document, presentation or board (Google Docs, Issuu, Prezi, Miro). */
    DOCUMENT,
    /** A comment section (Disqus). */
    COMMENTS,
    /** Reviews or ratings (Trustpilot). */
    REVIEWS,
    /** A code example (CodePen, GitHub Gist). */
    CODE,
    /** A 3D model or virtual tour (Sketchfab, Matterport). */
    MODEL,
    /** Anything else. */
    CONTENT;

    /** The name used in JSON and message keys, e.g. {@code video}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()}; {@code null} when unknown. */
    static @Nullable EmbedKind ofKey(String key) {
        for (EmbedKind kind : values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        return null;
    }
}

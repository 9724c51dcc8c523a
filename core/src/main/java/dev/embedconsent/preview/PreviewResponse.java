package dev.embedconsent.preview;

import java.util.Objects;

/** What the preview endpoint answers for one request path; see {@link PreviewService#serve(String)}. */
public sealed interface PreviewResponse {

    /**
     * The still: send it with {@code mediaType}.
     *
     * @param etag a strong entity tag (quoted) of the bytes
     */
    record Image(String mediaType, byte[] bytes, String etag) implements PreviewResponse {
        public Image {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(etag, "etag");
        }
    }

    /**
     * A signed, valid preview URL whose still cannot be had now (no network, none upstream, still fetching after the
     * wait): send the neutral fallback picture, cacheable only briefly, so the page never shows a broken image.
     */
    record Unavailable(String reason) implements PreviewResponse {}

    /**
     * Not a preview URL this site signed (malformed, unknown provider, bad or missing signature): a 4xx, and nothing
     * was fetched.
     */
    record Rejected(int status, String error, String message) implements PreviewResponse {}
}

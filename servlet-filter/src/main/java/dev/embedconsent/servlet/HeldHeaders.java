package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Content-Length} and {@code ETag} a {@link RewritingResponse} holds back until it knows whether the body
 * is rewritten, and what the container gets then:
 * <pre>{@code
 * held.length(4096);                      // nothing reaches the container yet
 * held.etag("\"v1\"");
 * held.rewritten(container, "1a2b3c4d");  // ETag "v1-ec1a2b3c4d", Vary: Cookie, Cache-Control: private, no length
 * held.passed(container);                 // or: Content-Length: 4096, ETag "v1", as the application set them
 * }</pre>
 * A 304 that answers a tag the application saw without its variant suffix ({@link #revalidating}) confirms the
 * rewritten copy, so it gets the rewritten page's headers. The header values come from {@link CacheHeaders}, for the
 * page's {@link CacheHeaders.Audience}: a page the same for every visitor keeps its {@code Vary} and
 * {@code Cache-Control}.
 */
final class HeldHeaders {
    private final CacheHeaders.Audience audience;
    private @Nullable Long length;
    private @Nullable String etag;
    private @Nullable String revalidatedVariant;

    /** For a page rendered for the visitor's consent ({@link CacheHeaders.Audience#VISITOR}). */
    HeldHeaders() {
        this(CacheHeaders.Audience.VISITOR);
    }

    HeldHeaders(CacheHeaders.Audience audience) {
        this.audience = audience;
    }

    void length(long value) {
        length = value;
    }

    /** The {@code Content-Length} the application set, if any. */
    @Nullable Long length() {
        return length;
    }

    void etag(String value) {
        etag = value;
    }

    /** The variant of an {@code If-None-Match} tag handed to the application without its suffix. */
    void revalidating(String variant) {
        revalidatedVariant = variant;
    }

    /** The body is rewritten for {@code variant}: the length is dropped, the caching headers set. */
    void rewritten(HttpServletResponse container, String variant) {
        rewritten(container, () -> variant);
    }

    /**
     * As {@link #rewritten(HttpServletResponse, String)}, with the variant computed only when there is an
     * {@code ETag} to suffix: the variant needs the visitor's consent (cookie check, store look-up), which a page
     * without an ETag and without embeds then never pays for.
     */
    void rewritten(HttpServletResponse container, Supplier<String> variant) {
        consentHeaders(container, variant);
        clear();
    }

    /** The body passes through: the held headers as the application set them (or a confirming 304's). */
    void passed(HttpServletResponse container) {
        Long len = length;
        if (len != null) {
            container.setContentLengthLong(len);
        }
        String variant = revalidatedVariant;
        String tag = etag;
        if (variant != null && container.getStatus() == HttpServletResponse.SC_NOT_MODIFIED) {
            consentHeaders(container, () -> variant);
        } else if (tag != null) {
            container.setHeader("ETag", tag);
        }
        clear();
    }

    /** Forgets the held values, for a reset or an abandoned page. */
    void clear() {
        length = null;
        etag = null;
    }

    private void consentHeaders(HttpServletResponse container, Supplier<String> variant) {
        if (audience != CacheHeaders.Audience.EVERYONE) {
            container.setHeader("Vary", CacheHeaders.vary(List.copyOf(container.getHeaders("Vary"))));
            container.setHeader("Cache-Control",
                    CacheHeaders.cacheControl(audience, List.copyOf(container.getHeaders("Cache-Control"))));
        }
        String tag = etag != null ? etag : container.getHeader("ETag");
        if (tag != null) {
            container.setHeader("ETag", CacheHeaders.etag(tag, variant.get()));
        }
    }
}

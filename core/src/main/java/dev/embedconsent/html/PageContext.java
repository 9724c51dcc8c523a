package dev.embedconsent.html;

import java.nio.charset.Charset;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the rewriter knows about one page before reading it.
 *
 * @param transportCharset the charset from {@code Content-Type}, if any (BOM still wins, as in browsers)
 * @param language a forced placeholder language; {@code null} to use the document's {@code lang}, then the default
 * @param consentedProviders provider ids whose embeds are left as they are
 * @param path the page's path, posted back as the form's {@code return}
 * @param listener told about every embed found (for {@code scan}); {@link EmbedListener#NONE} otherwise
 * @param cspNonce the page's CSP nonce, put on the activation script the rewriter adds; {@code null} when none
 * @param siteHost the host the page is served from (the request's own host): its frames are never blocked as
 *     unknown third parties; {@code null} when unknown (a file rewritten by the command line)
 */
public record PageContext(
        @Nullable Charset transportCharset,
        @Nullable String language,
        Set<String> consentedProviders,
        String path,
        EmbedListener listener,
        @Nullable String cspNonce,
        @Nullable String siteHost) {

    public PageContext {
        consentedProviders = Set.copyOf(consentedProviders);
    }

    /** A context without a site host. */
    public PageContext(@Nullable Charset transportCharset, @Nullable String language, Set<String> consentedProviders,
            String path, EmbedListener listener, @Nullable String cspNonce) {
        this(transportCharset, language, consentedProviders, path, listener, cspNonce, null);
    }

    public static PageContext defaults() {
        return new PageContext(null, null, Set.of(), "/", EmbedListener.NONE, null);
    }
}

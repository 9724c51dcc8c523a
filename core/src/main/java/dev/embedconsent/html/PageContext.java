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
 */
public record PageContext(
        @Nullable Charset transportCharset,
        @Nullable String language,
        Set<String> consentedProviders,
        String path,
        EmbedListener listener,
        @Nullable String cspNonce) {

    public PageContext {
        consentedProviders = Set.copyOf(consentedProviders);
    }

    public static PageContext defaults() {
        return new PageContext(null, null, Set.of(), "/", EmbedListener.NONE, null);
    }
}

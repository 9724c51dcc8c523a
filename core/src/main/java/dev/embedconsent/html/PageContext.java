package dev.embedconsent.html;

import java.nio.charset.Charset;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
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
 * @param firstIndex the number of the first placeholder (its {@code data-consent-index} and the middle of its element
 *     ids, {@code ec-<n>-title}); 1 for a page, another start for a fragment that joins a page already numbered
 */
public record PageContext(
        @Nullable Charset transportCharset,
        @Nullable String language,
        Set<String> consentedProviders,
        String path,
        EmbedListener listener,
        @Nullable String cspNonce,
        @Nullable String siteHost,
        int firstIndex) {

    public PageContext {
        if (firstIndex < 1) {
            throw new IllegalArgumentException("firstIndex must be 1 or more, got " + firstIndex);
        }
        if (!(consentedProviders instanceof LazyConsent)) {
            consentedProviders = Set.copyOf(consentedProviders);
        }
    }

    /**
     * A set of consented provider ids that is computed on first use, for {@link #consentedProviders()}: the rewriter
     * asks only when it finds an embed, so a page without embeds never costs a cookie check or a store look-up.
     * Immutable once computed; the supplier's set is copied.
     */
    public static Set<String> lazyConsent(Supplier<Set<String>> supplier) {
        return new LazyConsent(Objects.requireNonNull(supplier, "supplier"));
    }

    private static final class LazyConsent extends AbstractSet<String> {
        private @Nullable Supplier<Set<String>> supplier;
        private @Nullable Set<String> value;

        LazyConsent(Supplier<Set<String>> supplier) {
            this.supplier = supplier;
        }

        private synchronized Set<String> value() {
            Set<String> v = value;
            if (v == null) {
                v = Set.copyOf(Objects.requireNonNull(supplier).get());
                value = v;
                supplier = null;
            }
            return v;
        }

        @Override
        public boolean contains(Object o) {
            return value().contains(o);
        }

        @Override
        public Iterator<String> iterator() {
            return value().iterator();
        }

        @Override
        public int size() {
            return value().size();
        }
    }

    /** A page's context: its placeholders are numbered from 1. */
    public PageContext(@Nullable Charset transportCharset, @Nullable String language, Set<String> consentedProviders,
            String path, EmbedListener listener, @Nullable String cspNonce, @Nullable String siteHost) {
        this(transportCharset, language, consentedProviders, path, listener, cspNonce, siteHost, 1);
    }

    /** The same context with placeholders numbered from {@code first}. */
    public PageContext numberedFrom(int first) {
        return new PageContext(transportCharset, language, consentedProviders, path, listener, cspNonce, siteHost,
                first);
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

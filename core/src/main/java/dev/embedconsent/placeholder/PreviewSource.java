package dev.embedconsent.placeholder;

import dev.embedconsent.provider.Provider;
import org.jspecify.annotations.Nullable;

/**
 * Where placeholders get their preview stills. The servlet filter's preview proxy and the command line's
 * {@code rewrite --previews DIR} are the two implementations; {@link #NONE} shows none.
 *
 * <p>Called while a page is being rewritten, once per visible embed, from the rewriting thread: an implementation
 * must answer from what it has at hand and never wait for the network.
 */
@FunctionalInterface
public interface PreviewSource {

    /** No previews: placeholders show their texts only. */
    PreviewSource NONE = (provider, embedUrl) -> null;

    /**
     * The preview of an embed, or null for none.
     *
     * @param provider the provider the embed was matched to
     * @param embedUrl the absolute URL the embed would load
     */
    @Nullable Preview preview(Provider provider, String embedUrl);
}

package dev.embedconsent.provider;

/**
 * A start tag that a provider's match rules claim.
 *
 * @param provider the provider that receives data when this element loads
 * @param element the lowercase element name, e.g. {@code iframe}
 * @param attribute the attribute that carried the URL, or the marker attribute (e.g. {@code class})
 * @param url the absolute {@code https} URL the element would load, or the marker value when nothing is loaded
 *     directly (a {@code blockquote class="twitter-tweet"})
 */
public record EmbedMatch(Provider provider, String element, String attribute, String url) {}

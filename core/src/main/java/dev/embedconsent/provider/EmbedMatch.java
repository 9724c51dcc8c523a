package dev.embedconsent.provider;

/**
 * A start tag that a provider's match rules claim.
 *
 * @param provider the provider that receives data when this element loads
 * @param element the lowercase element name, e.g. {@code iframe}
 * @param attribute the attribute that carried the URL, the marker attribute ({@code class}), or empty for a custom
 *     element that loads by itself ({@link MatchRule.Component})
 * @param url the absolute {@code https} URL the element would load, or for markers and components the widget's
 *     permalink on the provider's hosts when it has one, else {@code element.class} ({@code blockquote.twitter-tweet})
 *     or the element name ({@code lite-youtube})
 */
public record EmbedMatch(Provider provider, String element, String attribute, String url) {

    /**
     * Whether this is a widget that a script turns into an embed (a {@code class} marker such as
     * {@code twitter-tweet}, or a custom element such as {@code lite-youtube}) rather than a URL the element loads.
     */
    public boolean marker() {
        return attribute.equals("class") || attribute.isEmpty();
    }
}

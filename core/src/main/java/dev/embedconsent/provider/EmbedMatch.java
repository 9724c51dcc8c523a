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
public record EmbedMatch(Provider provider, String element, String attribute, String url) {

    /**
     * Whether the element is a non-visual loader ({@code script}, {@code link}, {@code param}, {@code source},
     * {@code track}) that belongs in an inert template ({@code PlaceholderRenderer.renderInert}) rather than behind a
     * visible placeholder.
     */
    public boolean inert() {
        switch (element) {
            case "script":
            case "link":
            case "param":
            case "source":
            case "track":
                return true;
            default:
                return false;
        }
    }

    /** Whether this is a widget marker (a {@code class} such as {@code twitter-tweet}) rather than a URL. */
    public boolean marker() {
        return attribute.equals("class");
    }
}

package dev.embedconsent.servlet.soak;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a visitor's copy of a soak page shows: for each of its three embeds, whether it is live (the original frame
 * outside any placeholder) or behind its placeholder (an element with {@code data-consent-provider}, the original
 * inert in its {@code <template>}); and whether the page arrived whole.
 */
final class SoakPage {

    /** An embed of the page: the provider id and a piece of its frame's URL that nothing else on the page holds. */
    record Embed(String provider, String urlPart) {
    }

    static final List<Embed> EMBEDS = List.of(
            new Embed("youtube", "https://www.youtube-nocookie.com/embed/"),
            new Embed("vimeo", "https://player.vimeo.com/video/"),
            new Embed("google-maps", "https://www.google.com/maps/embed"));

    private static final Pattern INERT_ORIGINALS =
            Pattern.compile("(?s)<template class=\"ec-original\">.*?</template>");

    private final String body;
    private final String outsidePlaceholders;

    SoakPage(String body) {
        this.body = body;
        this.outsidePlaceholders = INERT_ORIGINALS.matcher(body).replaceAll("");
    }

    boolean complete() {
        return body.contains(SoakNode.END) && body.endsWith("</html>\n");
    }

    boolean live(Embed embed) {
        return outsidePlaceholders.contains(embed.urlPart());
    }

    boolean placeholder(Embed embed) {
        return body.contains("data-consent-provider=\"" + embed.provider() + "\"");
    }
}

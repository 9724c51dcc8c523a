package dev.embedconsent.placeholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.EmbedKind;
import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PlaceholderMarkup}: the streaming form of a placeholder, and the texts the renderer computes once per provider,
 * language and kind.
 */
class PlaceholderMarkupTest {

    private static final Provider YOUTUBE = ProviderCatalogue.builtIn().get("youtube").orElseThrow();

    private static Provider video(String name, String privacyUrl) {
        return Provider.builder("myvideo").name(name).recipient(name + " GmbH").privacyPolicyUrl(privacyUrl)
                .purposes("embedding").dataCategories("ip-address").transfersOutsideEu(false)
                .noticeVersion("2026-11-01").kind(EmbedKind.VIDEO).hosts("myvideo.example")
                .rule(new MatchRule.Url(Set.of("iframe"), List.of("myvideo.example"), null, List.of()))
                .build();
    }

    private static Embed embed(int index, Provider provider, String element, String title, String path) {
        return new Embed(index, provider, element, "https://myvideo.example/v/1", title, "640", "360", "en", path);
    }

    /** Records every piece appended, so a test sees that the markup arrives in parts, not as one string. */
    private static final class Pieces implements Appendable {
        final List<String> pieces = new ArrayList<>();

        @Override
        public Appendable append(CharSequence csq) {
            pieces.add(csq.toString());
            return this;
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            pieces.add(csq.subSequence(start, end).toString());
            return this;
        }

        @Override
        public Appendable append(char c) {
            pieces.add(String.valueOf(c));
            return this;
        }

        String text() {
            return String.join("", pieces);
        }
    }

    @Test
    void appendsTheTemplateInPiecesWithTheEmbedsValuesEscaped() throws IOException {
        PlaceholderMarkup markup = PlaceholderRenderer.defaults()
                .markup(embed(12, YOUTUBE, "iframe", "A <b>\"talk\"</b> & more", "/news?a=1&b=\"2\""));
        Pieces before = new Pieces();
        markup.appendBefore(before);
        Pieces after = new Pieces();
        markup.appendAfter(after);
        assertTrue(before.pieces.size() > 20, "appended slot by slot, got " + before.pieces.size() + " pieces");
        String html = before.text();
        assertTrue(html.contains("data-consent-index=\"12\""), html);
        assertTrue(html.contains("id=\"ec-12-notice\""), html);
        assertTrue(html.contains("A &lt;b&gt;&quot;talk&quot;&lt;/b&gt; &amp; more"), html);
        assertTrue(html.contains("value=\"/news?a=1&amp;b=&quot;2&quot;\""), html);
        assertTrue(html.contains(" width=\"640\" height=\"360\" viewBox=\"0 0 640 360\""), html);
        assertEquals("</template></div>", after.text());
        Placeholder placeholder = markup.toPlaceholder();
        assertEquals(html, placeholder.before());
        assertEquals("</template></div>", placeholder.after());
    }

    @Test
    void perEmbedValuesChangeWhileSharedTextsStay() {
        PlaceholderRenderer renderer = PlaceholderRenderer.defaults();
        String first = renderer.render(embed(1, YOUTUBE, "iframe", "First", "/a")).before();
        String second = renderer.render(embed(2, YOUTUBE, "iframe", "Second", "/b")).before();
        assertTrue(first.contains("First") && first.contains("value=\"/a\"") && first.contains("ec-1-title"), first);
        assertTrue(second.contains("Second") && second.contains("value=\"/b\"") && second.contains("ec-2-title"),
                second);
        assertEquals(first.replace("First", "Second").replace("\"/a\"", "\"/b\"").replace("ec-1-", "ec-2-")
                .replace("data-consent-index=\"1\"", "data-consent-index=\"2\""), second);
    }

    @Test
    void anImageOfAProviderGetsTheImageWordingNextToItsPlayers() {
        PlaceholderRenderer renderer = PlaceholderRenderer.defaults();
        String player = renderer.render(embed(1, YOUTUBE, "iframe", null, "/")).before();
        String image = renderer.render(embed(2, YOUTUBE, "img", null, "/")).before();
        String playerAgain = renderer.render(embed(3, YOUTUBE, "iframe", null, "/")).before();
        assertTrue(player.contains("activate the player") && player.contains(">Video</span>"), player);
        assertTrue(image.contains("load the image") && image.contains(">Image</span>"), image);
        assertTrue(playerAgain.contains("activate the player"), playerAgain);
    }

    @Test
    void anotherProviderWithTheSameIdShowsItsOwnTexts() {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder().build();
        Provider original = video("MyVideo", "https://myvideo.example/privacy");
        Provider renamed = video("YourVideo", "https://yourvideo.example/privacy");
        String first = renderer.render(embed(1, original, "iframe", "t", "/")).before();
        String second = renderer.render(embed(1, renamed, "iframe", "t", "/")).before();
        String sameAsFirst = renderer.render(embed(1, video("MyVideo", "https://myvideo.example/privacy"), "iframe",
                "t", "/")).before();
        assertTrue(first.contains(">MyVideo</strong>") && first.contains("https://myvideo.example/privacy"), first);
        assertTrue(second.contains(">YourVideo</strong>") && second.contains("https://yourvideo.example/privacy")
                && !second.contains("MyVideo"), second);
        assertNotEquals(first, second);
        assertEquals(first, sameAsFirst);
    }

    @Test
    void inertMarkupWrapsTheLoader() throws IOException {
        Embed script = new Embed(1, YOUTUBE, "script", "https://www.youtube.com/iframe_api", null, null, null, "en",
                "/");
        PlaceholderMarkup markup = PlaceholderRenderer.defaults().inertMarkup(script);
        StringBuilder out = new StringBuilder();
        markup.appendBefore(out);
        out.append("<script src=x></script>");
        markup.appendAfter(out);
        assertEquals("<template class=\"ec-inert\" data-consent-provider=\"youtube\" data-consent-kind=\"script\">"
                + "<script src=x></script></template>", out.toString());
    }

    @Test
    void markupChecksTheIndexAtOnce() {
        assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.defaults().markup(embed(0, YOUTUBE, "iframe", "t", "/")));
    }
}

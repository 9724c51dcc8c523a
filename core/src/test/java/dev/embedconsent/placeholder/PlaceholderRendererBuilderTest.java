package dev.embedconsent.placeholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.TestAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Options of {@link PlaceholderRenderer.Builder}, the inert and asset markup, and what placeholders may load. */
class PlaceholderRendererBuilderTest {

    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();

    private static Embed embed(String providerId, String element, String language) {
        Provider provider = CATALOGUE.get(providerId).orElseThrow();
        return new Embed(1, provider, element, "https://example.invalid/", "Title", "640", "360", language, "/page");
    }

    private static Element root(Placeholder placeholder) {
        return Jsoup.parseBodyFragment(placeholder.before() + "<iframe></iframe>" + placeholder.after()).body()
                .child(0);
    }

    @Test
    void basePathAppliesToFormsLinksAndAssets() {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder().basePath("/_consent").build();
        Element root = root(renderer.render(embed("vimeo", "iframe", "en")));
        root.select("form").forEach(f -> assertEquals("/_consent/consent", f.attr("action")));
        assertEquals(1, root.select("a[href=/_consent/settings]").size());
        assertEquals("<link rel=\"stylesheet\" href=\"/_consent/embed-consent.css\"><script "
                + "src=\"/_consent/embed-consent.js\" defer></script>", renderer.assets(null));
        assertEquals("/_consent", renderer.basePath());
    }

    @Test
    void assetsCarryTheEscapedNonce() {
        assertEquals("<link rel=\"stylesheet\" href=\"/embed-consent/embed-consent.css\"><script "
                + "src=\"/embed-consent/embed-consent.js\" defer nonce=\"r4nd0m+/=\"></script>",
                PlaceholderRenderer.defaults().assets("r4nd0m+/="));
        assertTrue(PlaceholderRenderer.defaults().assets("\"><script>").contains("nonce=\"&quot;&gt;&lt;script&gt;\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "embed-consent", "/embed-consent/", "/a//b", "/a b", "/a\"b", "/a<b",
        "//evil.example"})
    void rejectsBadBasePaths(String basePath) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.builder().basePath(basePath));
        assertTrue(e.getMessage().startsWith("basePath"), e.getMessage());
    }

    @Test
    void optionsMayBeSetOnlyOnce() {
        assertTrue(assertThrows(IllegalStateException.class, () -> PlaceholderRenderer.builder().basePath("/a")
                .basePath("/b")).getMessage().contains("\"basePath\""));
        assertTrue(assertThrows(IllegalStateException.class, () -> PlaceholderRenderer.builder()
                .defaultLanguage("de").defaultLanguage("en")).getMessage().contains("\"defaultLanguage\""));
        assertTrue(assertThrows(IllegalStateException.class, () -> PlaceholderRenderer.builder()
                .messages("de", Map.of()).messages("de", Map.of())).getMessage().contains("messages(de)"));
        assertTrue(assertThrows(IllegalStateException.class, () -> PlaceholderRenderer.builder().template("{{original}}")
                .template("{{original}}")).getMessage().contains("\"template\""));
    }

    @Test
    void messagesCanBeOverriddenAndAreEscaped() {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder()
                .messages("de", Map.of("button.once", "Nur <b>dieses</b> Mal", "button.always", "{provider} erlauben"))
                .build();
        Element root = root(renderer.render(embed("youtube", "iframe", "de")));
        assertEquals("Nur <b>dieses</b> Mal", root.select("button").get(0).text());
        assertEquals("YouTube erlauben", root.select("button").get(1).text());
        assertEquals(0, root.select("b").size());
        assertEquals("Load once", root(PlaceholderRenderer.defaults().render(embed("youtube", "iframe", "en")))
                .select("button").get(0).text(), "other renderers unaffected");
    }

    @Test
    void unknownMessageKeysAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.builder().messages("de", Map.of("button.onse", "x")).build());
        assertTrue(e.getMessage().contains("button.onse"), e.getMessage());
    }

    @Test
    void withdrawTextMustKeepTheSettingsSlot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.builder().messages("en", Map.of("withdraw", "Withdraw any time.")).build());
        assertTrue(e.getMessage().contains("{settings}"), e.getMessage());
    }

    @Test
    void anotherLanguageNeedsEveryKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.builder().messages("cs", Map.of("button.once", "Načíst jednou")).build());
        assertTrue(e.getMessage().contains("missing keys"), e.getMessage());

        Map<String, String> czech = new HashMap<>(PlaceholderMessages.bundled("en"));
        czech.put("button.once", "Načíst jednou");
        PlaceholderRenderer renderer = PlaceholderRenderer.builder().messages("cs", czech).defaultLanguage("cs")
                .build();
        assertTrue(renderer.languages().contains("cs"));
        Element root = root(renderer.render(embed("youtube", "iframe", "cs")));
        assertEquals("cs", root.attr("lang"));
        assertEquals("Načíst jednou", root.selectFirst("button").text());
        assertEquals("cs", renderer.language("xx"), "unknown languages use the default");
    }

    @Test
    void defaultLanguageMustHaveTexts() {
        assertThrows(IllegalArgumentException.class, () -> PlaceholderRenderer.builder().defaultLanguage("cs").build());
        assertThrows(IllegalArgumentException.class, () -> PlaceholderRenderer.builder().defaultLanguage("German"));
    }

    @Test
    void templateCanBeReplaced() {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder()
                .template("<section data-consent-provider=\"{{provider}}\"><h3>{{providerName}}: {{embedTitle}}</h3>"
                        + "<p>{{notice}}</p><form method=\"post\" action=\"{{consentUrl}}\"><button>{{loadOnce}}"
                        + "</button></form><template>{{original}}</template></section>")
                .build();
        Placeholder placeholder = renderer.render(new Embed(1, CATALOGUE.get("spotify").orElseThrow(), "iframe",
                "https://open.spotify.com/embed/track/1", "<Song>", null, null, "en", "/"));
        assertEquals("<section data-consent-provider=\"spotify\"><h3>Spotify: &lt;Song&gt;</h3><p>Please note that "
                + "data will get transmitted to Spotify (Spotify AB) as soon as you activate the player.</p><form "
                + "method=\"post\" action=\"/embed-consent/consent\"><button>Load once</button></form><template>",
                placeholder.before());
        assertEquals("</template></section>", placeholder.after());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<div></div>|exactly once",
        "{{original}}{{original}}|exactly once",
        "{{original}}{{nope}}|unknown slot {{nope}}",
        "{{original}}{{title|not closed",
    })
    void badTemplatesAreRejected(String template, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaceholderRenderer.builder().template(template).build());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void defaultTemplateIsTheBundledOne() {
        String template = PlaceholderRenderer.defaultTemplate();
        assertTrue(template.startsWith("<div class=\"ec-placeholder\" data-consent-provider=\"{{provider}}\""));
        assertTrue(template.endsWith("<template class=\"ec-original\">{{original}}</template></div>"));
    }

    @Test
    void inertWrapperForLoaders() {
        Placeholder script = PlaceholderRenderer.defaults().renderInert(embed("x", "script", "en"));
        assertEquals("<template class=\"ec-inert\" data-consent-provider=\"x\" data-consent-kind=\"script\">",
                script.before());
        assertEquals("</template>", script.after());
        Placeholder link = PlaceholderRenderer.defaults().renderInert(embed("youtube", "link", "en"));
        assertTrue(link.before().contains("data-consent-kind=\"link\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "youtube|iframe|as soon as you activate the player.|YouTube (Google Ireland Limited)",
        "spotify|iframe|as soon as you activate the player.|Spotify (Spotify AB)",
        "google-maps|iframe|as soon as you activate the map.|Google Maps (Google Ireland Limited)",
        "openstreetmap|iframe|as soon as you activate the map.|OpenStreetMap (OpenStreetMap Foundation)",
        "instagram|blockquote|as soon as you load the post.|Instagram (Meta Platforms Ireland Limited)",
        "x|blockquote|as soon as you load the post.|X (Twitter International Unlimited Company)",
        "youtube|img|as soon as you load the image.|YouTube (Google Ireland Limited)",
    })
    void noticeWordingFitsTheKindOfEmbed(String provider, String element, String ending, String who) {
        String notice = root(PlaceholderRenderer.defaults().render(embed(provider, element, "en")))
                .selectFirst(".ec-notice").text();
        assertTrue(notice.endsWith(ending), notice);
        assertTrue(notice.contains(who), notice);
    }

    @Test
    void indexMustBePositive() {
        Embed zero = new Embed(0, CATALOGUE.get("youtube").orElseThrow(), "iframe", "https://www.youtube.com/embed/x",
                null, null, null, "en", "/");
        assertThrows(IllegalArgumentException.class, () -> PlaceholderRenderer.defaults().render(zero));
    }

    @Test
    void longTitlesAreShortened() {
        Embed embed = new Embed(1, CATALOGUE.get("youtube").orElseThrow(), "iframe",
                "https://www.youtube.com/embed/x", "x".repeat(1000), null, null, "en", "/");
        String title = root(PlaceholderRenderer.defaults().render(embed)).selectFirst(".ec-embed-title").text();
        assertEquals(201, title.length());
        assertTrue(title.endsWith("…"));
    }

    /**
     * Outside the inert template, a placeholder for any provider, in any language, holds no element that loads
     * anything and no URL on a provider's host except the privacy-policy link (a link, not a load).
     */
    @Test
    void nothingInThePlaceholderLoadsFromAProvider() {
        List<String> loaders = List.of("img", "iframe", "script", "link", "object", "embed", "video", "audio",
                "source", "image", "use", "style", "frame", "picture", "track", "input[type=image]");
        for (Provider provider : CATALOGUE.all()) {
            for (String language : PlaceholderRenderer.defaults().languages()) {
                Embed embed = new Embed(1, provider, "iframe", "https://" + provider.hosts().get(0).replace("*.", "")
                        + "/embed", "Title", "560", "315", language, "/page");
                Element root = root(PlaceholderRenderer.defaults().render(embed));
                root.selectFirst("template").remove();
                for (String loader : loaders) {
                    assertTrue(root.select(loader).isEmpty(), provider.id() + " " + language + " has " + loader);
                }
                for (Element element : root.getAllElements()) {
                    assertFalse(element.hasAttr("style"), "no inline style");
                    for (Attribute attribute : element.attributes()) {
                        assertFalse(attribute.getKey().startsWith("on"), "no inline handler");
                        if (element.hasClass("ec-privacy") && attribute.getKey().equals("href")) {
                            continue;
                        }
                        String value = attribute.getValue();
                        TestAttributes probe = TestAttributes.of("src", value);
                        assertNull(CATALOGUE.match("iframe", probe), provider.id() + ": " + attribute);
                        assertNull(CATALOGUE.match("img", TestAttributes.of("srcset", value)), provider.id());
                    }
                }
            }
        }
    }
}

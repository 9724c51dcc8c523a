package dev.embedconsent.placeholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreviewPlaceholderTest {
    private static final Provider YOUTUBE = ProviderCatalogue.builtIn().get("youtube").orElseThrow();
    private static final Provider GOOGLE_MAPS = ProviderCatalogue.builtIn().get("google-maps").orElseThrow();
    private static final String URL = "https://www.youtube.com/embed/kU1_gDqGmQk";
    private static final String TITLE = "Ukrainian representatives visit the ECMI in Flensburg";

    private static Element render(PreviewSource source, Provider provider, String title, String language) {
        PlaceholderRenderer renderer = PlaceholderRenderer.builder().previews(source).build();
        Placeholder p = renderer.render(new Embed(3, provider, "iframe", URL, title, "560", "315", language, "/news"));
        return Jsoup.parseBodyFragment(p.before() + "<iframe src=\"" + URL + "\"></iframe>" + p.after())
                .body().child(0);
    }

    @Test
    void theStillIsAnImageOnTheSitesOriginUnderTheTexts() {
        Element root = render((provider, url) -> new Preview("/embed-consent/preview/youtube/0/kU1_gDqGmQk/sig", null),
                YOUTUBE, TITLE, "en");
        Element img = root.selectFirst("> img.ec-preview");
        assertNotNull(img, root.outerHtml());
        assertEquals("/embed-consent/preview/youtube/0/kU1_gDqGmQk/sig", img.attr("src"));
        assertEquals("Preview image: " + TITLE, img.attr("alt"));
        assertEquals("lazy", img.attr("loading"));
        assertEquals("true", root.selectFirst("> span.ec-play").attr("aria-hidden"));
        assertEquals(img.elementSiblingIndex() + 2, root.selectFirst("> .ec-body").elementSiblingIndex(),
                "the still and the play symbol come before the texts");
        assertEquals("0 0 560 315", root.selectFirst("> svg.ec-sizer").attr("viewBox"), "the original's ratio");
        assertEquals(1, root.select("img").size(), "nothing else loads");
    }

    @Test
    void theAltTextIsInThePlaceholdersLanguage() {
        Element root = render((provider, url) -> new Preview("/p/x", null), YOUTUBE, TITLE, "de");
        assertEquals("Vorschaubild: " + TITLE, root.selectFirst("img.ec-preview").attr("alt"));
    }

    @Test
    void theProvidersTitleStandsInWhenThePageGivesNone() {
        Element root = render((provider, url) -> new Preview("/p/x", "Talk <b>& \"slides\"</b>"), YOUTUBE, null,
                "en");
        assertEquals("Talk <b>& \"slides\"</b>", root.selectFirst(".ec-embed-title").text(), "escaped, as text");
        assertEquals("Preview image: Talk <b>& \"slides\"</b>", root.selectFirst("img.ec-preview").attr("alt"));
        Element own = render((provider, url) -> new Preview("/p/x", "Provider's title"), YOUTUBE, TITLE, "en");
        assertEquals(TITLE, own.selectFirst(".ec-embed-title").text(), "the page's own title wins");
    }

    @Test
    void withoutAStillThePlaceholderIsAsBefore() {
        Element none = render((provider, url) -> null, YOUTUBE, TITLE, "en");
        assertNull(none.selectFirst("img"));
        assertNull(none.selectFirst(".ec-play"));
        Element failing = render((provider, url) -> {
            throw new IllegalStateException("cache broken");
        }, YOUTUBE, TITLE, "en");
        assertNull(failing.selectFirst("img"), "a failing source costs the still, not the page");
        assertEquals(none.outerHtml(), failing.outerHtml());
        assertEquals(PlaceholderRenderer.defaults().render(new Embed(3, YOUTUBE, "iframe", URL, TITLE, "560", "315",
                "en", "/news")).before(), PlaceholderRenderer.builder().previews((p, u) -> null).build()
                .render(new Embed(3, YOUTUBE, "iframe", URL, TITLE, "560", "315", "en", "/news")).before());
    }

    @Test
    void providersWithoutPreviewRulesAreNotAsked() {
        AtomicInteger asked = new AtomicInteger();
        render((provider, url) -> {
            asked.incrementAndGet();
            return new Preview("/p/x", null);
        }, GOOGLE_MAPS, "Map", "en");
        assertEquals(0, asked.get());
    }

    @Test
    void theSourceIsEscaped() {
        Element root = render((provider, url) -> new Preview("/p/x\"onerror=\"alert(1)", null), YOUTUBE, TITLE, "en");
        Element img = root.selectFirst("img.ec-preview");
        assertEquals("/p/x\"onerror=\"alert(1)", img.attr("src"));
        assertTrue(!img.hasAttr("onerror"), img.outerHtml());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://i.ytimg.com/vi/x/hqdefault.jpg", "//i.ytimg.com/vi/x/hqdefault.jpg",
            "javascript:alert(1)", "data:image/png;base64,AAAA", "", "\\\\evil.example/x", "/\\evil.example/x",
            "\\/evil.example/x", " //evil.example/x", "/p/x\ny.jpg"})
    void aStillFromAnotherOriginCannotBeGiven(String src) {
        assertThrows(IllegalArgumentException.class, () -> new Preview(src, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/embed-consent/preview/a/0/b/c", "previews/youtube-0011.jpg", "../static/p.jpg",
            "p.jpg?v=1:2"})
    void pathsOnTheSiteAreFine(String src) {
        assertEquals(src, new Preview(src, null).src());
    }
}

package dev.embedconsent.placeholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlaceholderRendererTest {

    private static final PlaceholderRenderer RENDERER = PlaceholderRenderer.defaults();
    private static final Provider YOUTUBE = ProviderCatalogue.builtIn().get("youtube").orElseThrow();
    private static final String ORIGINAL =
            "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/abc\"></iframe>";
    private static final String TITLE = "Ukrainian representatives visit the ECMI in Flensburg";

    private static Embed embed(int index, String language, String title, String returnPath) {
        return new Embed(index, YOUTUBE, "iframe", "https://www.youtube.com/embed/abc", title, "560", "315", language,
                returnPath);
    }

    private static String html(Placeholder placeholder) {
        return placeholder.before() + ORIGINAL + placeholder.after();
    }

    private static Element parse(Placeholder placeholder) {
        Document document = Jsoup.parseBodyFragment(html(placeholder));
        Elements roots = document.body().children();
        assertEquals(1, roots.size(), "one root element");
        return roots.first();
    }

    @Test
    void anUnknownHostIsNamedAsTheRecipientWithoutFurtherDetails() {
        Provider host = Provider.forUnknownHost("videos.example.org");
        Element root = parse(RENDERER.render(new Embed(1, host, "iframe", "https://videos.example.org/w/1", null,
                "560", "315", "en", "/")));
        assertEquals("host:videos.example.org", root.attr("data-consent-provider"));
        String text = root.text();
        assertTrue(text.contains("data will get transmitted to videos.example.org as soon as you load the content"),
                text);
        assertTrue(text.contains("This site has no further details about this service."), text);
        Element link = root.selectFirst("a[href=https://videos.example.org/]");
        assertNotNull(link, root.outerHtml());
        assertEquals("Website of videos.example.org", link.text());
        Element german = parse(RENDERER.render(new Embed(2, host, "iframe", "https://videos.example.org/w/1", null,
                null, null, "de", "/")));
        assertTrue(german.text().contains("Diese Website hat keine weiteren Angaben"), german.text());
    }

    @Test
    void rendersTheAgreedStructure() {
        Element root = parse(RENDERER.render(embed(3, "en", TITLE, "/news/visit?x=1")));
        assertEquals("div", root.tagName());
        assertTrue(root.hasClass("ec-placeholder"));
        assertEquals("youtube", root.attr("data-consent-provider"));
        assertEquals("3", root.attr("data-consent-index"));
        assertEquals("group", root.attr("role"));
        assertEquals("ec-3-title", root.attr("aria-labelledby"));
        assertEquals("en", root.attr("lang"));

        Element sizer = root.selectFirst("> svg.ec-sizer");
        assertNotNull(sizer);
        assertEquals("true", sizer.attr("aria-hidden"));
        assertEquals("0 0 560 315", sizer.attr("viewbox").isEmpty() ? sizer.attr("viewBox") : sizer.attr("viewbox"));

        assertEquals("YouTube", root.selectFirst("#ec-3-title .ec-provider").text());
        assertEquals(TITLE, root.selectFirst("#ec-3-title .ec-embed-title").text());
        assertEquals("Please note that data will get transmitted to YouTube (Google Ireland Limited) as soon as you "
                + "activate the player.", root.selectFirst("p.ec-notice#ec-3-notice").text());
        String details = root.selectFirst("p.ec-details#ec-3-details").text();
        assertTrue(details.startsWith("Purposes: showing the embedded content, usage statistics"), details);
        assertTrue(details.contains("Data transmitted: IP address"), details);
        assertTrue(details.endsWith("Data may be transferred to countries outside the EU/EEA."), details);

        Elements forms = root.select(".ec-actions > form.ec-form");
        assertEquals(2, forms.size());
        List<String> scopes = List.of("once", "provider");
        List<String> labels = List.of("Load once", "Always allow YouTube");
        for (int i = 0; i < 2; i++) {
            Element form = forms.get(i);
            assertEquals("post", form.attr("method"));
            assertEquals("/embed-consent/consent", form.attr("action"));
            assertEquals("youtube", form.selectFirst("input[name=provider]").val());
            assertEquals(scopes.get(i), form.selectFirst("input[name=scope]").val());
            assertEquals("grant", form.selectFirst("input[name=decision]").val());
            assertEquals("/news/visit?x=1", form.selectFirst("input[name=return]").val());
            assertEquals(4, form.select("input[type=hidden]").size());
            assertEquals(0, form.select("[checked], [selected], [autofocus]").size(), "nothing pre-selected");
            Element button = form.selectFirst("button");
            assertEquals("submit", button.attr("type"));
            assertEquals("ec-button", button.className(), "equal weight: same class");
            assertEquals(labels.get(i), button.text());
            assertEquals("ec-3-notice ec-3-details", button.attr("aria-describedby"));
        }

        Element privacy = root.selectFirst("p.ec-links a.ec-privacy");
        assertEquals("https://policies.google.com/privacy", privacy.attr("href"));
        assertEquals("noopener noreferrer", privacy.attr("rel"));
        assertEquals("Privacy policy of YouTube", privacy.text());
        Element settings = root.selectFirst("p.ec-links a[href=/embed-consent/settings]");
        assertEquals("consent settings", settings.text());
        assertTrue(root.selectFirst("p.ec-links").text().contains("You can withdraw your consent at any time"));

        Element template = root.selectFirst("> template.ec-original");
        assertNotNull(template);
        assertTrue(html(RENDERER.render(embed(3, "en", TITLE, "/"))).contains("<template class=\"ec-original\">"
                + ORIGINAL + "</template></div>"), "original verbatim inside the template");
    }

    @Test
    void ariaReferencesPointAtExistingIds() {
        Element root = parse(RENDERER.render(embed(7, "de", TITLE, "/")));
        Set<String> ids = new HashSet<>();
        root.select("[id]").forEach(e -> ids.add(e.id()));
        for (Element e : root.select("[aria-describedby], [aria-labelledby]")) {
            for (String attribute : List.of("aria-describedby", "aria-labelledby")) {
                for (String id : e.attr(attribute).split(" ")) {
                    if (!id.isEmpty()) {
                        assertTrue(ids.contains(id), attribute + " -> " + id);
                    }
                }
            }
        }
    }

    @Test
    void idsAreUniquePerIndex() {
        String page = html(RENDERER.render(embed(1, "en", TITLE, "/"))) + html(RENDERER.render(embed(2, "en", TITLE,
                "/")));
        Document document = Jsoup.parseBodyFragment(page);
        Set<String> ids = new HashSet<>();
        for (Element e : document.select("[id]")) {
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
        }
        assertEquals(6, ids.size());
    }

    @Test
    void escapesEveryCopiedValue() {
        String evil = "\"><script>alert(1)</script><img src=x onerror=alert(2)>'&";
        Placeholder placeholder = RENDERER.render(new Embed(1, YOUTUBE, "iframe", "https://www.youtube.com/embed/a",
                evil, "560\"><script>", "315 onload=x", "en", "/a\"><script>alert(3)</script>"));
        Element root = parse(placeholder);
        assertEquals(0, root.select("script, img").size(), "no injected elements");
        assertEquals(evil, root.selectFirst(".ec-embed-title").text());
        assertEquals("/a\"><script>alert(3)</script>", root.selectFirst("input[name=return]").val());
        Element sizer = root.selectFirst("svg.ec-sizer");
        assertFalse(sizer.hasAttr("width"), "a non-numeric width is dropped");
        assertFalse(sizer.hasAttr("onload"));
        assertFalse(placeholder.before().contains("<script"));
    }

    @Test
    void escapesProviderValuesToo() {
        // Built directly: validation would reject the quote in the URL, but the renderer must not rely on it.
        Provider odd = new Provider("odd", "Odd <b>\"Co\"</b>", "A & B <Ltd>",
                "https://odd.example/privacy?a=1&b=\"2\"", List.of("<i>tracking</i>"), List.of("ip-address"), false,
                "1", List.of("odd.example"), List.of(new MatchRule.Url(Set.of("iframe"), List.of("odd.example"), null,
                        List.of())));
        Element root = parse(RENDERER.render(new Embed(1, odd, "iframe", "https://odd.example/", null, null, null,
                "en", "/")));
        assertEquals(0, root.select("b, i").size());
        assertEquals("Odd <b>\"Co\"</b>", root.selectFirst(".ec-provider").text());
        assertTrue(root.selectFirst(".ec-notice").text().contains("(A & B <Ltd>)"));
        assertEquals("https://odd.example/privacy?a=1&b=\"2\"", root.selectFirst("a.ec-privacy").attr("href"));
        assertTrue(root.selectFirst(".ec-details").text().contains("Purposes: <i>tracking</i>."));
        assertTrue(root.selectFirst(".ec-details").text().endsWith("the data stays within the EU/EEA."));
        assertEquals("Embedded content", root.selectFirst(".ec-embed-title").text(), "no title: the kind");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "/news/visit|/news/visit",
        "/|/",
        "//evil.example/|/",
        "/\\evil.example/|/",
        "https://evil.example/|/",
        "javascript:alert(1)|/",
        "relative/path|/",
        "''|/",
        "null|/",
        "/a?b=c#d|/a?b=c#d",
    })
    void sanitisesTheReturnPath(String path, String expected) {
        assertEquals(expected, PlaceholderRenderer.safeReturnPath(path));
        Element root = parse(RENDERER.render(embed(1, "en", TITLE, path == null ? "" : path)));
        assertEquals(path == null ? "/" : expected, root.selectFirst("input[name=return]").val());
    }

    @Test
    void returnPathWithControlCharactersIsReplaced() {
        assertEquals("/", PlaceholderRenderer.safeReturnPath("/\t/evil.example"));
        assertEquals("/", PlaceholderRenderer.safeReturnPath("/x\r\nSet-Cookie: a=b"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", ignoreLeadingAndTrailingWhitespace = false, value = {
        "560|315| width=\"560\" height=\"315\" viewBox=\"0 0 560 315\"",
        "640px|360px| width=\"640\" height=\"360\" viewBox=\"0 0 640 360\"",
        "100%|450| width=\"100%\" height=\"450\" viewBox=\"0 0 16 9\"",
        "null|null| viewBox=\"0 0 16 9\"",
        "560|null| width=\"560\" viewBox=\"0 0 16 9\"",
        "abc|315| height=\"315\" viewBox=\"0 0 16 9\"",
        "0|0| viewBox=\"0 0 16 9\"",
        "500%|300| height=\"300\" viewBox=\"0 0 16 9\"",
        "560.7| 315 | width=\"560\" height=\"315\" viewBox=\"0 0 560 315\"",
        "-560|315| height=\"315\" viewBox=\"0 0 16 9\"",
    })
    void sizerKeepsOnlySaneNumbers(String width, String height, String expected) {
        assertEquals(expected, PlaceholderRenderer.sizer(width, height));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "en|Load once|Always allow YouTube|as soon as you activate the player",
        "de|Einmal laden|YouTube immer erlauben|sobald Sie den Player aktivieren",
        "uk|Завантажити один раз|Завжди дозволяти YouTube|щойно ви увімкнете програвач",
        "fr|Charger une fois|Toujours autoriser YouTube|dès que vous activerez le lecteur",
        "es|Cargar una vez|Permitir siempre YouTube|en cuanto active el reproductor",
        "it|Carica una volta|Consenti sempre YouTube|non appena attivi il lettore",
        "pl|Załaduj jednorazowo|Zawsze zezwalaj na YouTube|po uruchomieniu odtwarzacza",
        "nl|Eén keer laden|YouTube altijd toestaan|zodra u de speler activeert",
    })
    void rendersEveryLanguage(String language, String once, String always, String notice) {
        Element root = parse(RENDERER.render(embed(1, language, TITLE, "/")));
        assertEquals(language, root.attr("lang"));
        Elements buttons = root.select("button");
        assertEquals(once, buttons.get(0).text());
        assertEquals(always, buttons.get(1).text());
        String text = root.selectFirst(".ec-notice").text();
        assertTrue(text.contains(notice), text);
        assertTrue(text.contains("YouTube (Google Ireland Limited)"), text);
        assertFalse(root.text().contains("{"), "no unfilled placeholders: " + root.text());
        Element settings = root.selectFirst("a[href=/embed-consent/settings]");
        assertFalse(settings.text().isBlank());
    }

    @Test
    void everyLanguageTranslatesEveryKey() {
        Map<String, String> english = PlaceholderMessages.bundled("en");
        for (String language : PlaceholderMessages.BUNDLED) {
            Map<String, String> texts = PlaceholderMessages.bundled(language);
            assertEquals(english.keySet(), texts.keySet(), language);
            if (!language.equals("en")) {
                long same = texts.entrySet().stream().filter(e -> e.getValue().equals(english.get(e.getKey())))
                        .count();
                assertTrue(same <= 6, language + " copies " + same + " English texts");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xx", "pt", "", "zz-ZZ"})
    void unknownLanguageFallsBackToTheDefault(String language) {
        assertEquals("en", parse(RENDERER.render(embed(1, language, TITLE, "/"))).attr("lang"));
        PlaceholderRenderer german = PlaceholderRenderer.builder().defaultLanguage("de").build();
        assertEquals("de", parse(german.render(embed(1, language, TITLE, "/"))).attr("lang"));
    }

    @Test
    void regionalTagsUseTheirPrimaryLanguage() {
        assertEquals("de", RENDERER.language("de-AT"));
        assertEquals("pl", RENDERER.language("PL_pl"));
        assertEquals("en", RENDERER.language(null));
    }
}

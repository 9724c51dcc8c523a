package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.embedconsent.consent.ConsentRequest;
import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmbedConsent} on the filter's runtime, with requests whose cookies and attributes the tests set. */
class EmbedConsentTest {
    static final String YOUTUBE = "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\""
            + " title=\"Delegation visit\"></iframe>";

    @TempDir
    static Path data;
    private static ConsentRuntime runtime;
    private static ConsentRuntime otherKeys;

    private final ServletContext context = mock(ServletContext.class);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final Map<String, Object> attributes = new HashMap<>();

    @BeforeAll
    static void start() {
        ServletContext context = mock(ServletContext.class);
        when(context.getContextPath()).thenReturn("/shop");
        runtime = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data.resolve("a"))
                .hmacKeys(CookieKey.generate("k1").toConfig()).previews(false).cspNonceAttribute("nonce")
                .buildConfig(), context);
        otherKeys = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data.resolve("b"))
                .hmacKeys(CookieKey.generate("k2").toConfig()).previews(false).buildConfig(), context);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        otherKeys.close();
    }

    EmbedConsentTest() {
        when(request.getServletContext()).thenReturn(context);
        when(context.getContextPath()).thenReturn("/shop");
        when(request.getRequestURI()).thenReturn("/shop/api/post/7");
        when(request.getServerName()).thenReturn("www.example.org");
        when(request.getAttribute(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(call -> attributes.get(call.<String>getArgument(0)));
        org.mockito.Mockito.doAnswer(call -> attributes.put(call.getArgument(0), call.getArgument(1)))
                .when(request).setAttribute(org.mockito.ArgumentMatchers.anyString(),
                        org.mockito.ArgumentMatchers.any());
    }

    /** A visitor who clicked "Always allow" for these providers, with the cookie the endpoint would set. */
    private static Cookie consentCookie(ConsentRuntime on, String... providers) {
        SubjectId subject = SubjectId.random();
        for (String provider : providers) {
            on.consent().grant(ConsentRequest.of(subject, provider).withScope(Scope.PROVIDER));
        }
        return new Cookie("ec_consent", on.codec().encode(on.consent().cookieFor(subject)));
    }

    private EmbedConsent consent(Cookie... cookies) {
        when(request.getCookies()).thenReturn(cookies.length == 0 ? null : cookies);
        EmbedConsent.attach(request, runtime);
        return EmbedConsent.from(request);
    }

    /** The fragment as a browser parses it inside a body. */
    private static Document body(String fragment) {
        return Jsoup.parseBodyFragment(fragment);
    }

    /**
     * What a browser would load or run: the fragment without the contents of {@code <template>} elements, which
     * browsers keep inert (jsoup parses them as ordinary children).
     */
    private static Document live(String fragment) {
        Document doc = body(fragment);
        doc.select("template").forEach(t -> t.empty());
        return doc;
    }

    @Test
    void withoutAFilterTheErrorSaysHowToRegisterIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbedConsent.from(request));
        assertTrue(e.getMessage().contains("no EmbedConsentFilter is running"), e.getMessage());
        assertTrue(e.getMessage().contains("Adding the filter to a web app"), e.getMessage());
        assertTrue(e.getMessage().contains("'/shop'"), e.getMessage());
    }

    @Test
    void aRequestTheFilterDidNotSeeUsesTheFilterStartedInItsWebApplication() {
        when(context.getAttribute(EmbedConsent.RUNTIME_ATTRIBUTE)).thenReturn(runtime);
        Cookie cookie = consentCookie(runtime, "vimeo");
        when(request.getCookies()).thenReturn(new Cookie[] {cookie});
        assertTrue(EmbedConsent.from(request).granted("vimeo"));
    }

    @Test
    void theFilterThatSawTheRequestWinsOverTheOneInTheContext() {
        when(context.getAttribute(EmbedConsent.RUNTIME_ATTRIBUTE)).thenReturn(otherKeys);
        EmbedConsent consent = consent(consentCookie(runtime, "vimeo"));
        assertTrue(consent.granted("vimeo"), "verified with the keys of the filter that saw the request");
    }

    @Test
    void aStoppedFilterIsNoLongerReachable() {
        Map<String, Object> contextAttributes = new HashMap<>();
        when(context.getAttribute(EmbedConsent.RUNTIME_ATTRIBUTE))
                .thenAnswer(call -> contextAttributes.get(EmbedConsent.RUNTIME_ATTRIBUTE));
        org.mockito.Mockito.doAnswer(call -> contextAttributes.put(call.getArgument(0), call.getArgument(1)))
                .when(context).setAttribute(org.mockito.ArgumentMatchers.anyString(),
                        org.mockito.ArgumentMatchers.any());
        org.mockito.Mockito.doAnswer(call -> contextAttributes.remove(call.<String>getArgument(0)))
                .when(context).removeAttribute(org.mockito.ArgumentMatchers.anyString());
        EmbedConsent.publish(context, runtime);
        EmbedConsent.publish(context, otherKeys);
        EmbedConsent.unpublish(context, runtime);
        assertSame(otherKeys, contextAttributes.get(EmbedConsent.RUNTIME_ATTRIBUTE), "the later filter stays");
        EmbedConsent.unpublish(context, otherKeys);
        assertThrows(IllegalStateException.class, () -> EmbedConsent.from(request));
    }

    @Test
    void noCookieIsNoConsent() {
        EmbedConsent consent = consent();
        assertFalse(consent.granted("youtube"));
        assertFalse(consent.granted("host:videos.example.org"));
        assertEquals(Set.of(), consent.grantedProviders());
    }

    @Test
    void theSignedCookieGrantsItsProviders() {
        EmbedConsent consent = consent(consentCookie(runtime, "youtube", "host:videos.example.org"));
        assertTrue(consent.granted("youtube"));
        assertTrue(consent.granted("host:videos.example.org"));
        assertFalse(consent.granted("vimeo"));
        assertEquals(Set.of("host:videos.example.org", "youtube"), consent.grantedProviders());
        assertThrows(UnsupportedOperationException.class, () -> consent.grantedProviders().add("vimeo"));
    }

    @Test
    void aForgedOrForeignCookieIsNoConsent() {
        String value = consentCookie(runtime, "youtube").getValue();
        char last = value.charAt(value.length() - 1);
        String forged = value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertFalse(consent(new Cookie("ec_consent", forged)).granted("youtube"));
        attributes.clear();
        assertFalse(consent(consentCookie(otherKeys, "youtube")).granted("youtube"), "signed with another key");
        attributes.clear();
        assertFalse(consent(new Cookie("ec_consent", "%%%not-a-cookie")).granted("youtube"));
    }

    @Test
    void aWithdrawalInTheStoreCountsAlthoughTheCookieStillNamesTheProvider() {
        SubjectId subject = SubjectId.random();
        runtime.consent().grant(ConsentRequest.of(subject, "vimeo").withScope(Scope.PROVIDER));
        Cookie stale = new Cookie("ec_consent", runtime.codec().encode(runtime.consent().cookieFor(subject)));
        runtime.consent().withdraw(ConsentRequest.of(subject, "vimeo").withScope(Scope.PROVIDER));
        assertFalse(consent(stale).granted("vimeo"));
    }

    @Test
    void unknownIdsAreAnError() {
        EmbedConsent consent = consent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> consent.granted("yotube"));
        assertTrue(e.getMessage().contains("'yotube'") && e.getMessage().contains("host:<host>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> consent.granted("host:www.youtube.com"),
                "a provider's host is that provider, not an unknown host");
        assertThrows(IllegalArgumentException.class, () -> consent.granted("host:Videos.Example.org"));
    }

    @Test
    void oneRequestIsAnsweredOnce() {
        EmbedConsent first = consent(consentCookie(runtime, "youtube"));
        assertSame(first, EmbedConsent.from(request));
    }

    @Test
    void theFragmentGetsThePlaceholderTheFilterWouldWrite() {
        String html = consent().placeholder(YOUTUBE);
        Document doc = body(html);
        Element placeholder = doc.selectFirst("div.ec-placeholder[data-consent-provider=youtube]");
        assertTrue(placeholder != null, html);
        assertTrue(live(html).select("iframe").isEmpty(), "no live iframe: " + html);
        Element template = placeholder.selectFirst("template.ec-original");
        assertEquals(YOUTUBE, template.html(), "the original, inert");
        assertEquals("en", placeholder.attr("lang"));
        assertEquals("/shop/embed-consent/consent", placeholder.selectFirst("form").attr("action"));
        assertEquals("/shop/api/post/7", placeholder.selectFirst("input[name=return]").val());
        assertTrue(html.startsWith("<link rel=\"stylesheet\" href=\"/shop/embed-consent/embed-consent.css\">"
                + "<script src=\"/shop/embed-consent/embed-consent.js\" defer></script>"), html);
        assertTrue(html.contains("Delegation visit"), html);
    }

    @Test
    void fragmentsOfOneRequestNumberOnwardsAndApartFromThePage() {
        EmbedConsent consent = consent();
        String vimeo = "<iframe src=\"https://player.vimeo.com/video/76979871\"></iframe>";
        List<Integer> numbers = new ArrayList<>();
        for (String html : List.of(consent.placeholder(YOUTUBE + vimeo), consent.inLanguage("de").placeholder(YOUTUBE),
                consent.forPage("/other").placeholder(vimeo))) {
            for (Element placeholder : body(html).select("div.ec-placeholder")) {
                int n = Integer.parseInt(placeholder.attr("data-consent-index"));
                assertEquals("ec-" + n + "-title", placeholder.attr("aria-labelledby"));
                assertTrue(placeholder.getElementById("ec-" + n + "-title") != null, html);
                numbers.add(n);
            }
        }
        assertEquals(4, numbers.size());
        assertTrue(numbers.get(0) >= 1_000_000, "apart from the page's 1, 2, ...: " + numbers);
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(numbers.get(0) + i, numbers.get(i), "onwards across calls and copies: " + numbers);
        }
    }

    @Test
    void theCspNonceOfTheRequestIsOnTheScript() {
        attributes.put("nonce", "r4nd0m");
        String html = consent().placeholder(YOUTUBE);
        assertEquals("r4nd0m", body(html).selectFirst("script").attr("nonce"), html);
    }

    @Test
    void anAllowedProvidersEmbedStaysAsItIs() {
        EmbedConsent consent = consent(consentCookie(runtime, "youtube"));
        assertEquals(YOUTUBE, consent.placeholder(YOUTUBE));
        String vimeo = "<iframe src=\"https://player.vimeo.com/video/76979871\"></iframe>";
        Document mixed = live(consent.placeholder(YOUTUBE + vimeo));
        assertEquals(1, mixed.select("iframe").size(), "only YouTube is live");
        assertTrue(mixed.selectFirst("iframe").attr("src").startsWith("https://www.youtube.com/"));
        assertEquals("vimeo", mixed.selectFirst(".ec-placeholder").attr("data-consent-provider"));
    }

    @Test
    void aFragmentWithoutEmbedsComesBackUnchanged() {
        String text = "<p>Grüße aus Flensburg – € 😀</p><a href=\"https://www.youtube.com/watch?v=x\">link</a>";
        assertEquals(text, consent().placeholder(text));
        assertEquals("", consent().placeholder(""));
    }

    @Test
    void pageAndLanguageCanBeChosen() {
        EmbedConsent consent = consent();
        Document doc = body(consent.forPage("/news/visit?x=1").inLanguage("de-AT").placeholder(YOUTUBE));
        Element placeholder = doc.selectFirst(".ec-placeholder");
        assertEquals("de", placeholder.attr("lang"));
        assertTrue(placeholder.text().contains("Einmal laden"), placeholder.text());
        assertEquals("/news/visit?x=1", placeholder.selectFirst("input[name=return]").val());
        assertEquals("en", body(consent.inLanguage("tlh").placeholder(YOUTUBE)).selectFirst(".ec-placeholder")
                .attr("lang"), "no texts: the default language");
    }

    @Test
    void hostileInputIsEscaped() {
        EmbedConsent consent = consent();
        String title = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
        String embed = "<iframe src=\"https://www.youtube.com/embed/abc\" title=\"" + title.replace("\"", "&quot;")
                + "\"></iframe>";
        String html = consent.forPage("/p\"><script>alert(3)</script>").placeholder(embed);
        Document doc = live(html);
        assertEquals(1, doc.select("script").size(), "only the activation script: " + html);
        assertTrue(doc.select("img[onerror]").isEmpty(), html);
        assertEquals(title, doc.selectFirst(".ec-embed-title").text());
        assertEquals("/p\"><script>alert(3)</script>", doc.selectFirst("input[name=return]").val(),
                "kept as a value, never as markup");
        for (String offsite : new String[] {"https://evil.example/", "//evil.example/", "javascript:alert(1)"}) {
            String back = body(consent.forPage(offsite).placeholder(embed)).selectFirst("input[name=return]").val();
            assertEquals("/", back, offsite);
        }
    }

    @Test
    void loadersAndUnknownFramesAreNeutralizedAsInAPage() {
        EmbedConsent consent = consent();
        String tweet = "<blockquote class=\"twitter-tweet\"><a href=\"https://twitter.com/x/status/1\">post</a>"
                + "</blockquote><script async src=\"https://platform.twitter.com/widgets.js\"></script>";
        Document doc = live(consent.placeholder(tweet));
        assertEquals(1, doc.select("script").size(), "only the activation script: " + doc.body().html());
        assertTrue(doc.selectFirst("script").attr("src").endsWith("/embed-consent.js"));
        assertEquals("x", doc.selectFirst("template.ec-inert").attr("data-consent-provider"));
        Document frame = body(consent.placeholder("<iframe src=\"https://videos.example.org/w/1\"></iframe>"));
        assertEquals("host:videos.example.org", frame.selectFirst(".ec-placeholder").attr("data-consent-provider"));
        String own = "<iframe src=\"https://www.example.org/widget\"></iframe>";
        assertEquals(own, consent.placeholder(own), "the site's own frames stay");
    }

    @Test
    void everyEmbedOfAFragmentIsNeutralizedWhereverItStands() {
        String nested = "<div><noscript>" + YOUTUBE + "</noscript><p><img src=\"https://i.ytimg.com/vi/x/hq.jpg\">"
                + "</p></div><object data=\"https://www.youtube.com/v/abc\"></object>";
        Document doc = live(consent().placeholder(nested));
        assertTrue(doc.select("iframe, img[src*=ytimg], object").isEmpty(), doc.body().html());
    }
}

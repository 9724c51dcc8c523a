package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.TrustedHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generic blocking: frames from hosts that are neither the site's, nor trusted, nor any provider's become placeholders
 * of the stand-in provider {@code host:<host>}; everything else about the page stays byte for byte.
 */
class UnknownFramesTest {
    private static final String SITE = "www.club.example";

    private static String page(String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body>\n" + body
                + "\n</body></html>";
    }

    private static PageContext site(List<FoundEmbed> found, Set<String> consented) {
        return new PageContext(StandardCharsets.UTF_8, null, consented, "/page", found::add, null, SITE);
    }

    private static String rewrite(EmbedRewriter rewriter, String html, List<FoundEmbed> found) {
        byte[] in = html.getBytes(StandardCharsets.UTF_8);
        byte[] out = Rewrites.rewrite(rewriter, in, site(found, Set.of()), null);
        for (int seed = 1; seed <= 3; seed++) {
            assertArrayEquals(out, Rewrites.rewrite(rewriter, in, site(new ArrayList<>(), Set.of()), new Random(seed)),
                    "the same output whatever the chunking");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static List<String> found(EmbedRewriter rewriter, String body) {
        List<FoundEmbed> found = new ArrayList<>();
        rewrite(rewriter, page(body), found);
        return found.stream().map(f -> f.provider() + ":" + f.element()).toList();
    }

    @Test
    void aFrameFromAnUnknownHostBecomesAPlaceholderNamingTheHost() {
        List<FoundEmbed> found = new ArrayList<>();
        String out = rewrite(EmbedRewriter.withDefaults(), page(
                "<p>Our match</p><iframe src=\"https://videos.example.org/videos/embed/9c9de5e8\" width=\"560\" "
                        + "height=\"315\" title=\"Club video\" allowfullscreen></iframe><p>after</p>"), found);
        assertEquals(List.of("host:videos.example.org"), found.stream().map(FoundEmbed::provider).toList());
        assertEquals("https://videos.example.org/videos/embed/9c9de5e8", found.get(0).url());
        Document doc = Jsoup.parse(out);
        Element root = doc.selectFirst("[data-consent-provider=host:videos.example.org]");
        assertTrue(root != null, out);
        assertTrue(root.text().contains("data will get transmitted to videos.example.org"), root.text());
        assertTrue(doc.select("body > iframe").isEmpty(), "no live frame left: " + out);
        assertTrue(out.contains("<p>Our match</p>") && out.contains("<p>after</p>"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<iframe src=\"https://www.club.example/calendar\"></iframe>",
        "<iframe src=\"//WWW.Club.Example./calendar\"></iframe>",
        "<iframe src=\"/calendar\"></iframe>",
        "<iframe src=\"calendar.html\"></iframe>",
        "<iframe src=\"about:blank\"></iframe>",
        "<iframe></iframe>",
        "<iframe srcdoc=\"<p>Hello</p>\"></iframe>",
        "<iframe src=\"data:text/html,hello\"></iframe>",
        "<iframe src=\"javascript:void(0)\"></iframe>",
        "<iframe src=\"https://www.google.com/recaptcha/api2/anchor?k=abc\"></iframe>",
        "<iframe src=\"https://cdn.partner.example/w/1\"></iframe><iframe src=\"https://a.b.trusted.example/\"></iframe>",
        "<img src=\"https://images.example.org/a.png\" alt=\"\"><script src=\"https://cdn.example.org/app.js\"></script>",
        "<a href=\"https://videos.example.org/w/1\">a link stays a link</a>",
        "<param name=\"quality\" value=\"https://videos.example.org/q\">",
    })
    void sameSiteTrustedProviderAndNonFrameUrlsStayByteForByte(String body) {
        EmbedRewriter rewriter = EmbedRewriter.builder()
                .trustedHosts(TrustedHosts.parse("cdn.partner.example, *.trusted.example")).build();
        String html = page(body);
        assertEquals(html, rewrite(rewriter, html, new ArrayList<>()));
    }

    @Test
    void everyFrameElementAndLazyCopyIsChecked() {
        assertEquals(List.of("host:player.example.net:iframe", "host:lazy.example.net:iframe",
                "host:flash.example.net:object", "host:flash.example.net:embed", "host:old.example.net:frame",
                "host:movie.example.net:param"),
                found(EmbedRewriter.withDefaults(), "<iframe src=\"http://player.example.net/1\"></iframe>"
                        + "<iframe src=\"about:blank\" data-src=\"https://lazy.example.net/2\"></iframe>"
                        + "<object data=\"https://flash.example.net/a.swf\"></object>"
                        + "<embed src=\"https://flash.example.net/b.swf\">"
                        + "<frameset><frame src=\"https://old.example.net/\"></frameset>"
                        + "<object><param name=\"movie\" value=\"https://movie.example.net/m.swf\"></object>"));
    }

    @Test
    void framesAreCheckedEvenWhenNoProviderRuleNamesTheirElement() {
        EmbedRewriter siteOnly = EmbedRewriter.builder().catalogue(ProviderCatalogue.builder().build()).build();
        assertEquals(List.of("host:tracker.example:object", "host:player.example.net:iframe"), found(siteOnly,
                "<object data=\"https://tracker.example/x\"></object><iframe src=\"https://player.example.net/\">"
                        + "</iframe>"));
    }

    @Test
    void urlsResolveAsTheBrowserResolvesThem() {
        assertEquals(List.of("host:cdn.other.example:iframe"), found(EmbedRewriter.withDefaults(),
                "<base href=\"https://cdn.other.example/embeds/\"><iframe src=\"player/1\"></iframe>"));
        assertEquals(List.of("host:xn--bcher-kva.example:iframe", "host:videos.example.org:iframe"),
                found(EmbedRewriter.withDefaults(), "<iframe src=\"https://bücher.example/\"></iframe>"
                        + "<iframe src=\"https://vid&#101;os.example.org\t/w/1\"></iframe>"));
    }

    @Test
    void knownProvidersKeepTheirOwnId() {
        assertEquals(List.of("youtube:iframe", "host:videos.example.org:iframe"), found(EmbedRewriter.withDefaults(),
                "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>"
                        + "<iframe src=\"https://videos.example.org/w/1\"></iframe>"));
    }

    @Test
    void offWhenSwitchedOffAndLiveWhenTheVisitorConsented() {
        String html = page("<iframe src=\"https://videos.example.org/w/1\"></iframe>");
        assertEquals(html, rewrite(EmbedRewriter.builder().blockUnknownFrames(false).build(), html, new ArrayList<>()));
        List<FoundEmbed> found = new ArrayList<>();
        byte[] out = Rewrites.rewrite(EmbedRewriter.withDefaults(), html.getBytes(StandardCharsets.UTF_8),
                site(found, Set.of("host:videos.example.org")), null);
        assertEquals(html, new String(out, StandardCharsets.UTF_8));
        assertEquals(1, found.size());
        assertFalse(found.get(0).neutralized());
    }

    @Test
    void withoutASiteHostOnlyTrustedHostsPass() {
        String html = page("<iframe src=\"https://www.club.example/calendar\"></iframe>");
        List<FoundEmbed> found = new ArrayList<>();
        Rewrites.rewrite(EmbedRewriter.withDefaults(), html.getBytes(StandardCharsets.UTF_8),
                new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", found::add, null), null);
        assertEquals(List.of("host:www.club.example"), found.stream().map(FoundEmbed::provider).toList());
    }
}

package dev.embedconsent.html;

import static dev.embedconsent.html.Rewrites.rewrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour of the streaming rewriter on small documents: what is neutralized, what is left alone, and how. */
class EmbedRewriterTest {
    static final String YT = "https://www.youtube.com/embed/dQw4w9WgXcQ";
    static final String IFRAME = "<iframe src=\"" + YT + "\" title=\"Delegation visit\" width=\"560\" height=\"315\">"
            + "</iframe>";
    static final String THUMB = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg";

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static boolean loadsFromYouTube(String html) {
        return Loads.from(html, "youtube.com") || Loads.from(html, "youtube-nocookie.com")
                || Loads.from(html, "ytimg.com");
    }

    private static String utf8Page(String body) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>" + body
                + "</body></html>";
    }

    @Test
    void pageWithoutEmbedsIsByteIdentical() {
        String page = utf8Page("<p class=x>Hello &amp; <a href=\"" + YT + "\">a link</a></p><img src=/local.png>"
                + "<svg><style>.a{}</style></svg><textarea><iframe src=\"" + YT + "\"></textarea>");
        assertEquals(page, rewrite(page));
    }

    @Test
    void iframeBecomesPlaceholderWithTheOriginalInsideItsTemplate() {
        String page = utf8Page("<p>before</p>" + IFRAME + "<p>after</p>");
        String out = rewrite(page);
        assertTrue(Loads.from(page, "youtube.com"));
        assertFalse(Loads.from(out, "youtube.com"), out);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
        assertTrue(out.contains("Delegation visit"), out);
        assertTrue(out.contains("viewBox=\"0 0 560 315\""), out);
        Matcher template = Pattern.compile("<template class=\"ec-original\">(.*?)</template>").matcher(out);
        assertTrue(template.find(), out);
        assertEquals(IFRAME, template.group(1));
        assertTrue(out.startsWith(page.substring(0, page.indexOf("<iframe"))));
        assertTrue(out.endsWith("<p>after</p></body></html>"));
    }

    @Test
    void assetsAreWrittenOnceBeforeTheFirstPlaceholderWithTheNonce() {
        PageContext context = new PageContext(null, null, Set.of(), "/p", EmbedListener.NONE, "n0nce");
        String page = utf8Page(IFRAME + "<p>x</p>" + IFRAME);
        String out = new String(Rewrites.rewrite(Rewrites.DEFAULT, page.getBytes(StandardCharsets.UTF_8), context,
                null), StandardCharsets.UTF_8);
        assertEquals(1, count(out, "embed-consent.js"));
        assertTrue(out.indexOf("embed-consent.js") < out.indexOf("ec-placeholder"));
        assertTrue(out.contains("nonce=\"n0nce\""), out);
        assertEquals(2, count(out, "class=\"ec-placeholder\""));
        assertTrue(out.contains("data-consent-index=\"1\"") && out.contains("data-consent-index=\"2\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<iframe src=\"https&#58;//www.youtube.com/embed/x\"></iframe>",
        "<iframe src=\"https&colon;//www.youtube.com/embed/x\"></iframe>",
        "<iframe src=\"&#x68;ttps://www.youtube.com/embed/x\"></iframe>",
        "<iframe src=\"//www.youtube.com/embed/x\"></iframe>",
        "<IFRAME SRC='https://www.youtube-nocookie.com/embed/x'></IFRAME>",
        "<iframe\nsrc=https://www.youtube.com/embed/x></iframe>",
        "<iframe data-src=\"https://www.youtube.com/embed/x\" src=about:blank></iframe>",
        "<iframe src=\"https://www.youtube.com/embed/x\"/>",
        "<img src=\"https://i.ytimg.com/vi/x/0.jpg\">",
        "<object data=\"https://www.youtube.com/v/x\"><param name=movie value=\"https://www.youtube.com/v/x\">"
                + "<embed src=\"https://www.youtube.com/v/x\"></object>",
        "<svg><desc><iframe src=\"https://www.youtube.com/embed/x\"></iframe></desc></svg>",
        "<svg><foreignObject><iframe src=\"https://www.youtube.com/embed/x\"></iframe></foreignObject></svg>",
        "<math><mi><iframe src=\"https://www.youtube.com/embed/x\"></iframe></mi></math>",
        "<math><annotation-xml encoding=\"text/html\"><iframe src=\"https://www.youtube.com/embed/x\"></iframe>"
                + "</annotation-xml></math>",
        "<svg><style><img src=\"https://i.ytimg.com/vi/x/0.jpg\"></style></svg>",
        "<svg><font color=red><img src=\"https://i.ytimg.com/vi/x/0.jpg\"></font></svg>",
        "<svg></p><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<div><svg><g></div><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<svg><![CDATA[>]]><img src=\"https://i.ytimg.com/vi/x/0.jpg\"></svg>",
        "<![CDATA[>]]><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<noscript><style></noscript><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<noscript><iframe src=\"https://www.youtube.com/embed/x\"></iframe></noscript>",
        "<noscript><p><img src=\"https://i.ytimg.com/vi/x/0.jpg\"></p></noscript>",
        "<template><iframe src=\"https://www.youtube.com/embed/x\"></iframe></template>",
        "<script>a='<!--'</script><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<!-- a --!><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<!--><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<title><iframe></title><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<a title=\"<iframe\" href=/x>a</a><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
    })
    void neutralizesWhatTheBrowserWouldLoad(String body) {
        String page = utf8Page(body);
        String out = rewrite(page);
        assertTrue(loadsFromYouTube(page) || body.contains("<noscript>") || body.contains("<template>")
                || body.contains("data-src"), "the case should load from YouTube in the input: " + body);
        assertFalse(loadsFromYouTube(out), out);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<textarea><iframe src=\"https://www.youtube.com/embed/x\"></iframe></textarea>",
        "<title><iframe src=\"https://www.youtube.com/embed/x\"></title>",
        "<!-- <iframe src=\"https://www.youtube.com/embed/x\"></iframe> -->",
        "<script>document.write('<iframe src=\"https://www.youtube.com/embed/x\"></iframe>')</script>",
        "<script><!--<script></script><iframe src=\"https://www.youtube.com/embed/x\"></iframe>--></script>",
        "<style>/* <iframe src=\"https://www.youtube.com/embed/x\"> */</style>",
        "<xmp><iframe src=\"https://www.youtube.com/embed/x\"></xmp>",
        "<svg><iframe src=\"https://www.youtube.com/embed/x\"></iframe></svg>",
        "<math><iframe src=\"https://www.youtube.com/embed/x\"></iframe></math>",
        "<svg><![CDATA[<iframe src=\"https://www.youtube.com/embed/x\">]]></svg>",
        "<a href=\"https://www.youtube.com/watch?v=x\">watch</a>",
        "<script type=\"application/ld+json\">{\"embedUrl\":\"https://www.youtube.com/embed/x\"}</script>",
        "<img alt=\"&quot;https://www.youtube.com/embed/x\" src=/a.png>",
        "<plaintext><iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "<base href=\"/local/\"><iframe src=\"embed/x\"></iframe>",
    })
    void leavesTextAndNonLoadingMarkupAlone(String body) {
        String page = utf8Page(body);
        assertEquals(page, rewrite(page));
    }

    /** Not YouTube's: with generic blocking on they are frames of unknown hosts instead (see UnknownFramesTest). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<iframe src=\"https://www.youtube.com.evil.test/embed/x\"></iframe>|host:www.youtube.com.evil.test",
        "<base href=\"https://example.org/\"><base href=\"https://www.youtube.com/\"><iframe src=\"/embed/x\">|host:example.org",
    })
    void lookAlikesAndIgnoredBasesAreNoProviderEmbeds(String body, String unknownHost) {
        String page = utf8Page(body);
        assertEquals(page, rewriteWith(EmbedRewriter.builder().blockUnknownFrames(false).build(), page));
        String out = rewrite(page);
        assertFalse(out.contains("data-consent-provider=\"youtube\""), out);
        assertTrue(out.contains("data-consent-provider=\"" + unknownHost + "\""), out);
    }

    @Test
    void templateEndTagsInsideTheOriginalAreNeutralized() {
        String page = utf8Page("<blockquote class=\"twitter-tweet\"><p>x</p></template><p>y</p>"
                + "<template>z</template><a href=\"https://twitter.com/u/status/1\">t</a></blockquote><p>after</p>");
        String out = rewrite(page);
        assertTrue(out.contains("data-consent-provider=\"x\""), out);
        assertTrue(out.contains("<p>x</p>&lt;/template><p>y</p><template>z</template>"), out);
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(out);
        assertEquals("after", doc.select("body > p").last().text(), out);
        assertEquals(doc.select("template.ec-original > blockquote"), doc.select("blockquote"),
                "the blockquote must stay inside the template: " + out);
    }

    @Test
    void consentedProvidersAreLeftAsTheyAreAndReported() {
        List<FoundEmbed> found = new ArrayList<>();
        PageContext context = new PageContext(null, null, Set.of("youtube"), "/", found::add, null);
        String page = utf8Page(IFRAME + "<script src=\"https://platform.twitter.com/widgets.js\"></script>");
        String out = new String(Rewrites.rewrite(Rewrites.DEFAULT, page.getBytes(StandardCharsets.UTF_8), context,
                null), StandardCharsets.UTF_8);
        assertTrue(out.contains(IFRAME));
        assertFalse(out.contains("data-consent-provider=\"youtube\""));
        assertTrue(out.contains("data-consent-provider=\"x\""));
        assertEquals(List.of(new FoundEmbed("youtube", "iframe", YT, 1, false),
                new FoundEmbed("x", "script", "https://platform.twitter.com/widgets.js", 1, true)), found);
    }

    @Test
    void listenerGetsLineNumbersOfStartTags() {
        List<FoundEmbed> found = new ArrayList<>();
        String page = "<!doctype html>\n<html>\r\n<body>\r<p>x</p>\n\n<iframe\nsrc=\"" + YT + "\"></iframe>\n"
                + "<img src=\"" + THUMB + "\">\n<noscript>\n\n<img src=\"" + THUMB + "\"></noscript>";
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        for (int seed = 0; seed < 20; seed++) {
            found.clear();
            Rewrites.rewrite(Rewrites.DEFAULT, bytes, Rewrites.collecting(found), seed == 0 ? null : new Random(seed));
            assertEquals(3, found.size(), found.toString());
            assertEquals(6, found.get(0).line(), found.toString());
            assertEquals(8, found.get(1).line(), found.toString());
            assertEquals("youtube", found.get(1).provider());
            assertEquals(11, found.get(2).line(), found.toString());
        }
    }

    @Test
    void scriptsAndResourceHintsGetAnInertWrapper() {
        String head = "<link rel=\"preconnect\" href=\"https://www.youtube.com\">"
                + "<script src=\"https://www.youtube.com/iframe_api\"></script>";
        String out = rewrite("<!doctype html><html><head>" + head + "</head><body></body></html>");
        assertEquals(2, count(out, "class=\"ec-inert\""), out);
        assertFalse(out.contains("ec-placeholder"));
        assertTrue(out.contains(">" + "<link rel=\"preconnect\" href=\"https://www.youtube.com\"></template>"), out);
        assertFalse(Loads.from(out, "youtube.com"), out);
    }

    @Test
    void trackingPixelInANoscriptInHeadGetsAnInertWrapper() {
        String page = "<!doctype html><html><head><meta charset=utf-8><noscript><img height=1 width=1 "
                + "src=\"https://www.facebook.com/tr?id=1&amp;ev=PageView&amp;noscript=1\"></noscript></head>"
                + "<body><noscript><img src=\"" + THUMB + "\"></noscript></body></html>";
        String out = rewrite(page);
        assertTrue(out.contains("<noscript><link rel=\"stylesheet\""), out);
        assertTrue(out.contains("<template class=\"ec-inert\" data-consent-provider=\"facebook\" "
                + "data-consent-kind=\"img\"><img height=1 width=1"), out);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
        assertEquals(1, count(out, "class=\"ec-placeholder\""), "the body's noscript image gets a visible one");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<base href=\"https://www.youtube.com/\"><iframe src=\"/embed/x\"></iframe>",
        "<base href=\"https://i.ytimg.com/vi/\"><img src=\"x/0.jpg\">",
    })
    void relativeUrlsResolveAgainstTheBase(String body) {
        String page = utf8Page(body);
        assertTrue(loadsFromYouTube(page), page);
        String out = rewrite(page);
        String original = body.substring(body.indexOf('>') + 1);
        assertTrue(out.contains("<template class=\"ec-original\">" + original + "</template>"), out);
    }

    @Test
    void relativeSrcsetResolvesAgainstAProtocolRelativeBase() {
        List<FoundEmbed> found = new ArrayList<>();
        byte[] page = utf8Page("<base href=\"//i.ytimg.com/vi/\"><img srcset=\"x/0.jpg 1x, x/1.jpg 2x\">")
                .getBytes(StandardCharsets.UTF_8);
        String out = new String(Rewrites.rewrite(Rewrites.DEFAULT, page, Rewrites.collecting(found), null),
                StandardCharsets.UTF_8);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).url().startsWith("https://i.ytimg.com/vi/x/"), found.toString());
    }

    @Test
    void iframeWhoseSrcdocLoadsFromAProviderIsNeutralized() {
        String lite = "<iframe srcdoc=\"<style>img{width:100%}</style><a href=https://www.youtube.com/embed/x>"
                + "<img src=https://i.ytimg.com/vi/x/hqdefault.jpg alt='Play'></a>\" title=\"Lite\"></iframe>";
        String out = rewrite(utf8Page(lite + "<iframe srcdoc=\"<p>Hello</p>\"></iframe>"));
        assertTrue(out.contains("<template class=\"ec-original\">" + lite + "</template>"), out);
        assertEquals(1, count(out, "data-consent-provider=\"youtube\""), out);
        assertTrue(out.contains("<iframe srcdoc=\"<p>Hello</p>\"></iframe></body>"), out);
    }

    @Test
    void svgImageAndHtmlImageElementsAreNeutralized() {
        String out = rewrite(utf8Page("<image src=\"" + THUMB + "\"><svg viewBox=\"0 0 1 1\"><image href=\""
                + THUMB + "\"/></svg><p id=after>after</p>"));
        assertEquals(2, count(out, "data-consent-provider=\"youtube\""), out);
        assertFalse(loadsFromYouTube(out), out);
        assertTrue(out.contains("<template class=\"ec-original\"><image href=\"" + THUMB + "\"/></template>"), out);
        assertTrue(out.endsWith("</svg><p id=after>after</p></body></html>"), out);
    }

    @Test
    void languageComesFromTheContextThenTheDocument() {
        String de = rewrite("<html lang=\"de-AT\"><meta charset=utf-8>" + IFRAME);
        assertTrue(de.contains("lang=\"de\""), de);
        String unsupported = rewrite("<html lang=\"ja\"><meta charset=utf-8>" + IFRAME);
        assertTrue(unsupported.contains("lang=\"en\""), unsupported);
        PageContext french = new PageContext(null, "fr", Set.of(), "/", EmbedListener.NONE, null);
        String fr = new String(Rewrites.rewrite(Rewrites.DEFAULT,
                ("<html lang=de><meta charset=utf-8>" + IFRAME).getBytes(StandardCharsets.UTF_8), french, null),
                StandardCharsets.UTF_8);
        assertTrue(fr.contains("lang=\"fr\""), fr);
    }

    @Test
    void hugeStartTagOfAnEmbedIsStillNeutralizedAndThePageGoesOn() {
        EmbedRewriter small = EmbedRewriter.builder().maxTagBytes(1024).build();
        String huge = "<iframe src=\"" + YT + "\" title=\"" + "x".repeat(5000) + "\"></iframe>";
        String page = utf8Page(huge + "<p id=after>after</p>" + IFRAME);
        for (Random chunking : new Random[] {null, new Random(1), new Random(2)}) {
            String out = new String(Rewrites.rewrite(small, page.getBytes(StandardCharsets.UTF_8),
                    PageContext.defaults(), chunking), StandardCharsets.UTF_8);
            assertFalse(Loads.from(out, "youtube.com"), out);
            assertEquals(2, count(out, "class=\"ec-placeholder\""), out);
            assertTrue(out.contains("<p id=after>after</p>"), out);
        }
    }

    @Test
    void hugeStartTagWithoutEmbedPassesThroughUnchanged() {
        EmbedRewriter small = EmbedRewriter.builder().maxTagBytes(1024).build();
        String page = utf8Page("<div title=\"" + "y".repeat(5000) + "\">x</div><img src=/a.png alt=\""
                + "z".repeat(3000) + "\">" + IFRAME);
        String out = new String(Rewrites.rewrite(small, page.getBytes(StandardCharsets.UTF_8),
                PageContext.defaults(), new Random(3)), StandardCharsets.UTF_8);
        assertTrue(out.startsWith(page.substring(0, page.indexOf("<iframe"))), out);
        assertFalse(Loads.from(out, "youtube.com"));
    }

    @Test
    void embedLongerThanTheCapIsCutAndNeutralized() {
        EmbedRewriter small = EmbedRewriter.builder().maxCandidateBytes(2048).build();
        String tweet = "<blockquote class=\"twitter-tweet\"><p>" + "w ".repeat(3000) + "<textarea>"
                + "t".repeat(500) + "</textarea></p><a href=\"https://twitter.com/u/status/1\">t</a></blockquote>";
        String page = utf8Page(tweet + "<p id=after>after</p>");
        String out = rewriteWith(small, page);
        assertTrue(out.contains("data-consent-provider=\"x\""), out);
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(out);
        assertTrue(doc.select("body > blockquote").isEmpty(), out);
        assertEquals(1, doc.select("#after").size(), out);
    }

    @Test
    void unclosedIframeAtTheEndIsNeutralized() {
        String out = rewrite(utf8Page("<p>x</p>").replace("</body></html>", "") + "<iframe src=\"" + YT + "\">");
        assertFalse(Loads.from(out, "youtube.com"), out);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
    }

    @Test
    void startTagCutOffByTheEndOfANoscriptIsNeutralized() {
        String page = utf8Page("<noscript><img src=\"" + THUMB + "</noscript><p>after</p>");
        String out = rewrite(page);
        assertTrue(out.contains("data-consent-provider=\"youtube\""), out);
        assertTrue(out.contains("</noscript><p>after</p>"), out);
    }

    @Test
    void noscriptContentIsRewrittenWhileItStaysRawTextForScriptingBrowsers() {
        String page = utf8Page("<noscript><iframe src=\"" + YT + "\"></iframe></noscript><p>after</p>");
        String out = rewrite(page);
        assertTrue(out.contains("<noscript><link rel=\"stylesheet\""), out);
        assertTrue(out.contains("</template></div></noscript><p>after</p>"), out);
        assertTrue(out.contains("<template class=\"ec-original\"><iframe src=\"" + YT + "\"></iframe></template>"));
        // The document's own assets still come before a placeholder outside the noscript.
        String both = rewrite(utf8Page("<noscript>" + IFRAME + "</noscript>" + IFRAME));
        assertEquals(2, count(both, "embed-consent.js"), both);
    }

    @Test
    void outputDoesNotDependOnChunking() {
        String page = utf8Page("<p>x</p>" + IFRAME + "<noscript><img src=\"" + THUMB + "\"></noscript>"
                + "<svg><style><img src=\"" + THUMB + "\"></style></svg><script src=\"https://www.youtube.com/iframe_api\">"
                + "</script><blockquote class=\"instagram-media\" data-instgrm-permalink="
                + "\"https://www.instagram.com/p/x/\"><div><p>y</p></div></blockquote>");
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        byte[] whole = Rewrites.rewrite(Rewrites.DEFAULT, bytes, PageContext.defaults(), null);
        for (int seed = 0; seed < 200; seed++) {
            assertArrayEquals(whole, Rewrites.rewrite(Rewrites.DEFAULT, bytes, PageContext.defaults(),
                    new Random(seed)), "seed " + seed);
        }
        String out = new String(whole, StandardCharsets.UTF_8);
        assertEquals(5, count(out, "data-consent-provider="), out);
    }

    @Test
    void rewriteCopiesAStreamAndLeavesItOpen() throws IOException {
        String page = utf8Page(IFRAME);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Rewrites.DEFAULT.rewrite(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)), out,
                PageContext.defaults());
        out.write('!');
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("ec-placeholder"));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("!"));
    }

    @Test
    void sessionRejectsWritesAfterClose() throws IOException {
        RewriteSession session = Rewrites.DEFAULT.open(new ByteArrayOutputStream(), PageContext.defaults());
        session.write("<p>".getBytes(StandardCharsets.UTF_8));
        session.close();
        session.close();
        assertThrows(IOException.class, () -> session.write('x'));
    }

    @Test
    void builderFailsFastOnOptionsSetTwiceAndBadValues() {
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> EmbedRewriter.builder().maxTagBytes(2048).maxTagBytes(4096));
        assertEquals("EmbedRewriter.Builder option \"maxTagBytes\" was already set; set each option once",
                twice.getMessage());
        IllegalStateException elementsTwice = assertThrows(IllegalStateException.class,
                () -> EmbedRewriter.builder().candidateElements(List.of("a-b")).candidateElements(List.of("c-d")));
        assertEquals("EmbedRewriter.Builder option \"candidateElements\" was already set; set each option once",
                elementsTwice.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> EmbedRewriter.builder().maxCandidateBytes(10));
        assertTrue(small.getMessage().contains("maxCandidateBytes"));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> EmbedRewriter.builder().candidateElements(List.of("Lite-YouTube")));
        assertTrue(name.getMessage().contains("Lite-YouTube"));
        assertThrows(NullPointerException.class, () -> EmbedRewriter.builder().catalogue(null));
    }

    @Test
    void candidateElementsComeFromTheCatalogueRules() {
        Set<String> elements = EmbedRewriter.withDefaults().candidateElements();
        assertTrue(elements.containsAll(List.of("iframe", "script", "img", "blockquote", "link")), elements.toString());
        assertFalse(elements.contains("a"));
        EmbedRewriter custom = EmbedRewriter.builder().candidateElements(List.of("lite-youtube")).build();
        assertTrue(custom.candidateElements().contains("lite-youtube"));
    }

    private static String rewriteWith(EmbedRewriter rewriter, String page) {
        return new String(Rewrites.rewrite(rewriter, page.getBytes(StandardCharsets.UTF_8), PageContext.defaults(),
                null), StandardCharsets.UTF_8);
    }
}

package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ProviderCatalogue#match}: URL reading as browsers do it, element and attribute rules, markers, speed. */
class ProviderCatalogueTest {

    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iframe|src|https://www.youtube.com/embed/abc|youtube|https://www.youtube.com/embed/abc",
        "iframe|src|//www.youtube-nocookie.com/embed/abc?rel=0|youtube|https://www.youtube-nocookie.com/embed/abc?rel=0",
        "iframe|src|'  HTTP://M.YouTube.com/embed/abc  '|youtube|https://m.youtube.com/embed/abc",
        "embed|src|http://www.youtube.com/v/abc&hl=en|youtube|https://www.youtube.com/v/abc&hl=en",
        "iframe|data-src|https://player.vimeo.com/video/1|vimeo|https://player.vimeo.com/video/1",
        "iframe|data-lazy-src|https://player.vimeo.com/video/1|vimeo|https://player.vimeo.com/video/1",
        "img|srcset|/a.jpg 1x, https://i.ytimg.com/vi/x/hq.jpg 2x|youtube|https://i.ytimg.com/vi/x/hq.jpg",
        "img|data-srcset|/a.jpg 100w,https://i.ytimg.com/vi/x/hq.jpg 200w|youtube|https://i.ytimg.com/vi/x/hq.jpg",
        "img|srcset|/a,b.jpg 1x,https://i.ytimg.com/vi/x/hq.jpg,|youtube|https://i.ytimg.com/vi/x/hq.jpg",
        "source|srcset|https://i.ytimg.com/vi/x/a.webp|youtube|https://i.ytimg.com/vi/x/a.webp",
        "video|poster|https://i.ytimg.com/vi/x/a.jpg|youtube|https://i.ytimg.com/vi/x/a.jpg",
        "object|data|https://www.youtube.com/v/x|youtube|https://www.youtube.com/v/x",
        "iframe|src|https://www.google.com/maps/embed?pb=1|google-maps|https://www.google.com/maps/embed?pb=1",
        "iframe|src|https://www.google.com/maps?q=x&output=embed|google-maps|https://www.google.com/maps?q=x&output=embed",
        "iframe|src|https://www.google.com/MAPS/embed|google-maps|https://www.google.com/MAPS/embed",
        "iframe|src|https:\\\\www.youtube.com\\embed\\x?a=\\b|youtube|https://www.youtube.com/embed/x?a=\\b",
        "iframe|src|https:/www.youtube.com/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|http:www.youtube.com/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|///www.youtube.com/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://user:pw@www.youtube.com:443/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://www.youtube.com:8443/embed/x|youtube|https://www.youtube.com:8443/embed/x",
        "iframe|src|https://www.youtube.com./embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://www.youtube.com|youtube|https://www.youtube.com/",
        "iframe|src|https://www.youtube.com?x#y|youtube|https://www.youtube.com/?x#y",
        "iframe|src|https://www.%79outube.com/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://ｗｗｗ．ｙｏｕｔｕｂｅ．ｃｏｍ/embed/x|youtube|https://www.youtube.com/embed/x",
        "script|src|https://platform.twitter.com/widgets.js|x|https://platform.twitter.com/widgets.js",
        "script|src|//connect.facebook.net/en_US/sdk.js#xfbml=1|facebook|https://connect.facebook.net/en_US/sdk.js#xfbml=1",
        "link|href|https://i.ytimg.com|youtube|https://i.ytimg.com/",
        "link|imagesrcset|/a.jpg 1x, https://i.ytimg.com/vi/x/hq.jpg 2x|youtube|https://i.ytimg.com/vi/x/hq.jpg",
        "image|href|https://tile.openstreetmap.org/1/2/3.png|openstreetmap|https://tile.openstreetmap.org/1/2/3.png",
        "image|xlink:href|https://tile.openstreetmap.org/1/2/3.png|openstreetmap|https://tile.openstreetmap.org/1/2/3.png",
        "script|href|https://platform.twitter.com/widgets.js|x|https://platform.twitter.com/widgets.js",
        "script|xlink:href|https://www.tiktok.com/embed.js|tiktok|https://www.tiktok.com/embed.js",
    })
    void matchesUrls(String element, String attribute, String value, String provider, String url) {
        TestAttributes attributes = element.equals("link")
                ? TestAttributes.of("rel", "preconnect", attribute, value)
                : TestAttributes.of(attribute, value);
        EmbedMatch match = CATALOGUE.match(element, attributes);
        assertNotNull(match, value);
        assertEquals(provider, match.provider().id());
        assertEquals(element, match.element());
        assertEquals(attribute, match.attribute());
        assertEquals(url, match.url());
        assertFalse(match.marker());
    }

    @Test
    void tabsAndNewlinesInsideUrlsAreRemovedAsBrowsersDo() {
        EmbedMatch match = CATALOGUE.match("iframe", TestAttributes.of("src", "\n https://www.you\ttu\nbe.com/em\rbed/x "));
        assertNotNull(match);
        assertEquals("https://www.youtube.com/embed/x", match.url());
        assertNotNull(CATALOGUE.match("iframe", TestAttributes.of("src", "\u0000\u001f https://www.youtube.com/embed/x")));
    }

    /** Frames whose document is inline load whatever that document embeds; the rewriter never sees it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iframe|srcdoc|<p>Hi</p><iframe src=\"https://www.youtube.com/embed/x\"></iframe>|youtube|https://www.youtube.com/embed/x",
        "iframe|srcdoc|<script src=//platform.twitter.com/widgets.js></script>|x|https://platform.twitter.com/widgets.js",
        "iframe|src|data:text/html,%3Ciframe%20src%3D%22https%3A%2F%2Fplayer.vimeo.com%2Fvideo%2F1%22%3E|vimeo|https://player.vimeo.com/video/1",
        "iframe|src|data:text/html;base64,PGltZyBzcmM9Imh0dHBzOi8vaS55dGltZy5jb20vdmkveC8wLmpwZyI+|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "iframe|src|javascript:'<iframe src=\"//open.spotify.com/embed/track/1\"></iframe>'|spotify|https://open.spotify.com/embed/track/1",
        "object|data|DATA:text/html,<img src='https://scontent.cdninstagram.com/a.jpg'>|instagram|https://scontent.cdninstagram.com/a.jpg",
    })
    void inlineFrameDocumentsFailClosed(String element, String attribute, String value, String provider, String url) {
        EmbedMatch match = CATALOGUE.match(element, TestAttributes.of(attribute, value));
        assertNotNull(match, value);
        assertEquals(provider, match.provider().id());
        assertEquals(attribute, match.attribute());
        assertEquals(url, match.url());
    }

    @Test
    void inlineDocumentsWithoutProviderUrlsAndInlineImagesDoNotMatch() {
        assertNull(CATALOGUE.match("iframe", TestAttributes.of("srcdoc", "<p>Hello <a href=/x>x</a> //</p>")));
        assertNull(CATALOGUE.match("iframe", TestAttributes.of("src", "data:text/html,<p>https://example.org/</p>")));
        assertNull(CATALOGUE.match("img", TestAttributes.of("src", "data:text/plain,https://www.youtube.com/embed/x")));
        assertNull(CATALOGUE.match("iframe", TestAttributes.of("src", "data:text/html;base64,%%%")));
    }

    /**
     * The srcdoc value arrives decoded once, but the browser decodes the inner document's attribute values again, and
     * URL parsing reads a backslash as a slash and drops tabs and line breaks: the scanner reads the document as the
     * frame will, one level further in each time.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<iframe src=https:&#47;&#47;www.youtube.com/embed/x></iframe>|youtube|https://www.youtube.com/embed/x",
        "<iframe src=\"https&colon;&sol;&sol;player.vimeo.com/video/1\"></iframe>|vimeo|https://player.vimeo.com/video/1",
        "<iframe src=https&colon;www.youtube.com/embed/x></iframe>|youtube|https://www.youtube.com/embed/x",
        "<img src=\"https:&#x2F;i.ytimg&#46;com/vi/x/0.jpg\">|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "<iframe src=https:\\\\www.youtube.com\\embed\\x></iframe>|youtube|https://www.youtube.com/embed/x",
        "<img src=\\\\i.ytimg.com\\vi\\x\\0.jpg>|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "<img src=/\\i.ytimg.com/vi/x/0.jpg>|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "<iframe src=\"https://www.you\ttube.com/embed/x\"></iframe>|youtube|https://www.youtube.com/embed/x",
        "<iframe src=\"https://www.you&#10;tube.com/embed/x\"></iframe>|youtube|https://www.youtube.com/embed/x",
        "<iframe srcdoc=\"<iframe src=https:&amp;#47;&amp;#47;www.youtube.com/embed/x></iframe>\"></iframe>|youtube|https://www.youtube.com/embed/x",
        "<p>Outer</p><iframe srcdoc=\"&lt;img src=&amp;quot;https:&amp;#x2F;&amp;#x2F;i.ytimg.com/vi/x/0.jpg&amp;quot;&gt;\"></iframe>|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "<iframe src=\"data:text/html,%3Ciframe%20src%3D%2F%2Fplayer.vimeo.com%2Fvideo%2F1%3E\"></iframe>|vimeo|https://player.vimeo.com/video/1",
        "<iframe src=\"data:text/html;base64,PGltZyBzcmM9Imh0dHBzOi8vaS55dGltZy5jb20vdmkveC8wLmpwZyI+\"></iframe>|youtube|https://i.ytimg.com/vi/x/0.jpg",
        "<lite-youtube videoid=ogfYd705cRs></lite-youtube><script src=/js/lite-yt-embed.js></script>|youtube|lite-youtube",
        "<blockquote data-lang=en class=\"note Twitter-Tweet\"><p>Hi</p></blockquote>|x|blockquote.twitter-tweet",
        "<iframe srcdoc=\"<blockquote class=&quot;tiktok-embed&quot;></blockquote>\"></iframe>|tiktok|blockquote.tiktok-embed",
        "<iframe src=//'www.youtube.com/embed/x></iframe>|youtube|https://'www.youtube.com/embed/x",
    })
    void srcdocIsReadAsTheBrowserReadsIt(String document, String provider, String url) {
        EmbedMatch match = CATALOGUE.match("iframe", TestAttributes.of("srcdoc", document));
        assertNotNull(match, document);
        assertEquals(provider, match.provider().id());
        assertEquals("iframe", match.element());
        assertEquals("srcdoc", match.attribute());
        assertEquals(url, match.url());
    }

    @Test
    void lineBreaksInsideSrcdocUrlsAreRemovedAsUrlParsingDoes() {
        EmbedMatch match = CATALOGUE.match("iframe",
                TestAttributes.of("srcdoc", "<iframe\nsrc=\"https:/\r\n/www.you\ntube.com/em\nbed/x\"\n></iframe>"));
        assertNotNull(match);
        assertEquals("https://www.youtube.com/embed/x", match.url());
    }

    @Test
    void inlineUrlDocumentsAreDecodedLikeSrcdoc() {
        EmbedMatch match = CATALOGUE.match("iframe",
                TestAttributes.of("src", "javascript:'<img src=https:&#47;&#47;i.ytimg.com/vi/x/0.jpg>'"));
        assertNotNull(match);
        assertEquals("https://i.ytimg.com/vi/x/0.jpg", match.url());
        assertEquals("src", match.attribute());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<p>Hello &amp; welcome, see <a href=/about>us</a> or https:&#47;&#47;example.org/ &copy;2026</p>",
        "<iframe src=https:&#47;&#47;www.youtube.com.evil.example/embed/x></iframe>",
        "<iframe src=https&colon;//youtube.example/embed/x></iframe>",
        "<img src=\\\\notyoutube.com\\x.jpg>",
        "<img src=\"https:&#47;&#47;i.ytimg&#46;example.org/x.jpg\">",
        "<p>www.youtube.com/embed/x and embed/www.youtube.com</p>",
        "<img src=xhttps:i.ytimg.com/x.jpg><img src=web+https:i.ytimg.com/x.jpg>",
        "<iframe srcdoc=\"<img src=&amp;quot;/logo.png&amp;quot;>\"></iframe>",
        "<img src=\"data:text/html;base64,PHA+SGk8L3A+\">",
        "<div class=twitter-tweet></div><blockquote class=twitter-tweets></blockquote><lite-youtubes></lite-youtubes>",
        "<p class=\"x\">lite-youtube, fb-post, twitter-tweet</p>",
    })
    void srcdocWithoutProviderUrlsDoesNotMatch(String document) {
        assertNull(CATALOGUE.match("iframe", TestAttributes.of("srcdoc", document)));
    }

    /** However deep the encodings go and however the text repeats, scanning a 64 KB document stays fast. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "&amp;amp;amp;#47;", "%2525", "base64,QUJD,", "//a", "https:a'", "//\"", "<div ", "<blockquote x=",
    })
    void pathologicalSrcdocEndsQuickly(String piece) {
        String document = piece.repeat(64 * 1024 / piece.length());
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CATALOGUE.match("iframe", TestAttributes.of("srcdoc", document)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a|href|https://www.youtube.com/watch?v=x",
        "area|href|https://www.youtube.com/watch?v=x",
        "iframe|src|/embed/x",
        "iframe|src|embed/www.youtube.com/x",
        "iframe|src|javascript:alert(1)",
        "iframe|src|data:text/html,hello",
        "iframe|src|ftp://www.youtube.com/embed/x",
        "iframe|src|blob:https://www.youtube.com/0c1d",
        "iframe|src|view-source:https://www.youtube.com/embed/x",
        "iframe|src|https:",
        "iframe|src|https://",
        "iframe|src|''",
        "iframe|src|https://[::1]/embed/x",
        "iframe|src|https://www.google.com/recaptcha/api2/anchor",
        "iframe|src|https://notyoutube.com/embed/x",
        "iframe|src|https://youtube.com.evil.example/embed/x",
        "iframe|src|https://evil.example/www.youtube.com/embed/x",
        "iframe|src|https://evil.example/?u=https://www.youtube.com/embed/x",
        "iframe|title|https://www.youtube.com/embed/x",
        "iframe|srcset|https://www.youtube.com/embed/x",
        "div|src|https://www.youtube.com/embed/x",
        "form|action|https://www.facebook.com/sharer.php",
        "meta|content|https://www.youtube.com/embed/x",
        "img|srcset|https://example.org/i.ytimg.com.jpg 1x",
        "img|src|https://www.google.com/images/logo.png",
        "script|src|https://www.google.com/recaptcha/api.js",
    })
    void ignoresWhatDoesNotLoadFromAProvider(String element, String attribute, String value) {
        assertNull(CATALOGUE.match(element, TestAttributes.of(attribute, value)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "preconnect|true", "dns-prefetch|true", "preload|true", "prefetch|true", "modulepreload|true",
        "stylesheet|true", "'  PreConnect  '|true", "icon|true", "'shortcut icon'|true",
        "canonical|false", "alternate|false", "me|false", "author|false", "''|false",
    })
    void linksLoadOnlyWithALoadingRel(String rel, boolean loads) {
        EmbedMatch match = CATALOGUE.match("link", TestAttributes.of("rel", rel, "href", "https://www.youtube.com/x"));
        assertEquals(loads, match != null, rel);
        assertNull(CATALOGUE.match("link", TestAttributes.of("href", "https://www.youtube.com/x")), "no rel");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"movie|true", "MOVIE|true", "src|true", "url|true", "flashvars|false",
        "allowFullScreen|false"})
    void paramsLoadOnlyTheirMovie(String name, boolean loads) {
        EmbedMatch match = CATALOGUE.match("param",
                TestAttributes.of("name", name, "value", "http://www.youtube.com/v/x"));
        assertEquals(loads, match != null, name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blockquote|twitter-tweet|x|blockquote.twitter-tweet",
        "blockquote|'  foo Twitter-Tweet\tbar '|x|blockquote.twitter-tweet",
        "blockquote|twitter-video|x|blockquote.twitter-video",
        "blockquote|instagram-media|instagram|blockquote.instagram-media",
        "blockquote|tiktok-embed|tiktok|blockquote.tiktok-embed",
        "div|fb-post|facebook|div.fb-post",
        "div|fb-video|facebook|div.fb-video",
        "div|fb-page|facebook|div.fb-page",
    })
    void matchesWidgetMarkers(String element, String classes, String provider, String url) {
        EmbedMatch match = CATALOGUE.match(element, TestAttributes.of("class", classes));
        assertNotNull(match, classes);
        assertEquals(provider, match.provider().id());
        assertEquals("class", match.attribute());
        assertEquals(url, match.url());
        assertTrue(match.marker());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lite-youtube|videoid|ogfYd705cRs|youtube|lite-youtube",
        "amp-youtube|data-videoid|mGENRKrdoGY|youtube|amp-youtube",
        "amp-facebook|data-href|https://www.facebook.com/zuck/posts/10102593740125791|facebook|https://www.facebook.com/zuck/posts/10102593740125791",
        "amp-instagram|data-shortcode|fBwFP|instagram|amp-instagram",
    })
    void matchesCustomElementsThatLoadByThemselves(String element, String attribute, String value, String provider,
            String url) {
        EmbedMatch match = CATALOGUE.match(element, TestAttributes.of(attribute, value));
        assertNotNull(match);
        assertEquals(provider, match.provider().id());
        assertEquals("", match.attribute());
        assertEquals(url, match.url());
        assertTrue(match.marker());
    }

    @Test
    void markersReportTheirPermalinkWhenOnTheProvidersHost() {
        EmbedMatch tiktok = CATALOGUE.match("blockquote", TestAttributes.of("class", "tiktok-embed",
                "cite", "https://www.tiktok.com/@scout2015/video/6718335390845095173"));
        assertEquals("https://www.tiktok.com/@scout2015/video/6718335390845095173", tiktok.url());
        EmbedMatch instagram = CATALOGUE.match("blockquote", TestAttributes.of("class", "instagram-media",
                "data-instgrm-permalink", "//www.instagram.com/p/C1/"));
        assertEquals("https://www.instagram.com/p/C1/", instagram.url());
        EmbedMatch elsewhere = CATALOGUE.match("div", TestAttributes.of("class", "fb-post",
                "data-href", "javascript:alert(1)"));
        assertEquals("div.fb-post", elsewhere.url());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a|twitter-timeline", "a|twitter-tweet", "blockquote|twitter-tweets", "blockquote|not-twitter-tweet",
        "div|twitter-tweet", "span|fb-post", "div|fb-root", "blockquote|''"})
    void ignoresNearMissMarkers(String element, String classes) {
        assertNull(CATALOGUE.match(element, TestAttributes.of("class", classes)));
    }

    @Test
    void srcWinsOverLazyCopiesAndUrlsOverMarkers() {
        EmbedMatch match = CATALOGUE.match("iframe", TestAttributes.of("data-src", "https://player.vimeo.com/video/1",
                "src", "https://www.youtube.com/embed/x"));
        assertEquals("youtube", match.provider().id());
        assertEquals("src", match.attribute());
        EmbedMatch lazy = CATALOGUE.match("iframe", TestAttributes.of("src", "about:blank",
                "data-src", "https://player.vimeo.com/video/1"));
        assertEquals("vimeo", lazy.provider().id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "www.youtube.com|youtube", "I.YTIMG.COM|youtube", "youtube.com.|youtube", "player.vimeo.com|vimeo",
        "pbs.twimg.com|x", "x.com|x", "scontent-fra3-1.cdninstagram.com|instagram", "connect.facebook.net|facebook",
        "static-cdn.jtvnw.net|twitch", "tile.openstreetmap.org|openstreetmap", "maps.googleapis.com|google-maps",
        "example.org|''", "notyoutube.com|''", "youtube.com.evil.example|''", "com|''"})
    void findsTheProviderOfAHost(String host, String provider) {
        assertEquals(provider, CATALOGUE.providerForHost(host).map(Provider::id).orElse(""));
    }

    @Test
    void everyProvidersPrivacyPolicyLinkIsNotItselfAnEmbed() {
        for (Provider provider : CATALOGUE.all()) {
            assertNull(CATALOGUE.match("a", TestAttributes.of("href", provider.privacyPolicyUrl())), provider.id());
        }
    }

    /** Random mixes of URL fragments, controls and odd characters never throw, and every match is https. */
    @Test
    void arbitraryValuesNeverThrow() {
        String[] pieces = {"https:", "http:", "//", "\\", "/", "www.youtube.com", "i.ytimg.com", "%79", "%", "%%",
            "ｙ", "．", "@", ":", ":443", "?", "#", ",", " ", "\t", "\n", "\u0000", "\uD800", "\uDC00", "data:",
            "text/html,", ";base64,", "PGlmcmFtZQ==", "javascript:", "'", "\"", "<iframe src=", ">", "(", ")", "1x",
            "x.com", ".", "-", "[", "]", "", "twitter-tweet", "\u00A0"};
        String[] elements = {"iframe", "img", "source", "script", "link", "param", "object", "embed", "blockquote",
            "div", "video", "image", "lite-youtube"};
        String[] attributes = {"src", "srcset", "data-src", "data-srcset", "href", "value", "data", "srcdoc", "class",
            "poster", "cite"};
        java.util.Random random = new java.util.Random(20261127);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int n = random.nextInt(8); n >= 0; n--) {
                value.append(pieces[random.nextInt(pieces.length)]);
            }
            String element = elements[random.nextInt(elements.length)];
            TestAttributes a = TestAttributes.of(attributes[random.nextInt(attributes.length)], value.toString(),
                    "rel", "preconnect", "name", "movie");
            EmbedMatch match = CATALOGUE.match(element, a);
            if (match != null && !match.marker()) {
                assertTrue(match.url().startsWith("https://"), value + " -> " + match.url());
                assertFalse(match.url().chars().anyMatch(c -> c == '\t' || c == '\n' || c == '\r'), match.url());
            }
        }
    }

    @Test
    void allocatesNothingWhenNothingMatches() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TestAttributes plain = TestAttributes.of("class", "content main", "id", "x");
        TestAttributes link = TestAttributes.of("href", "https://www.youtube.com/watch?v=x");
        TestAttributes image = TestAttributes.of("src", "/images/logo.png", "srcset", "/a.png 1x, /b.png 2x");
        // Pairs, in arrays rather than lists: the harness itself must not allocate iterators.
        String[] elements = {"div", "p", "span", "blockquote", "a", "a", "img", "source", "script", "link", "link",
            "iframe", "param", "video"};
        TestAttributes[] attributes = {plain, plain, plain, TestAttributes.of("class", "quote twitter"), link,
            TestAttributes.of("class", "twitter-timeline", "href", "https://twitter.com/x"), image, image,
            TestAttributes.of("src", "https://cdn.example.org/app.js"),
            TestAttributes.of("rel", "stylesheet", "href", "/style.css"),
            TestAttributes.of("rel", "canonical", "href", "https://www.youtube.com/watch?v=x"),
            TestAttributes.of("src", "https://www.example.org/embed/x", "data-src", "//static.example.org/y"),
            TestAttributes.of("name", "movie", "value", "/flash/own.swf"),
            TestAttributes.of("src", "/media/clip.mp4", "poster", "/media/clip.jpg")};
        Runnable round = () -> {
            for (int i = 0; i < elements.length; i++) {
                if (CATALOGUE.match(elements[i], attributes[i]) != null) {
                    throw new AssertionError(elements[i] + " " + attributes[i].names());
                }
            }
        };
        for (int i = 0; i < 50_000; i++) {
            round.run();
        }
        long calls = 50_000L * elements.length;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50_000; i++) {
            round.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < calls / 100, allocated + " bytes allocated over " + calls + " non-matching calls");
    }

}

package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.internal.TokenHandler;
import dev.embedconsent.provider.EmbedMatch;
import dev.embedconsent.provider.ProviderCatalogue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte-level prefilter may only rule out tags the catalogue would not match. Checked against
 * {@link ProviderCatalogue#match} itself on tags built from provider and look-alike URLs, disguised every way a
 * browser still reads them: character references, percent-escapes, tabs and line breaks, case, userinfo, ports,
 * backslashes, full-width letters, srcset lists, inline documents.
 */
class MatchPrefilterTest {
    private static final EmbedRewriter REWRITER = EmbedRewriter.withDefaults();
    private static final ProviderCatalogue CATALOGUE = REWRITER.catalogue();

    private static final String[] HOSTS = {
        "www.youtube.com", "youtube.com", "m.youtube.com", "www.youtube-nocookie.com", "youtu.be", "i.ytimg.com",
        "s.ytimg.com", "yt3.ggpht.com", "player.vimeo.com", "i.vimeocdn.com", "www.dailymotion.com", "dai.ly",
        "maps.google.de", "www.google.com", "maps.googleapis.com", "platform.twitter.com", "pbs.twimg.com", "x.com",
        "t.co", "www.instagram.com", "scontent.cdninstagram.com", "connect.facebook.net", "www.facebook.com",
        "www.tiktok.com", "open.spotify.com", "w.soundcloud.com", "player.twitch.tv", "www.openstreetmap.org",
        // Look-alikes and the site's own hosts.
        "example.com", "cdn.example.org", "myyoutube.com", "youtube.com.example.net", "notx.com", "vimeo.co",
        "static.example.de", "ytimg.example.com",
    };
    private static final String[] PATHS = {
        "/embed/dQw4w9WgXcQ", "/vi/abc/hqdefault.jpg", "/video/123", "/maps/embed?pb=1", "/widgets.js", "/embed.js",
        "/en_US/sdk.js", "/p/C1a2B3/", "/iframe_api", "/v/xyz?version=3", "/", "", "/img/a b.png?w=1&h=2",
    };
    private static final String[] ELEMENTS = {
        "img", "iframe", "script", "link", "source", "video", "audio", "embed", "object", "param", "div",
        "blockquote", "frame", "track", "image",
    };
    private static final String[] ATTRIBUTES = {
        "src", "SRC", "data-src", "data-lazy-src", "srcset", "data-srcset", "href", "data", "value", "poster",
        "imagesrcset", "data-original", "xlink:href",
    };
    private static final String[] MARKERS = {
        "twitter-tweet", "instagram-media", "tiktok-embed", "fb-post", "fb-video", "TWITTER-TWEET", "tweet",
        "twitter-tweet-x", "media instagram", "fb-page",
    };

    @Test
    void neverRulesOutATagTheCatalogueMatches() {
        Random random = new Random(20261127);
        int matched = 0;
        int ruledOut = 0;
        int total = 60_000;
        for (int n = 0; n < total; n++) {
            String tag = randomTag(random);
            Verdict v = verdict(tag);
            if (v.match != null) {
                matched++;
                if (!v.mayMatch) {
                    fail("the prefilter rules out a tag the catalogue matches (" + v.match.provider().id() + "): "
                            + tag);
                }
            } else if (!v.mayMatch) {
                ruledOut++;
            }
        }
        // Both outcomes are common, so the check above is not vacuous and the prefilter does rule tags out.
        assertTrue(matched > total / 10, "matched only " + matched + " of " + total);
        assertTrue(ruledOut > total / 10, "ruled out only " + ruledOut + " of " + total);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<img src=\"https://i.ytimg.com/vi/x/0.jpg\">",
        "<img src=\"https://i.YTIMG.com/vi/x/0.jpg\">",
        "<img src=\"https&#58;//i.ytimg&#46;com/vi/x/0.jpg\">",
        "<img src=\"https://i.yt&#105;mg.com/vi/x/0.jpg\">",
        "<img src=\"https://i.yt&#x69;mg.com/x.jpg\">",
        "<img src=\"https://i.yt%69mg.com/x.jpg\">",
        "<img src=\"https://i.ytimg%2ecom/x.jpg\">",
        "<img src=\"https://i.yt\nimg.com/x.jpg\">",
        "<img src=\"https://i.ytimg\t.com/x.jpg\">",
        "<img src=\"https://i.ytimg.&#10;com/x.jpg\">",
        "<img src=\"https://i.ytimg.com&#47;x.jpg\">",
        "<img src=\"https://i.ｙtimg.com/x.jpg\">",
        "<img src=\"https://i.ytimg。com/x.jpg\">",
        "<img src=\"//i.ytimg.com/x.jpg\">",
        "<img src=\"/\n/i.ytimg.com/x.jpg\">",
        "<img src=\"\\\\i.ytimg.com/x.jpg\">",
        "<img src=\"/\\i.ytimg.com/x.jpg\">",
        "<img src=\"&#47;&#47;i.ytimg.com/x.jpg\">",
        "<img src=\"https&colon;//i.ytimg.com/x.jpg\">",
        "<img src=\"https:i.ytimg.com/x.jpg\">",
        "<img src=\"https:\\\\i.ytimg.com\\x.jpg\">",
        "<img src=\"https://user:pw@i.ytimg.com:443/x.jpg\">",
        "<img src=\"https://i.ytimg.com./x.jpg\">",
        "<img srcset=\"a.jpg 1x,\n https://i.ytimg.com/x.jpg 2x\">",
        "<iframe src=\"data:text/html;base64,PGlmcmFtZSBzcmM9Ii8vd3d3LnlvdXR1YmUuY29tL2VtYmVkL3giPg==\"></iframe>",
        "<iframe src=\"  JavaScript:'<iframe src=//www.youtube.com/embed/x>'\"></iframe>",
        "<iframe srcdoc=\"&lt;iframe src=//www.youtube.com/embed/x&gt;\"></iframe>",
        "<iframe srcdoc=\"&lt;iframe src=https:&amp;#47;&amp;#47;www.youtube.com/embed/x&gt;\"></iframe>",
        "<iframe srcdoc='<img src=\\\\i.ytimg.com\\x.jpg>'></iframe>",
        "<iframe src=\"java&#10;script:'<iframe src=//www.youtube.com/embed/x>'\"></iframe>",
        "<iframe src=\"java\tscript:'<iframe src=//www.youtube.com/embed/x>'\"></iframe>",
        "<blockquote class=\"note twitter-tweet\">",
        "<blockquote class=\"TWITTER-TWEET\">",
        "<blockquote class=\"twitter&#45;tweet\">",
    })
    void disguisedProviderUrlsAreNotRuledOut(String tag) {
        Verdict v = verdict(tag);
        assertTrue(v.match != null, "the catalogue should match " + tag);
        assertTrue(v.mayMatch, "the prefilter must not rule out " + tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<img src=\"/wp-content/uploads/2026/11/photo-1024x768.jpg\">",
        "<img src=\"https://example.com/a.jpg?w=300&amp;h=200&#038;q=1\">",
        "<img src=\"https://example.com/Bild%20mit%20Leerzeichen.jpg\">",
        "<img srcset=\"/a-300.jpg 300w,\n\t/a-600.jpg 600w\" src=\"/a.jpg\">",
        "<img src=\"https://myyoutube.com/x.jpg\">",
        "<iframe src=\"https://www.example.org/map.html\" title=\"Map\"></iframe>",
        "<div class=\"wp-block-embed twitter-tweets\">",
        "<script src=\"/assets/app.js\" defer></script>",
        "<link rel=preconnect href=\"https://fonts.example.net\">",
    })
    void ordinaryTagsAreRuledOut(String tag) {
        Verdict v = verdict(tag);
        assertEquals(null, v.match, tag);
        assertFalse(v.mayMatch, "the prefilter should rule out " + tag);
    }

    private record Verdict(boolean mayMatch, EmbedMatch match) {}

    private static Verdict verdict(String tag) {
        byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        ElementNames names = REWRITER.names();
        MatchPrefilter prefilter = REWRITER.prefilter();
        TagAttributes attributes = new TagAttributes(StandardCharsets.UTF_8);
        List<Verdict> verdicts = new ArrayList<>();
        HtmlTokenizer tokenizer = new HtmlTokenizer(names, new TokenHandler() {
            @Override
            public void startTag(HtmlTokenizer t, long start, long end) {
                if (!verdicts.isEmpty()) {
                    return;
                }
                int id = t.tagNameId();
                String element = names.name(id).equals("image") ? "img" : names.name(id);
                boolean may = names.is(id, ElementNames.CANDIDATE) && prefilter.mayMatch(id, bytes, (int) start, t);
                EmbedMatch match = id == ElementNames.OTHER ? null
                        : CATALOGUE.match(element, attributes.reset(bytes, (int) start, t));
                verdicts.add(new Verdict(may, match));
            }

            @Override
            public void endTag(HtmlTokenizer t, long start, long end) {}
        });
        tokenizer.feed(bytes, 0, bytes.length, 0);
        if (verdicts.isEmpty()) {
            fail("no start tag in " + tag);
        }
        return verdicts.get(0);
    }

    private static String randomTag(Random r) {
        String element = pick(r, ELEMENTS);
        StringBuilder tag = new StringBuilder("<").append(r.nextInt(8) == 0 ? element.toUpperCase(Locale.ROOT)
                : element);
        if (element.equals("link")) {
            tag.append(" rel=\"").append(pick(r, new String[] {"preconnect", "stylesheet", "dns-prefetch", "next"}))
                    .append('"');
        }
        if (element.equals("param")) {
            tag.append(" name=").append(r.nextBoolean() ? "movie" : "flashvars");
        }
        int attributes = 1 + r.nextInt(3);
        for (int a = 0; a < attributes; a++) {
            if (r.nextInt(6) == 0) {
                tag.append(" class=\"").append(disguise(r, pick(r, MARKERS))).append('"');
                continue;
            }
            String name = pick(r, ATTRIBUTES);
            String value = name.toLowerCase(Locale.ROOT).endsWith("srcset") ? srcset(r) : url(r);
            char quote = r.nextInt(4) == 0 ? '\'' : '"';
            String v = disguise(r, value);
            if (quote == '\'' ) {
                v = v.replace("'", "&#39;");
            } else {
                v = v.replace("\"", "&quot;");
            }
            tag.append(' ').append(name).append('=').append(quote).append(v).append(quote);
        }
        return tag.append('>').toString();
    }

    private static String srcset(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                s.append(pick(r, new String[] {", ", ",\n", ",", " ,\t"}));
            }
            s.append(url(r)).append(' ').append(1 + k).append(r.nextBoolean() ? "x" : "00w");
        }
        return s.toString();
    }

    private static String url(Random r) {
        String host = pick(r, HOSTS);
        if (r.nextInt(10) == 0) {
            host = "user:pw@" + host;
        }
        if (r.nextInt(10) == 0) {
            host = host + (r.nextBoolean() ? ":443" : ".");
        }
        String prefix = pick(r, new String[] {
            "https://", "http://", "//", "https:", "HTTPS://", "https:\\\\", " https://", "/\n/", "\\\\", "/\t\\",
            "&#47;/", "", "/", "data:text/html,<iframe src=//", "javascript:'<script src=https://", "ftp://"});
        return prefix + host + pick(r, PATHS);
    }

    /** Rewrites random characters the way a browser still decodes them. */
    private static String disguise(Random r, String value) {
        StringBuilder s = new StringBuilder();
        int changes = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0;
        int[] at = new int[changes];
        for (int k = 0; k < changes; k++) {
            at[k] = value.isEmpty() ? 0 : r.nextInt(value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean change = false;
            for (int k : at) {
                change |= k == i;
            }
            if (!change) {
                s.append(c);
                continue;
            }
            switch (r.nextInt(10)) {
                case 0 -> s.append("&#").append((int) c).append(';');
                case 1 -> s.append("&#x").append(Integer.toHexString(c)).append(r.nextBoolean() ? ";" : "");
                case 2 -> s.append('%').append(String.format("%02X", (int) c & 0xFF));
                case 3 -> s.append(c).append(pick(r, new String[] {"\n", "\t", "\r\n", "&#10;", "%0A"}));
                case 4 -> s.append(Character.toUpperCase(c));
                case 5 -> s.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'ａ') : c);
                case 6 -> s.append(c == '.' ? "&period;" : c == '/' ? "&sol;" : "&amp;" + c);
                case 7 -> s.append(c == '.' ? "。" : c);
                case 8 -> s.append("&#0").append((int) c);
                default -> s.append(c).append("&amp;");
            }
        }
        return s.toString();
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}

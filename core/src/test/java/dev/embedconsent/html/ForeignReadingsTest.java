package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Foreign content that can be read two ways ({@link TreeBuilderSimulator}, "More than one reading"): an end tag inside
 * SVG/MathML that may close HTML elements the rewriter does not follow, or be ignored. Where the readings disagree on a
 * start tag, common ground ({@code <span></span>}) goes before it; where they disagree on a {@code <![CDATA[}, it is
 * closed at once; well-formed and certain cases are left alone. {@code ParserEdgeCasesBrowserIT} has Chromium judge
 * such pages.
 */
class ForeignReadingsTest {
    private static final String FRAME = ForeignEndTagTest.FRAME;
    private static final String SPAN = TreeBuilderSimulator.COMMON_GROUND;
    private static final PageContext UTF8 =
            new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null);

    @ParameterizedTest
    @ValueSource(strings = {
        // well-formed inline SVG with a style and a script of its own
        "<p><svg viewBox=\"0 0 1 1\"><style>.a{fill:red}</style><script>if (a < b) {}</script><path d=\"M0 0\"/></svg>"
                + "<style>p{}</style></p>",
        // the end tag names the element just opened: it certainly closes it
        "<svg><foreignObject><div></div><style>x</style></foreignObject></svg><script>1</script>",
        // nested HTML in a foreignObject is followed exactly: the foreignObject is current again, so CDATA is a section
        "<svg><foreignObject><div><p>a</p></div><![CDATA[> " + FRAME + " ]]></foreignObject></svg>",
        "<svg><foreignObject><div><div><span>t</span><div>u</div></div></div><![CDATA[> " + FRAME
                + " ]]></foreignObject></svg>",
        // an end tag naming no element above the foreignObject is ignored, exactly
        "<svg><foreignObject><div><b>t</b></i></div><![CDATA[> " + FRAME + " ]]></foreignObject></svg>",
        // the readings disagree, but no tag that matters comes before they agree again (a breakout)
        "<p><svg><g></div><div>text</div><style>p{}</style>",
        // an end tag naming an SVG element that is open
        "<svg><g><path></path></g></svg><script>1</script>",
    })
    void certainOrWellFormedForeignContentIsLeftAlone(String page) {
        assertEquals(page, Rewrites.rewrite(page));
    }

    @Test
    void aTextElementTheReadingsDisagreeOnGetsCommonGroundBeforeIt() {
        // </div> may close a div below the svg (then <style> is raw text) or be ignored (then it is an SVG element)
        String page = "<p><svg></div><style>.a{}</style></svg><p>after</p>";
        assertEquals("<p><svg></div>" + SPAN + "<style>.a{}</style></svg><p>after</p>", Rewrites.rewrite(page));
    }

    @Test
    void anEmbedTheReadingsDisagreeOnIsNeutralizedAfterCommonGround() {
        String page = "<template><svg><foreignObject><svg></template>" + FRAME;
        String out = Rewrites.rewrite(page);
        assertTrue(out.startsWith("<template><svg><foreignObject><svg></template>" + SPAN), out);
        assertTrue(out.contains("<template class=\"ec-original\">" + FRAME + "</template>"), out);
        assertFalse(Loads.from(out, "youtube.com"), out);
    }

    @Test
    void aCdataSectionTheReadingsDisagreeOnIsClosedAtOnce() {
        // a CDATA section if the svg stayed open, a bogus comment up to the first > if it was closed
        String page = "<p><svg></div><![CDATA[> " + FRAME + " ]]>";
        String out = Rewrites.rewrite(page);
        assertTrue(out.startsWith("<p><svg></div><![CDATA[]]>> "), out);
        assertTrue(out.contains("<template class=\"ec-original\">" + FRAME + "</template>"), out);
    }

    @Test
    void anEmbedHeldWhileTheReadingsDisagreeLeavesThemAsBefore() {
        // </x> may have closed the div below the svg or not; in the second reading the foreignObject is current again
        // after the placeholder (which opens and closes its own elements), so <![CDATA[ is ambiguous there
        String page = "<div><svg></x><foreignObject>" + FRAME + "<![CDATA[> x ]]>";
        String out = Rewrites.rewrite(page);
        assertTrue(out.contains("<template class=\"ec-original\">" + FRAME + "</template>"), out);
        assertTrue(out.endsWith("</div><![CDATA[]]>> x ]]>"), out);
    }

    @Test
    void readingsMergeAgainAtABreakout() {
        String page = "<p><svg></div><b>bold</b><style>p{}</style>";
        assertEquals(page, Rewrites.rewrite(page));
    }

    @Test
    void manyNestedReadingsStillGetCommonGroundBeforeEveryTextElement() {
        StringBuilder page = new StringBuilder("<p>");
        // each open svg below an ignored-or-not end tag adds readings
        for (int i = 0; i < 12; i++) {
            page.append("<svg><foreignObject><b><i><svg></b>");
        }
        page.append("<style>a{}</style><x-y></x-y><style>b{}</style>");
        String out = Rewrites.rewrite(page.toString());
        assertTrue(out.endsWith(SPAN + "<style>a{}</style><x-y></x-y>" + SPAN + "<style>b{}</style>"), out);
    }

    @Test
    void theOutputDoesNotDependOnChunking() {
        byte[] page = ("<div><p><svg><g></div><script>x</g><div>" + FRAME + "</script><![CDATA[> " + FRAME + "]]>"
                + "<template><svg><foreignObject><svg></template>" + FRAME).getBytes(StandardCharsets.UTF_8);
        byte[] whole = Rewrites.rewrite(Rewrites.DEFAULT, page, UTF8, null);
        for (int seed = 0; seed < 50; seed++) {
            assertArrayEquals(whole, Rewrites.rewrite(Rewrites.DEFAULT, page, UTF8, new Random(seed)), "seed " + seed);
        }
    }
}

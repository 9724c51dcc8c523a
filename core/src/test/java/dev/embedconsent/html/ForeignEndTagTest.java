package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End tags in SVG or MathML content that name no open foreign element go to the HTML rules, which close an HTML element
 * of that name if one is in reach and otherwise ignore them (foreign content stays open). The rewriter follows this
 * where it knows the HTML elements in reach: below an {@code <svg>} or {@code <math>} whose start tag left the head
 * (only {@code body}, or a template in the head, which are special), and above an integration point (only the
 * elements opened there). Every case is one Chromium judges the same way ({@code ChromiumCorpusIT}, and the cases here
 * checked in Chromium when written): where the browser loads nothing, the page stays as it is; where it loads, the
 * frame is neutralized.
 */
class ForeignEndTagTest {
    static final String FRAME = "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>";

    @ParameterizedTest
    @ValueSource(strings = {
        // the element below the svg is body: the HTML rules ignore the end tag, the frame is an SVG element
        "<svg></path>" + FRAME,
        "<!doctype html><svg><![CDATA[<svg>]]></path>" + FRAME,
        "<svg><tfoot></mi><td>" + FRAME,
        "<title>x</title><svg></path>" + FRAME,
        "<svg></td>" + FRAME,
        // above an integration point, only the elements opened there can be closed
        "<svg><foreignObject><div></div><![CDATA[> " + FRAME + " ]]>",
        "<svg><foreignObject><h1></h2><![CDATA[> " + FRAME + " ]]>",
        "<svg><foreignObject><p></p><![CDATA[> " + FRAME + " ]]>",
    })
    void ignoredEndTagsKeepForeignContentOpen(String page) {
        assertEquals(page, Rewrites.rewrite(page));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // once the end tag was ignored, a <style> is an SVG element and </svg> leaves foreign content
        "<svg></x><style></svg>" + FRAME + "</style>",
        "<svg><g></x><title></svg>" + FRAME + "</title>",
        // an HTML element of that name is in reach: it is closed with the svg
        "<path><svg></path>" + FRAME,
        "<div><svg></div>" + FRAME,
        "<b><svg></b>" + FRAME,
        "<head><template><svg></template>" + FRAME,
        "<table><td><svg></td>" + FRAME,
        "<svg></table><p>" + FRAME,
        // no HTML element of that name was opened at the integration point: the div stays current, no CDATA
        "<svg><foreignObject><k></e><![CDATA[>" + FRAME,
        "<svg><foreignObject><b></e><![CDATA[>" + FRAME,
        "<svg><foreignObject><span></p><![CDATA[> " + FRAME + " ]]>",
        "<svg><foreignObject><div></b></foreignObject>" + FRAME,
        "<math><mi><div></b></mi>" + FRAME,
        "<svg><foreignObject><blockq><a href=\"/x\">t</a><template></blockquote></template><![CDATA[x> " + FRAME
                + " ]]>",
        // the HTML elements above the foreignObject are reached before it: </foreignObject> is ignored
        "<svg><foreignObject><div><svg></foreignObject><p>" + FRAME,
    })
    void framesTheBrowserLoadsAreNeutralized(String page) {
        String out = Rewrites.rewrite(page);
        assertNotEquals(page, out);
        assertFalse(Loads.from(out, "youtube.com"), out);
        assertTrue(out.contains("<template class=\"ec-original\">" + FRAME + "</template>"), out);
    }
}

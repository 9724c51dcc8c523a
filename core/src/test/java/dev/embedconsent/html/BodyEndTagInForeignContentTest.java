package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code </body>} and {@code </html>} in SVG or MathML content: the HTML rules only switch the insertion mode for them
 * (or ignore them) and never pop an element, so foreign content stays open and a later {@code <iframe>} is a foreign
 * element that loads nothing (Chromium agrees, see {@link ChromiumCorpusIT}); where they close a foreign element of
 * that name, or an HTML element is current, what follows is read as before.
 */
class BodyEndTagInForeignContentTest {
    private static final String FRAME = "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>";

    @ParameterizedTest
    @ValueSource(strings = {
        "<!doctype html><math></html>" + FRAME,
        "<!doctype html><svg></body>" + FRAME,
        "<!doctype html><svg><g></body></html>" + FRAME + "</g></svg>",
        "<!doctype html><table><tr><td><svg></body>" + FRAME,
    })
    void foreignContentStaysOpen(String page) {
        assertEquals(page, Rewrites.rewrite(page));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // An HTML element inside an integration point is current: the frame is HTML.
        "<!doctype html><svg><foreignObject><div></body>" + FRAME,
        // The svg stayed open, and its desc is an HTML integration point.
        "<!doctype html><svg></body><desc>" + FRAME,
        // </p> and </br> still break out.
        "<!doctype html><svg></body></p>" + FRAME,
    })
    void htmlWhereTheBrowserReadsHtml(String page) {
        String out = Rewrites.rewrite(page);
        assertNotEquals(page, out);
        assertFalse(Loads.from(out, "youtube.com"), out);
    }
}

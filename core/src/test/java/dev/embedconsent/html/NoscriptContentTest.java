package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A noscript's content is text for browsers with scripting and markup for those without, and the rewriter reads it
 * both ways up to the {@code </noscript>} that ends it for the former. Where the latter are still inside a tag,
 * comment or text element there, they would read on differently ({@code <noscript><a title="</noscript><textarea>">}
 * hides from us a frame that they load; found by {@code RewriterChunkingFuzzTest}, {@code crash-fc6d9ea4...}): the
 * rewriter closes it right before the {@code </noscript>}, which for browsers with scripting is more noscript text.
 */
class NoscriptContentTest {
    private static final String FRAME = ForeignEndTagTest.FRAME;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<noscript><a title=\"</noscript><textarea>\">|<noscript><a title=\"\"></noscript><textarea>\">",
        "<noscript><!-- </noscript><style> -->|<noscript><!-- --></noscript><style> -->",
        "<noscript><iframe </noscript><style></iframe>|<noscript><iframe > </iframe></noscript><style></iframe>",
        "<body><noscript><p title='</noscript><script>'>|<body><noscript><p title=''></noscript><script>'>",
    })
    void contentLeftOpenForBrowsersWithoutScriptingIsClosed(String page, String closed) {
        String in = page + FRAME;
        // jsoup reads noscript content as markup, as browsers without scripting do: the frame loads
        assertTrue(Loads.from(in, "youtube.com"), in);
        String out = Rewrites.rewrite(in);
        // now in a textarea, style or script for every browser, as it was for the rewriter
        assertEquals(closed + FRAME, out);
        assertFalse(Loads.from(out, "youtube.com"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<noscript><img src=\"/pixel.gif\" alt=\"\"></noscript><p>x</p>",
        "<noscript><p>Please enable JavaScript.<!-- a comment --></p></noscript>",
        "<head><noscript><link rel=stylesheet href=/nojs.css></noscript></head>",
    })
    void wellFormedNoscriptsStayAsTheyAre(String page) {
        assertEquals(page, Rewrites.rewrite(page));
    }

    /**
     * A noscript the page ends in has no {@code </noscript>} for anything to follow; what it ends in stays as it is for
     * both kinds of browser ({@code <} became {@code <>}, crash-e59bb082...).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "<noscript><p>x<",
        "<noscript><p>x</",
        "<noscript><a title=\"x",
        "<noscript><!-- x",
        "<noscript><textarea>x",
        "<div><svg></x><span></span><noscript><pl`intext><i<noscript><pl`intex<",
    })
    void aNoscriptThePageEndsInIsLeftAsItEnds(String page) {
        assertEquals(page, Rewrites.rewrite(page));
    }

    @Test
    void anEmbedInTheNoscriptIsNeutralizedAndItsTagClosedOnlyOnce() {
        String out = Rewrites.rewrite("<noscript><iframe src=\"https://www.youtube.com/embed/x\" title=\"</noscript>"
                + FRAME);
        assertFalse(Loads.from(out, "youtube.com"), out);
    }
}

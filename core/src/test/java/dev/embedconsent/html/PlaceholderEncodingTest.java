package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.embedconsent.internal.PageEncoder;
import dev.embedconsent.placeholder.Embed;
import dev.embedconsent.placeholder.Placeholder;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Placeholders are written in pieces as they are rendered; the bytes must be those of the whole placeholder encoded
 * in one go, wherever a piece ends: between the halves of a surrogate pair, next to a character the page's encoding
 * lacks, or inside a run of characters of a stateful encoding.
 */
class PlaceholderEncodingTest {

    /** Japanese, emoji and accents, as references in the page so the page itself is ASCII in every encoding. */
    private static final String TITLE_REFERENCES = "&#26085;&#26412;&#128512;&#233;x".repeat(60);
    private static final String IFRAME = "<iframe title=\"" + TITLE_REFERENCES
            + "\" src=\"https://www.youtube.com/embed/abc\"></iframe>";

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "windows-1252", "ISO-2022-JP", "Shift_JIS"})
    void piecesEncodeLikeTheWholePlaceholder(String encoding) throws Exception {
        Charset charset = Charset.forName(encoding);
        byte[] page = IFRAME.getBytes(StandardCharsets.US_ASCII);
        String title = new String(Character.toChars(0x65E5)) + new String(Character.toChars(0x672C))
                + new String(Character.toChars(0x1F600)) + "\u00e9x";
        for (int filler = 0; filler < 1100; filler += filler % 512 > 495 || filler % 512 < 8 ? 1 : 41) {
            PlaceholderRenderer renderer = PlaceholderRenderer.builder()
                    .template("y".repeat(filler) + "<div>{{embedTitle}} {{returnPath}}</div>"
                            + "<template>{{original}}</template>" + "z".repeat(filler))
                    .build();
            EmbedRewriter rewriter = EmbedRewriter.builder().placeholders(renderer).build();
            String path = "/" + title.repeat(20);
            byte[] actual = Rewrites.rewrite(rewriter, page,
                    new PageContext(charset, "en", Set.of(), path, EmbedListener.NONE, null), null);

            Placeholder whole = renderer.render(new Embed(1, rewriter.catalogue().get("youtube").orElseThrow(),
                    "iframe", "https://www.youtube.com/embed/abc", title.repeat(60), null, null, "en", path));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            PageEncoder encoder = new PageEncoder(charset);
            encodeWhole(encoder, renderer.assets(null), expected);
            encodeWhole(encoder, whole.before(), expected);
            expected.writeBytes(page);
            encodeWhole(encoder, whole.after(), expected);
            int at = filler;
            assertArrayEquals(expected.toByteArray(), actual, () -> encoding + ", template text before the title: "
                    + at + " characters");
        }
    }

    private static void encodeWhole(PageEncoder encoder, String markup, ByteArrayOutputStream out) {
        int n = encoder.encode(markup);
        out.write(encoder.buffer(), 0, n);
    }
}

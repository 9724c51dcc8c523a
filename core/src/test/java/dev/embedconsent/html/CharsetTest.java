package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Pages in other encodings: how the rewriter finds the encoding, reads titles in it and writes placeholders in it. */
class CharsetTest {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final String IFRAME = "<iframe src=\"https://www.youtube.com/embed/x\" title=\"Café – Straße\">"
            + "</iframe>";

    private static byte[] rewrite(byte[] page, @Nullable Charset transport, @Nullable String language) {
        PageContext context = new PageContext(transport, language, Set.of(), "/", EmbedListener.NONE, null);
        byte[] whole = Rewrites.rewrite(Rewrites.DEFAULT, page, context, null);
        for (int seed = 1; seed <= 5; seed++) {
            assertArrayEquals(whole, Rewrites.rewrite(Rewrites.DEFAULT, page, context, new Random(seed)));
        }
        return whole;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void metaCharsetDecidesHowTitlesAreReadAndPlaceholdersWritten() {
        byte[] page = ("<!doctype html><meta charset=\"windows-1252\"><p>Grüße</p>" + IFRAME).getBytes(WINDOWS_1252);
        String out = new String(rewrite(page, null, null), WINDOWS_1252);
        assertTrue(out.contains("<span class=\"ec-embed-title\">Café – Straße</span>"), out);
        assertTrue(out.startsWith("<!doctype html><meta charset=\"windows-1252\"><p>Grüße</p>"), out);
    }

    @Test
    void withoutAnyDeclarationWindows1252TitlesAreReadAndPlaceholdersWrittenAsAscii() {
        byte[] page = ("<p>x</p>" + IFRAME).getBytes(WINDOWS_1252);
        byte[] out = rewrite(page, null, null);
        String text = new String(out, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(">Caf&#233; &#8211; Stra&#223;e<"), text);
        assertInsertedTextIsAscii(page, out);
    }

    @Test
    void withoutAnyDeclarationValidUtf8TitlesAreReadAsUtf8() {
        byte[] page = ("<p>x</p>" + IFRAME).getBytes(StandardCharsets.UTF_8);
        byte[] out = rewrite(page, null, "de");
        String text = new String(out, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(">Caf&#233; &#8211; Stra&#223;e<"), text);
        assertTrue(text.contains("lang=\"de\""), text);
        assertInsertedTextIsAscii(page, out);
    }

    /** Everything but the original page's own bytes (the embed copied into the template) is plain ASCII. */
    private static void assertInsertedTextIsAscii(byte[] page, byte[] out) {
        String original = new String(page, StandardCharsets.ISO_8859_1);
        String inserted = new String(out, StandardCharsets.ISO_8859_1).replace(original.substring(original.indexOf("<iframe")), "");
        for (int i = 0; i < inserted.length(); i++) {
            assertTrue(inserted.charAt(i) < 0x80, "non-ASCII byte at " + i + " of " + inserted);
        }
    }

    @Test
    void httpEquivContentTypeIsFoundByThePrescan() {
        Charset latin2 = Charset.forName("ISO-8859-2");
        byte[] page = ("<!-- <meta charset=utf-8> --><meta http-equiv=\"Content-Type\" content=\"text/html; "
                + "charset=iso-8859-2\"><iframe src=\"https://www.youtube.com/embed/x\" title=\"Łódź\"></iframe>")
                .getBytes(latin2);
        String out = new String(rewrite(page, null, null), latin2);
        assertTrue(out.contains(">Łódź<"), out);
    }

    @Test
    void transportCharsetBeatsMetaAndByteOrderMarkBeatsBoth() {
        byte[] page = ("<meta charset=windows-1252>" + IFRAME).getBytes(StandardCharsets.UTF_8);
        String viaTransport = new String(rewrite(page, StandardCharsets.UTF_8, null), StandardCharsets.UTF_8);
        assertTrue(viaTransport.contains(">Café – Straße<"), viaTransport);
        byte[] withBom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, page);
        byte[] out = rewrite(withBom, WINDOWS_1252, null);
        assertEquals((byte) 0xEF, out[0]);
        assertTrue(new String(out, StandardCharsets.UTF_8).contains(">Café – Straße<"));
    }

    @Test
    void charactersThePageEncodingLacksBecomeNumericReferences() {
        byte[] page = ("<html lang=uk><meta charset=windows-1252>" + IFRAME).getBytes(WINDOWS_1252);
        byte[] out = rewrite(page, null, null);
        String text = new String(out, WINDOWS_1252);
        assertTrue(text.contains("lang=\"uk\""), text);
        assertTrue(text.matches("(?s).*&#10[0-9]{2};.*"), "Cyrillic letters as references: " + text);
        assertFalse(text.contains("?"), "no replacement characters: " + text);
        String decoded = org.jsoup.Jsoup.parse(text).select(".ec-notice").text();
        assertTrue(decoded.chars().anyMatch(c -> c >= 0x400 && c <= 0x4FF), decoded);
    }

    @Test
    void utf16PagesRoundTripByteForByte() {
        String html = "<!doctype html><p>Привіт 😀</p><svg><style>a</style></svg>";
        for (Charset utf16 : new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE}) {
            byte[] bom = utf16 == StandardCharsets.UTF_16LE ? new byte[] {(byte) 0xFF, (byte) 0xFE}
                    : new byte[] {(byte) 0xFE, (byte) 0xFF};
            byte[] page = concat(bom, html.getBytes(utf16));
            assertArrayEquals(page, rewrite(page, null, null));
            byte[] withoutBom = html.getBytes(utf16);
            assertArrayEquals(withoutBom, rewrite(withoutBom, utf16, null));
        }
    }

    @Test
    void utf16WithLoneSurrogatesAndAnOddLastByteComesBackUnchanged() {
        byte[] page = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "<p>a".getBytes(StandardCharsets.UTF_16LE),
                new byte[] {0x00, (byte) 0xD8, 'b', 0, 0x00, (byte) 0xDC}, "</p>".getBytes(StandardCharsets.UTF_16LE),
                new byte[] {'x'});
        assertArrayEquals(page, rewrite(page, null, null));
    }

    @Test
    void utf16PageGetsItsPlaceholderInUtf16() {
        String html = "<!doctype html><html lang=de><p>vorher</p>" + IFRAME + "<p>nachher</p>";
        byte[] page = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, html.getBytes(StandardCharsets.UTF_16LE));
        byte[] out = rewrite(page, null, null);
        String text = new String(out, StandardCharsets.UTF_16LE);
        assertTrue(text.startsWith("\uFEFF<!doctype html><html lang=de><p>vorher</p>"), text);
        assertTrue(text.contains("<template class=\"ec-original\">" + IFRAME + "</template>"), text);
        assertTrue(text.contains(">Café – Straße<") && text.contains("lang=\"de\""), text);
        assertTrue(text.endsWith("<p>nachher</p>"), text);
    }

    @Test
    void metaDeclaringUtf16MeansUtf8() {
        byte[] page = ("<meta charset=utf-16>" + IFRAME).getBytes(StandardCharsets.UTF_8);
        String out = new String(rewrite(page, null, null), StandardCharsets.UTF_8);
        assertTrue(out.contains(">Café – Straße<"), out);
    }
}

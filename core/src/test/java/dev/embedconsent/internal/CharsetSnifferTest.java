package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The encoding sniffing steps and the {@code <meta>} prescan. */
class CharsetSnifferTest {
    private static Charset sniff(String start, @Nullable Charset transport) {
        byte[] b = start.getBytes(StandardCharsets.ISO_8859_1);
        return CharsetSniffer.sniff(b, b.length, transport).charset();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "<meta charset=utf-8>|UTF-8",
        "<META CHARSET='ISO-8859-2'>|ISO-8859-2",
        "<meta charset=latin1>|windows-1252",
        "<meta charset=us-ascii>|windows-1252",
        "<meta charset=utf-16le>|UTF-8",
        "<meta charset=x-user-defined>|windows-1252",
        "<meta charset=bogus-encoding><meta charset=koi8-r>|KOI8-R",
        "<!-- <meta charset=utf-8> --><p>|windows-1252",
        "<!--><meta charset=utf-8>|UTF-8",
        "<meta http-equiv=content-type content='text/html; charset=shift_jis'>|Shift_JIS",
        "<meta content='text/html;charset=\"euc-jp\"' http-equiv='Content-Type'>|EUC-JP",
        "<meta content='text/html; charset=utf-8'>|windows-1252",
        "<meta name=x charset=utf-8 charset=koi8-r>|UTF-8",
        "<title x='<meta charset=utf-8>'></title>|windows-1252",
        "<p title='<meta charset=utf-8>'><meta charset=gbk>|GBK",
        "<?xml encoding=utf-8?><meta charset=gb2312>|GBK",
        "<metax charset=utf-8>|windows-1252",
        "<meta/charset=utf-8>|UTF-8",
        "<meta charset=\"utf-8|windows-1252",
        "|windows-1252",
    })
    void prescanFindsTheDeclaredEncoding(String start, String expected) {
        assertEquals(Charset.forName(expected), sniff(start == null ? "" : start, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\u00EF\u00BB\u00BF<meta charset=windows-1252>|UTF-8|3",
        "\u00FE\u00FF\u0000<|UTF-16BE|2",
        "\u00FF\u00FE<\u0000|UTF-16LE|2",
    })
    void byteOrderMarkWinsOverEverything(String start, String expected, int bomLength) {
        byte[] b = start.getBytes(StandardCharsets.ISO_8859_1);
        CharsetSniffer.Result r = CharsetSniffer.sniff(b, b.length, StandardCharsets.ISO_8859_1);
        assertEquals(Charset.forName(expected), r.charset());
        assertEquals(bomLength, r.bomLength());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ISO-8859-1|windows-1252", "UTF-16|UTF-16LE", "UTF-8|UTF-8",
        "ISO-8859-15|ISO-8859-15"})
    void transportCharsetBeatsTheMetaPrescan(String transport, String expected) {
        assertEquals(Charset.forName(expected), sniff("<meta charset=koi8-r>", Charset.forName(transport)));
    }
}

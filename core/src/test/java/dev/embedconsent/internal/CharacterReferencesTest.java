package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Character references in attribute values, decoded as the WHATWG tokenizer does. */
class CharacterReferencesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "https&#58;//a.test|https://a.test",
        "https&colon;//a.test|https://a.test",
        "&#x68;ttps|https",
        "&#X68;ttps|https",
        "a&amp;b|a&b",
        "a&ampb|a&ampb",
        "a&amp=b|a&amp=b",
        "a&amp b|a& b",
        "a&amp|a&",
        "&notit;|&notit;",
        "&notin;|∉",
        "&not!|¬!",
        "&copy=1|&copy=1",
        "&copy;=1|©=1",
        "&nosuch;|&nosuch;",
        "&#128;|€",
        "&#x9F;|Ÿ",
        "&#x81;|\u0081",
        "&#0;|\uFFFD",
        "&#x110000;|\uFFFD",
        "&#xD800;|\uFFFD",
        "&#99999999999999;|\uFFFD",
        "&#x;|&#x;",
        "&#;|&#;",
        "&#65|A",
        "&#65x|Ax",
        "&#x1D538;|𝔸",
        "&Afr;|𝔄",
        "`a\r\nb\rc`|`a\nb\nc`",
        "a\u0000b|a\uFFFDb",
        "&|&",
        "&&amp;|&&",
    })
    void decodesLikeABrowser(String raw, String expected) {
        assertEquals(expected, CharacterReferences.decodeAttributeValue(raw));
    }
}

package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderCatalogueTest {

    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iframe|src|https://www.youtube.com/embed/abc|youtube|https://www.youtube.com/embed/abc",
        "iframe|src|//www.youtube-nocookie.com/embed/abc?rel=0|youtube|https://www.youtube-nocookie.com/embed/abc?rel=0",
        "iframe|src|  HTTP://M.YouTube.com/embed/abc  |youtube|https://m.youtube.com/embed/abc",
        "embed|src|http://www.youtube.com/v/abc&hl=en|youtube|https://www.youtube.com/v/abc&hl=en",
        "iframe|data-src|https://player.vimeo.com/video/1|vimeo|https://player.vimeo.com/video/1",
        "img|srcset|/a.jpg 1x, https://i.ytimg.com/vi/x/hq.jpg 2x|youtube|https://i.ytimg.com/vi/x/hq.jpg",
        "iframe|src|https://www.google.com/maps/embed?pb=1|google-maps|https://www.google.com/maps/embed?pb=1",
        "iframe|src|https:\\\\www.youtube.com\\embed\\x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://user@www.youtube.com:443/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://www.youtube.com./embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://www.%79outube.com/embed/x|youtube|https://www.youtube.com/embed/x",
        "iframe|src|https://ｗｗｗ．ｙｏｕｔｕｂｅ．ｃｏｍ/embed/x|youtube|https://www.youtube.com/embed/x",
    })
    void matchesUrls(String element, String attribute, String value, String provider, String url) {
        EmbedMatch match = CATALOGUE.match(element, TestAttributes.of(attribute, value));
        assertNotNull(match, value);
        assertEquals(provider, match.provider().id());
        assertEquals(attribute, match.attribute());
        assertEquals(url, match.url());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a|href|https://www.youtube.com/watch?v=x",
        "iframe|src|/embed/x",
        "iframe|src|javascript:alert(1)",
        "iframe|src|ftp://www.youtube.com/embed/x",
        "iframe|src|https://www.google.com/recaptcha/api2/anchor",
        "iframe|src|https://notyoutube.com/embed/x",
        "iframe|src|https://youtube.com.evil.example/embed/x",
        "iframe|title|https://www.youtube.com/embed/x",
        "div|src|https://www.youtube.com/embed/x",
    })
    void ignoresNonLoads(String element, String attribute, String value) {
        assertNull(CATALOGUE.match(element, TestAttributes.of(attribute, value)));
    }
}

package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypesTest {
    @Test
    void mediaTypeIsLowerCaseWithoutParameters() {
        assertEquals("text/html", ContentTypes.mediaType(" Text/HTML ; charset=utf-8"));
        assertEquals("application/json", ContentTypes.mediaType("application/json"));
    }

    @Test
    void charsetParameter() {
        assertEquals(StandardCharsets.UTF_8, ContentTypes.charset("text/html; charset=utf-8"));
        assertEquals(StandardCharsets.ISO_8859_1, ContentTypes.charset("text/html;level=1; CHARSET=\"ISO-8859-1\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html; charset=no-such-charset", "text/html; charset=\"\"",
        "text/html; charset=bad name"})
    void noCharsetWhenAbsentOrUnknown(String type) {
        assertNull(ContentTypes.charset(type));
    }

    @Test
    void noCharsetWithoutAType() {
        assertNull(ContentTypes.charset(null));
    }
}

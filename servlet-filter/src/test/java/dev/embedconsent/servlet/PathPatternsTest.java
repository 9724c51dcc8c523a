package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternsTest {
    @ParameterizedTest
    @CsvSource({
        "/admin, /admin, true",
        "/admin, /admin/users, true",
        "/admin, /administration, false",
        "/admin/, /admin/x, true",
        "/docs/*.html, /docs/a.html, true",
        "/docs/*.html, /docs/sub/a.html, false",
        "/docs/**, /docs/sub/a.html, true",
        "/**/raw/**, /a/b/raw/c, true",
        "/**/raw/**, /raw/c, true",
        "/**/raw/**, /a/rawx/c, false",
        "/page?, /page1, true",
        "/page?, /page12, false",
        "/, /anything, true",
        "/a.b, /aXb, false"})
    void matches(String pattern, String path, boolean expected) {
        assertEquals(expected, new PathPatterns(List.of(pattern)).matches(path));
    }
}

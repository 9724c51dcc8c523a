package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RewritePolicyTest {
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);

    /** A GET answered 200 with {@code text/html}: the default rewrites it; each test spoils one thing. */
    RewritePolicyTest() {
        when(request.getMethod()).thenReturn("GET");
        when(response.getStatus()).thenReturn(200);
        when(response.getContentType()).thenReturn("text/html;charset=UTF-8");
    }

    @Test
    void defaultRewritesAnHtmlPage() {
        assertTrue(RewritePolicy.DEFAULT.rewrites(request, response));
        when(request.getMethod()).thenReturn("HEAD");
        assertTrue(RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"})
    void onlyGetAndHead(String method) {
        when(request.getMethod()).thenReturn(method);
        assertFalse(RewritePolicy.DEFAULT.rewrites(request, response));
        assertFalse(RewritePolicy.considers(request));
    }

    @Test
    void skippedRequestsAreLeftAlone() {
        assertTrue(RewritePolicy.considers(request));
        when(request.getAttribute(EmbedConsentFilter.SKIP_ATTRIBUTE)).thenReturn(Boolean.TRUE);
        assertFalse(RewritePolicy.considers(request));
        assertFalse(RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @ParameterizedTest
    @CsvSource({"200,true", "201,true", "204,true", "299,true", "206,false", "199,false", "100,false", "300,false",
        "301,false", "304,false", "404,false", "500,false"})
    void only2xxButNotPartialContent(int status, boolean rewritten) {
        when(response.getStatus()).thenReturn(status);
        assertEquals(rewritten, RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Encoding", "Content-Range"})
    void neverAnEncodedBodyOrARange(String header) {
        when(response.containsHeader(header)).thenReturn(true);
        assertFalse(RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"text/html|true", "TEXT/HTML ; charset=iso-8859-1|true",
        " text/html|true", "application/xhtml+xml|false", "text/plain;charset=UTF-8|false", "text/htmlx|false",
        "image/png|false", "application/json|false"})
    void onlyTextHtml(String type, boolean rewritten) {
        when(response.getContentType()).thenReturn(type);
        assertEquals(rewritten, RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @Test
    void contentTypeFromTheHeaderWhenNotSetThroughSetContentType() {
        when(response.getContentType()).thenReturn(null);
        assertFalse(RewritePolicy.DEFAULT.rewrites(request, response), "no type at all");
        when(response.getHeader("Content-Type")).thenReturn("text/html");
        assertTrue(RewritePolicy.DEFAULT.rewrites(request, response));
    }

    @Test
    void customConditionsNarrowTheDefault() {
        RewritePolicy notLegacy = RewritePolicy.DEFAULT
                .and((req, res) -> !req.getRequestURI().startsWith("/legacy/"));
        when(request.getRequestURI()).thenReturn("/news");
        assertTrue(notLegacy.rewrites(request, response));
        when(request.getRequestURI()).thenReturn("/legacy/page");
        assertFalse(notLegacy.rewrites(request, response));
        assertTrue(RewritePolicy.DEFAULT.rewrites(request, response), "DEFAULT itself is unchanged");

        RewritePolicy both = notLegacy.and((req, res) -> res.getHeader("X-Vetted") == null);
        when(request.getRequestURI()).thenReturn("/news");
        when(response.getHeader("X-Vetted")).thenReturn("yes");
        assertFalse(both.rewrites(request, response));
        assertTrue(notLegacy.rewrites(request, response), "and() returns a new policy");
    }

    @Test
    void customConditionsCannotWidenTheDefault() {
        AtomicInteger asked = new AtomicInteger();
        RewritePolicy everything = RewritePolicy.DEFAULT.and((req, res) -> asked.incrementAndGet() > 0);
        when(response.getContentType()).thenReturn("application/json");
        assertFalse(everything.rewrites(request, response));
        when(response.getContentType()).thenReturn("text/html");
        when(response.containsHeader("Content-Encoding")).thenReturn(true);
        assertFalse(everything.rewrites(request, response));
        assertEquals(0, asked.get(), "a condition is asked only when the built-in rules say yes");
    }

    @Test
    void nullsAreRejectedAtTheBoundary() {
        assertThrows(NullPointerException.class, () -> RewritePolicy.DEFAULT.and(null));
        assertThrows(NullPointerException.class, () -> RewritePolicy.DEFAULT.rewrites(null, response));
        assertThrows(NullPointerException.class, () -> RewritePolicy.DEFAULT.rewrites(request, null));
    }
}

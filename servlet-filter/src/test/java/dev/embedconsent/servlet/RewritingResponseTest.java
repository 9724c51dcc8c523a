package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.nullable;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.embedconsent.consent.CookieKey;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RewritingResponse} without a container: the servlet objects it wraps are Mockito mocks that keep headers,
 * content type, charset and body the way a container does; the rewriter, the consent runtime and the policy are real.
 */
class RewritingResponseTest {
    private static final String YT = "https://www.youtube.com/embed/dQw4w9WgXcQ";
    private static final String IFRAME = "<iframe src=\"" + YT + "\" width=\"560\" height=\"315\"></iframe>";
    private static final String PAGE = "<!DOCTYPE html><html><head><title>t</title></head><body><p>before</p>"
            + IFRAME + "<p>after</p></body></html>";
    private static final Pattern TEMPLATE = Pattern.compile("<template class=\"ec-original\">.*?</template>");

    @TempDir
    static Path data;
    private static ConsentRuntime runtime;
    private static ConsentRuntime enforcing;
    private static ConsentRuntime reporting;
    /** Headers committed at the first write, as before the look-ahead existed. */
    private static ConsentRuntime streaming;

    private final Container container = new Container();
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final RewritingResponse response;

    @BeforeAll
    static void start() {
        ServletContext context = mock(ServletContext.class);
        when(context.getContextPath()).thenReturn("");
        runtime = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data)
                .hmacKeys(CookieKey.generate("k1").toConfig()).buildConfig(), context);
        enforcing = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data.resolve("enforce"))
                .hmacKeys(CookieKey.generate("k1").toConfig()).csp(CspMode.ENFORCE).buildConfig(), context);
        reporting = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data.resolve("report"))
                .hmacKeys(CookieKey.generate("k1").toConfig()).csp(CspMode.REPORT).buildConfig(), context);
        streaming = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(data.resolve("streaming"))
                .hmacKeys(CookieKey.generate("k1").toConfig()).lookAhead(0).buildConfig(), context);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        enforcing.close();
        reporting.close();
        streaming.close();
    }

    RewritingResponseTest() throws IOException {
        when(request.getMethod()).thenReturn("GET");
        when(request.getRequestURI()).thenReturn("/page");
        response = new RewritingResponse(container.response, request, runtime);
    }

    /** Whether the body shows the YouTube embed as a placeholder and loads nothing from YouTube outside a template. */
    private static boolean hasPlaceholder(String body) {
        return body.contains("data-consent-provider=\"youtube\"")
                && !TEMPLATE.matcher(body).replaceAll("").contains("youtube.com/embed");
    }

    @Test
    void htmlWrittenThroughTheWriterGetsAPlaceholder() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        String body = container.body(StandardCharsets.UTF_8);
        assertTrue(hasPlaceholder(body), body);
        assertTrue(body.startsWith("<!DOCTYPE html><html><head><title>t</title></head><body><p>before</p>"), body);
        assertTrue(body.endsWith("<p>after</p></body></html>"), body);
        assertEquals("Cookie", container.header("Vary"));
        assertEquals("private", container.header("Cache-Control"));
    }

    @Test
    void htmlWrittenThroughTheStreamGetsAPlaceholder() throws IOException {
        response.setContentType("text/html");
        response.getOutputStream().write(PAGE.getBytes(StandardCharsets.UTF_8));
        response.finish();
        String body = container.body(StandardCharsets.UTF_8);
        assertTrue(hasPlaceholder(body), body);
    }

    // ---- the Content-Security-Policy backstop (csp=enforce, csp=report) ----

    private static final String APP_CSP = "default-src 'self'; frame-src *";

    private static String ownPolicy(ConsentRuntime rt) {
        return Objects.requireNonNull(rt.framePolicy()).value(Set.of());
    }

    @Test
    void aRewrittenPageGetsThePolicyNextToTheApplicationsOwn() throws IOException {
        RewritingResponse page = new RewritingResponse(container.response, request, enforcing);
        page.setHeader("Content-Security-Policy", APP_CSP);
        page.setContentType("text/html;charset=UTF-8");
        page.getWriter().write(PAGE);
        page.finish();
        assertEquals(List.of(APP_CSP, ownPolicy(enforcing)), container.headers("Content-Security-Policy"));
        assertEquals(List.of(), container.headers("Content-Security-Policy-Report-Only"));
    }

    @Test
    void theApplicationSettingItsPolicyAfterTheFirstWriteReplacesOnlyItsOwn() throws IOException {
        RewritingResponse page = new RewritingResponse(container.response, request, enforcing);
        page.setContentType("text/html;charset=UTF-8");
        page.getWriter().write("<!DOCTYPE html><p>x");
        page.getWriter().flush();
        page.setHeader("Content-Security-Policy", "frame-src 'none'");
        page.setHeader("Content-Security-Policy", APP_CSP);
        page.addHeader("Content-Security-Policy", "img-src 'self'");
        page.finish();
        assertEquals(List.of(APP_CSP, ownPolicy(enforcing), "img-src 'self'"),
                container.headers("Content-Security-Policy"));
    }

    @Test
    void aPassedThroughResponseGetsNoPolicy() throws IOException {
        RewritingResponse plain = new RewritingResponse(container.response, request, enforcing);
        plain.setHeader("Content-Security-Policy", APP_CSP);
        plain.setContentType("text/plain");
        plain.getWriter().write(PAGE);
        plain.finish();
        assertEquals(List.of(APP_CSP), container.headers("Content-Security-Policy"));
        assertEquals(PAGE, container.body(StandardCharsets.ISO_8859_1));
    }

    @Test
    void reportModeAddsTheReportOnlyHeaderAndLeavesTheApplicationsPolicyAlone() throws IOException {
        RewritingResponse page = new RewritingResponse(container.response, request, reporting);
        page.setHeader("Content-Security-Policy", APP_CSP);
        page.setContentType("text/html;charset=UTF-8");
        page.getWriter().write(PAGE);
        page.finish();
        assertEquals(List.of(APP_CSP), container.headers("Content-Security-Policy"));
        assertEquals(List.of(ownPolicy(reporting)), container.headers("Content-Security-Policy-Report-Only"));
        assertTrue(hasPlaceholder(container.body(StandardCharsets.UTF_8)));
    }

    @Test
    void withCspOffNoPolicyIsAdded() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        assertEquals(List.of(), container.headers("Content-Security-Policy"));
        assertEquals(List.of(), container.headers("Content-Security-Policy-Report-Only"));
    }

    @Test
    void nonHtmlPassesThroughByteForByte() throws IOException {
        byte[] bytes = new byte[3000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        byte[] iframe = IFRAME.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(iframe, 0, bytes, 1000, iframe.length);
        response.setContentType("application/octet-stream");
        response.getOutputStream().write(bytes, 0, 1500);
        response.getOutputStream().write(bytes, 1500, 1500);
        response.finish();
        assertArrayEquals(bytes, container.body.toByteArray());
        assertNull(container.header("Vary"));
    }

    @Test
    void htmlWithAnErrorStatusPassesThrough() throws IOException {
        container.response.setStatus(404);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        assertEquals(PAGE, container.body(StandardCharsets.UTF_8));
    }

    @Test
    void writerAndStreamDoNotMix() throws IOException {
        response.getWriter();
        IllegalStateException stream = assertThrows(IllegalStateException.class, response::getOutputStream);
        assertEquals("getWriter() has already been called for this response", stream.getMessage());

        RewritingResponse other = new RewritingResponse(new Container().response, request, runtime);
        other.getOutputStream();
        IllegalStateException writer = assertThrows(IllegalStateException.class, other::getWriter);
        assertEquals("getOutputStream() has already been called for this response", writer.getMessage());
        assertSame(other.getOutputStream(), other.getOutputStream());
    }

    @Test
    void theWriterIsOneAndDefaultsToIso88591() throws IOException {
        PrintWriter writer = response.getWriter();
        assertSame(writer, response.getWriter());
        response.setContentType("application/json");
        writer.write("{\"a\":\"\u00e9\"}");
        response.finish();
        assertArrayEquals("{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1), container.body.toByteArray(),
                "the servlet default charset, ISO-8859-1");
    }

    @Test
    void contentLengthIsHeldThenDroppedWhenRewritten() throws IOException {
        RewritingResponse response = new RewritingResponse(container.response, request, streaming);
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(PAGE.length());
        response.setHeader("Content-Length", "17");
        response.addIntHeader("Content-Length", 18);
        response.getWriter().write(PAGE);
        response.setContentLengthLong(19);
        response.finish();
        verify(container.response, never()).setContentLengthLong(anyLong());
        verify(container.response, never()).setContentLength(anyInt());
        verify(container.response, never()).setIntHeader(anyString(), anyInt());
        verify(container.response, never()).addIntHeader(anyString(), anyInt());
        assertNull(container.header("Content-Length"));
        assertTrue(hasPlaceholder(container.body(StandardCharsets.UTF_8)));
    }

    @Test
    void aWholeRewrittenPageWithinTheLookAheadGetsItsNewLength() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(PAGE.length());
        response.getWriter().write(PAGE);
        response.finish();
        byte[] body = container.body(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        assertTrue(hasPlaceholder(new String(body, StandardCharsets.UTF_8)));
        verify(container.response).setContentLengthLong(body.length);
        verify(container.response, never()).setContentLengthLong(PAGE.length());
        assertEquals("Cookie", container.header("Vary"));
    }

    @Test
    void aWholePageWithoutEmbedsWithinTheLookAheadKeepsTheApplicationsHeaders() throws IOException {
        String page = "<!DOCTYPE html><html><head><title>t</title></head><body><p>no embeds</p></body></html>";
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "public, max-age=600");
        response.setHeader("ETag", "\"v1\"");
        response.setContentLength(page.length());
        response.getWriter().write(page);
        response.finish();
        assertEquals(page, container.body(StandardCharsets.UTF_8));
        verify(container.response).setContentLengthLong(page.length());
        assertEquals("public, max-age=600", container.header("Cache-Control"));
        assertEquals("\"v1\"", container.header("ETag"));
        assertNull(container.header("Vary"));
    }

    @Test
    void aPageLongerThanTheLookAheadStreamsWithTheRewrittenHeaders() throws IOException {
        String filler = "<p>" + "x".repeat(1000) + "</p>\n";
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "public, max-age=600");
        ServletOutputStream out = response.getOutputStream();
        out.write("<!DOCTYPE html><html><body>".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 40; i++) {
            out.write(filler.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(container.body(StandardCharsets.UTF_8).length() >= EmbedConsentConfig.DEFAULT_LOOK_AHEAD / 2,
                "past the look-ahead the page streams before it ends");
        assertEquals("Cookie", container.header("Vary"));
        assertEquals("private, max-age=600", container.header("Cache-Control"));
        out.write("</body></html>".getBytes(StandardCharsets.UTF_8));
        response.finish();
        verify(container.response, never()).setContentLengthLong(anyLong());
    }

    @Test
    void aPageAnnouncedLongerThanTheLookAheadStreamsAtOnce() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(EmbedConsentConfig.DEFAULT_LOOK_AHEAD + 1);
        ServletOutputStream out = response.getOutputStream();
        out.write("<!DOCTYPE html><html><body><p>first</p>".getBytes(StandardCharsets.UTF_8));
        assertEquals("<!DOCTYPE html><html><body><p>first</p>", container.body(StandardCharsets.UTF_8),
                "nothing is held for a page that cannot end within the look-ahead");
        assertEquals("Cookie", container.header("Vary"));
        out.write("</body></html>".getBytes(StandardCharsets.UTF_8));
        response.finish();
        verify(container.response, never()).setContentLengthLong(anyLong());
    }

    @Test
    void aFlushBeforeTheEndCommitsTheRewrittenHeaders() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        ServletOutputStream out = response.getOutputStream();
        out.write("<!DOCTYPE html><html><body><p>first</p>".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertEquals("<!DOCTYPE html><html><body><p>first</p>", container.body(StandardCharsets.UTF_8));
        assertEquals("Cookie", container.header("Vary"));
        out.write("</body></html>".getBytes(StandardCharsets.UTF_8));
        response.finish();
    }

    @Test
    void contentLengthIsHeldThenSetWhenPassingThrough() throws IOException {
        response.setContentType("text/plain");
        response.setIntHeader("Content-Length", 4);
        verify(container.response, never()).setContentLengthLong(anyLong());
        response.getOutputStream().write("four".getBytes(StandardCharsets.US_ASCII));
        verify(container.response).setContentLengthLong(4);
        response.setContentLength(5);
        verify(container.response).setContentLengthLong(5);
    }

    @Test
    void setContentLengthLongKeepsItsValue() throws IOException {
        long big = 5_000_000_000L;
        response.setContentType("video/mp4");
        response.setContentLengthLong(big);
        verify(container.response, never()).setContentLengthLong(anyLong());
        response.flushBuffer();
        verify(container.response).setContentLengthLong(big);
    }

    @Test
    void aMalformedContentLengthHeaderIsIgnored() throws IOException {
        response.setContentType("text/plain");
        response.setHeader("Content-Length", "many");
        response.finish();
        verify(container.response, never()).setContentLengthLong(anyLong());
        verify(container.response, never()).setHeader(any(), any());
    }

    @Test
    void etagIsHeldAndGetsTheConsentVariantWhenRewritten() throws IOException {
        response.setHeader("ETag", "W/\"v1\"");
        verify(container.response, never()).setHeader(any(), any());
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        assertTrue(container.header("ETag").matches("W/\"v1-ec[0-9a-f]{8}\""), container.header("ETag"));
    }

    @Test
    void etagIsSetAsGivenWhenPassingThrough() throws IOException {
        response.addHeader("ETag", "\"v1\"");
        response.setContentType("text/css");
        response.getWriter().write("p{}");
        response.finish();
        assertEquals("\"v1\"", container.header("ETag"));
    }

    @Test
    void contentTypeSetLateThroughAHeaderDecides() throws IOException {
        ServletOutputStream out = response.getOutputStream();
        response.addHeader("Content-Type", "text/html; charset=UTF-8");
        out.write(PAGE.getBytes(StandardCharsets.UTF_8));
        response.setContentType("text/plain");
        response.finish();
        assertTrue(hasPlaceholder(container.body(StandardCharsets.UTF_8)), "the type when the first byte came");
    }

    @Test
    void cachingHeadersSetAfterTheDecisionKeepOurTerms() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.flushBuffer();
        response.setHeader("Cache-Control", "public, max-age=60");
        response.addHeader("Vary", "Accept-Language");
        assertEquals("private, max-age=60", container.header("Cache-Control"));
        assertEquals("Cookie, Accept-Language", container.header("Vary"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "ISO-8859-1"})
    void theCharsetOfContentTypeIsThePageCharset(String name) throws IOException {
        Charset charset = Charset.forName(name);
        String german = "<html lang=\"de\"><body><p>Grüße</p>" + IFRAME + "</body></html>";
        response.setContentType("text/html; charset=" + name);
        response.getOutputStream().write(german.getBytes(charset));
        response.finish();
        String body = container.body(charset);
        assertTrue(body.contains("<p>Grüße</p>"), body);
        assertTrue(body.contains("übertragen"), "the placeholder's German text, encoded in " + name + ": " + body);
        assertTrue(hasPlaceholder(body), body);
    }

    @Test
    void theWriterUsesTheCharsetOfContentTypeAndKeepsIt() throws IOException {
        response.setContentType("text/html; charset=ISO-8859-1");
        PrintWriter writer = response.getWriter();
        response.setContentType("text/html; charset=UTF-8");
        response.setHeader("Content-Type", "text/html; charset=UTF-16");
        response.setCharacterEncoding("UTF-16");
        writer.write("<p>Grüße</p>");
        response.finish();
        assertEquals("text/html;charset=ISO-8859-1", container.response.getContentType());
        assertArrayEquals("<p>Grüße</p>".getBytes(StandardCharsets.ISO_8859_1), container.body.toByteArray());
    }

    @Test
    void servlet61ByteBufferWritesReachTheContainerAsTheyAre() throws IOException {
        response.setContentType("application/octet-stream");
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
        response.getOutputStream().write(buffer);
        verify(container.stream).write(buffer);
        assertFalse(buffer.hasRemaining());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, container.body.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void servlet61ByteBufferWritesAreRewritten(boolean direct) throws IOException {
        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        int capacity = page.length + 20;
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        buffer.position(7);
        buffer.put(page).flip().position(7);
        ByteBuffer slice = direct ? buffer : buffer.slice();
        response.setContentType("text/html;charset=UTF-8");
        response.getOutputStream().write(slice);
        response.finish();
        assertFalse(slice.hasRemaining(), "the buffer is consumed");
        String body = container.body(StandardCharsets.UTF_8);
        assertTrue(hasPlaceholder(body), body);
        assertTrue(body.startsWith("<!DOCTYPE html>"), body);
    }

    @Test
    void flushBufferSendsWhatTheWriterHolds() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<!DOCTYPE html><p>first</p>");
        assertEquals(0, container.body.size(), "still in the writer's encoder");
        response.flushBuffer();
        assertEquals("<!DOCTYPE html><p>first</p>", container.body(StandardCharsets.UTF_8));
        verify(container.response).flushBuffer();
        verify(container.stream).flush();
    }

    @Test
    void flushBufferBeforeAnyBodyDecides() throws IOException {
        response.setContentType("text/html");
        response.setContentLength(10);
        response.flushBuffer();
        assertEquals("Cookie", container.header("Vary"), "rewritten: the consent headers are set");
        verify(container.response).flushBuffer();
        verify(container.response, never()).getOutputStream();
        response.setContentType("text/plain");
        response.getWriter().write(IFRAME);
        response.finish();
        verify(container.response, never()).setContentLengthLong(anyLong());
        assertTrue(hasPlaceholder(container.body(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void sendErrorGoesToTheContainerAndDropsWhatTheRewriterHolds() throws IOException {
        RewritingResponse response = new RewritingResponse(container.response, request, streaming);
        response.setContentType("text/html;charset=UTF-8");
        ServletOutputStream out = response.getOutputStream();
        out.write("<p>a</p><iframe src=\"".getBytes(StandardCharsets.UTF_8));
        out.write((YT + "\">").getBytes(StandardCharsets.UTF_8));
        response.sendError(500, "boom");
        response.finish();
        verify(container.response).sendError(500, "boom");
        assertEquals("<p>a</p>", container.body(StandardCharsets.UTF_8), "the held embed is not written after it");
    }

    @Test
    void sendErrorDropsAPageStillInTheLookAhead() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        ServletOutputStream out = response.getOutputStream();
        out.write("<p>a</p><iframe src=\"".getBytes(StandardCharsets.UTF_8));
        out.write((YT + "\">").getBytes(StandardCharsets.UTF_8));
        response.sendError(500, "boom");
        response.finish();
        verify(container.response).sendError(500, "boom");
        assertEquals("", container.body(StandardCharsets.UTF_8), "nothing of the page precedes the error page");
    }

    @Test
    void sendErrorWithoutAMessage() throws IOException {
        response.sendError(404);
        verify(container.response).sendError(404);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        assertEquals(PAGE, container.body(StandardCharsets.UTF_8), "the error page is not rewritten");
        verify(container.response, never()).sendError(anyInt(), any());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void sendRedirectGoesToTheContainerUntouched(int overload) throws IOException {
        response.setHeader("ETag", "\"e\"");
        switch (overload) {
            case 0 -> response.sendRedirect("/elsewhere?a=b#c");
            case 1 -> response.sendRedirect("/elsewhere?a=b#c", 307);
            case 2 -> response.sendRedirect("/elsewhere?a=b#c", false);
            default -> response.sendRedirect("/elsewhere?a=b#c", 308, true);
        }
        switch (overload) {
            case 0 -> verify(container.response).sendRedirect("/elsewhere?a=b#c");
            case 1 -> verify(container.response).sendRedirect("/elsewhere?a=b#c", 307);
            case 2 -> verify(container.response).sendRedirect("/elsewhere?a=b#c", false);
            default -> verify(container.response).sendRedirect("/elsewhere?a=b#c", 308, true);
        }
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        assertEquals(PAGE, container.body(StandardCharsets.UTF_8), "a body after the redirect is not rewritten");
        assertNull(container.header("ETag"), "the held tag belonged to the page the redirect replaced");
        assertNull(container.header("Vary"));
    }

    @Test
    void resetBufferDropsPendingCharacters() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter writer = response.getWriter();
        writer.write("<p>dropped</p>");
        response.resetBuffer();
        writer.write("<p>kept</p>");
        response.finish();
        verify(container.response).resetBuffer();
        assertEquals("<p>kept</p>", container.body(StandardCharsets.UTF_8));
    }

    @Test
    void resetForgetsHeldHeadersAndTheWriter() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(99);
        response.setHeader("ETag", "\"old\"");
        response.getWriter().write("<p>dropped</p>");
        response.reset();
        verify(container.response).reset();
        container.clear();

        response.setContentType("text/plain");
        response.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
        response.finish();
        assertEquals("new", container.body(StandardCharsets.US_ASCII));
        verify(container.response, never()).setContentLengthLong(anyLong());
        assertNull(container.header("ETag"));
    }

    @Test
    void resetTakesTheDecisionAgain() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<p>dropped</p>");
        response.flushBuffer();
        assertEquals("Cookie", container.header("Vary"), "decided: rewritten");
        response.reset();
        container.clear();

        response.setContentType("image/png");
        response.getOutputStream().write(IFRAME.getBytes(StandardCharsets.UTF_8));
        response.setHeader("Cache-Control", "public, max-age=60");
        response.setContentLength(IFRAME.length());
        response.finish();
        assertEquals(IFRAME, container.body(StandardCharsets.UTF_8), "decided again: passed through");
        assertNull(container.header("Vary"));
        assertEquals("public, max-age=60", container.header("Cache-Control"));
        verify(container.response).setContentLengthLong(IFRAME.length());
    }

    @Test
    void closingTheStreamFinishesTheDocumentAndClosesTheContainers() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        ServletOutputStream out = response.getOutputStream();
        out.write(("<p>a</p><iframe src=\"" + YT + "\">").getBytes(StandardCharsets.UTF_8));
        out.close();
        verify(container.stream).close();
        assertTrue(container.body(StandardCharsets.UTF_8).contains("data-consent-provider=\"youtube\""),
                "the unfinished embed is neutralized at the end");
        assertThrows(IOException.class, () -> out.write('x'));
        out.close();
        out.flush();
        verify(container.stream).close();
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        response.setContentType("text/plain");
        ServletOutputStream out = response.getOutputStream();
        out.write('a');
        out.close();
        IOException e = assertThrows(IOException.class, () -> out.write('b'));
        assertEquals("the response output is already closed", e.getMessage());
        assertEquals("a", container.body(StandardCharsets.US_ASCII));
    }

    @Test
    void nonBlockingOutputPassesThroughWithItsHeldHeaders() throws IOException {
        WriteListener listener = mock(WriteListener.class);
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(PAGE.length());
        response.setHeader("ETag", "\"v\"");
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(listener);
        verify(container.stream).setWriteListener(listener);
        verify(container.response).setContentLengthLong(PAGE.length());
        assertEquals("\"v\"", container.header("ETag"));
        assertTrue(out.isReady());
        out.write(PAGE.getBytes(StandardCharsets.UTF_8));
        response.finish();
        assertEquals(PAGE, container.body(StandardCharsets.UTF_8));
        assertNull(container.header("Vary"));
    }

    @Test
    void finishIsIdempotent() throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(PAGE);
        response.finish();
        int length = container.body.size();
        response.finish();
        assertEquals(length, container.body.size());
    }

    /**
     * The container's response: a Mockito mock keeping headers, type, charset and status as a container does, with
     * a mocked output stream that collects the body.
     */
    private static final class Container {
        final HttpServletResponse response = mock(HttpServletResponse.class);
        final ServletOutputStream stream = mock(ServletOutputStream.class, CALLS_REAL_METHODS);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private @Nullable String type;
        private @Nullable String charset;
        private int status = 200;

        Container() {
            try {
                doAnswer(i -> {
                    body.write(i.<Integer>getArgument(0));
                    return null;
                }).when(stream).write(anyInt());
                doReturn(true).when(stream).isReady();
                when(response.getOutputStream()).thenReturn(stream);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            doAnswer(i -> put(i.getArgument(0), i.getArgument(1), true)).when(response)
                    .setHeader(anyString(), nullable(String.class));
            doAnswer(i -> {
                contentType(i.getArgument(0));
                return null;
            }).when(response).setContentType(nullable(String.class));
            doAnswer(i -> put(i.getArgument(0), i.getArgument(1), false)).when(response)
                    .addHeader(anyString(), nullable(String.class));
            when(response.getHeader(anyString())).thenAnswer(i -> header(i.getArgument(0)));
            when(response.getHeaders(anyString()))
                    .thenAnswer(i -> List.copyOf(headers.getOrDefault(i.<String>getArgument(0), List.of())));
            when(response.containsHeader(anyString())).thenAnswer(i -> headers.containsKey(i.<String>getArgument(0)));
            doAnswer(i -> {
                charset = i.getArgument(0);
                return null;
            }).when(response).setCharacterEncoding(nullable(String.class));
            when(response.getContentType()).thenAnswer(i -> type == null ? null
                    : charset == null ? type : type + ";charset=" + charset);
            when(response.getCharacterEncoding()).thenAnswer(i -> charset == null ? "ISO-8859-1" : charset);
            when(response.getStatus()).thenAnswer(i -> status);
            doAnswer(i -> {
                status = i.getArgument(0);
                return null;
            }).when(response).setStatus(anyInt());
        }

        /** A container treats a {@code Content-Type} header as {@code setContentType}. */
        private @Nullable Object put(String name, @Nullable String value, boolean replace) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                contentType(value);
                return null;
            }
            if (replace) {
                headers.remove(name);
            }
            if (value != null) {
                headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
            return null;
        }

        private void contentType(@Nullable String value) {
            int semi = value == null ? -1 : value.indexOf(';');
            type = semi < 0 ? value : value.substring(0, semi).strip();
            Charset c = ContentTypes.charset(value);
            charset = c == null ? charset : c.name();
        }

        List<String> headers(String name) {
            return List.copyOf(headers.getOrDefault(name, List.of()));
        }

        @Nullable String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        String body(Charset charset) {
            return body.toString(charset);
        }

        /** What {@code reset()} clears in a container. */
        void clear() {
            headers.clear();
            body.reset();
            type = null;
            charset = null;
        }
    }
}

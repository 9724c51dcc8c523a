package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheHeadersTest {
    @Test
    void varyAppendsCookieOnce() {
        assertEquals("Cookie", CacheHeaders.vary(List.of()));
        assertEquals("Accept-Encoding, Cookie", CacheHeaders.vary(List.of("Accept-Encoding")));
        assertEquals("Accept-Encoding, Accept-Language, Cookie",
                CacheHeaders.vary(List.of("Accept-Encoding", "Accept-Language")));
        assertEquals("cookie, Origin", CacheHeaders.vary(List.of("cookie, Origin")));
        assertEquals("*", CacheHeaders.vary(List.of("*")));
    }

    @Test
    void cacheControlByAudience() {
        List<String> app = List.of("public, max-age=600, s-maxage=3600");
        assertEquals("private, max-age=600", CacheHeaders.cacheControl(CacheHeaders.Audience.VISITOR, app));
        assertEquals("private, no-store", CacheHeaders.cacheControl(CacheHeaders.Audience.ONE_VISIT, app));
    }

    @Test
    void aPageForEveryoneKeepsTheApplicationsVaryAndCacheControl() {
        HttpServletResponse container = mock(HttpServletResponse.class);
        when(container.getHeader("ETag")).thenReturn(null);
        HeldHeaders held = new HeldHeaders(CacheHeaders.Audience.EVERYONE);
        held.etag("\"v1\"");
        held.length(42);
        held.rewritten(container, ConsentRuntime.SHARED_VARIANT);
        verify(container).setHeader("ETag", "\"v1-ec" + ConsentRuntime.SHARED_VARIANT + "\"");
        verify(container, never()).setHeader(
                eq("Vary"), anyString());
        verify(container, never()).setHeader(
                eq("Cache-Control"), anyString());
        verify(container, never()).setContentLengthLong(42);
    }

    @Test
    void cacheControlBecomesPrivate() {
        assertEquals("private", CacheHeaders.cacheControl(List.of()));
        assertEquals("private, max-age=600", CacheHeaders.cacheControl(List.of("public, max-age=600")));
        assertEquals("private, max-age=60", CacheHeaders.cacheControl(List.of("max-age=60, s-maxage=3600")));
        assertEquals("private, max-age=60", CacheHeaders.cacheControl(List.of("PUBLIC", "max-age=60")));
        assertEquals("no-store", CacheHeaders.cacheControl(List.of("no-store")));
        assertEquals("private, no-cache", CacheHeaders.cacheControl(List.of("private, no-cache")));
        assertEquals("private, no-cache, must-revalidate",
                CacheHeaders.cacheControl(List.of("no-cache, must-revalidate, proxy-revalidate")));
    }

    @Test
    void etagKeepsItsMeaningAndGetsAVariant() {
        assertEquals("\"v1-ec1234abcd\"", CacheHeaders.etag("\"v1\"", "1234abcd"));
        assertEquals("W/\"v1-ec1234abcd\"", CacheHeaders.etag("W/\"v1\"", "1234abcd"));
        assertEquals("\"bare-ec00\"", CacheHeaders.etag("bare", "00"));
        assertNull(CacheHeaders.etag(null, "00"));
    }

    @Test
    void variantTags() {
        assertTrue(CacheHeaders.hasVariant("\"v1-ec1234abcd\""));
        assertTrue(CacheHeaders.hasVariant("W/\"v1-ec1234abcd\""));
        assertFalse(CacheHeaders.hasVariant("\"v1\""));
        assertFalse(CacheHeaders.hasVariant("\"v1-ec12\""));
    }
}

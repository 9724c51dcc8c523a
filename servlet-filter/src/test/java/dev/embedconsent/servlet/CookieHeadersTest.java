package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CookieHeadersTest {
    static HttpServletRequest request(boolean secure, String contextPath) {
        return (HttpServletRequest) Proxy.newProxyInstance(CookieHeadersTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isSecure" -> secure;
                    case "getContextPath" -> contextPath;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void secureOnlyOverHttps() {
        assertEquals("ec_consent=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax",
                CookieHeaders.set("ec_consent", "v", "/", Duration.ofMinutes(1), request(false, "")));
        assertEquals("ec_consent=v; Path=/app; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
                CookieHeaders.set("ec_consent", "v", "/app", Duration.ofMinutes(1), request(true, "/app")));
    }

    @Test
    void deleteAndContextPath() {
        assertTrue(CookieHeaders.delete("ec_once", "/p", request(false, "")).contains("Max-Age=0"));
        assertEquals("/", CookieHeaders.contextPath(request(false, "")));
        assertEquals("/shop", CookieHeaders.contextPath(request(false, "/shop")));
    }

    @Test
    void cookiePathCharacters() {
        assertTrue(CookieHeaders.isCookiePath("/news/visit-2024"));
        assertFalse(CookieHeaders.isCookiePath("/a;b"));
        assertFalse(CookieHeaders.isCookiePath("/a b"));
        assertFalse(CookieHeaders.isCookiePath("relative"));
    }

    @Test
    void pathFromARequestCannotAddAttributes() {
        assertEquals("/news/visit", CookieHeaders.pathOr("/news/visit", request(false, "")));
        assertEquals("/", CookieHeaders.pathOr("/news;Domain=evil.example", request(false, "")));
        assertEquals("/shop", CookieHeaders.pathOr("/shop/a,b", request(false, "/shop")));
    }
}

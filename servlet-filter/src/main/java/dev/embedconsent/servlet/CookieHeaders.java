package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;

/**
 * {@code Set-Cookie} values for the consent cookies, written by hand so every container emits the same attributes:
 * {@code HttpOnly} (the activation script never needs to read them), {@code SameSite=Lax} (sent on the top-level
 * redirect back after a form post, never on cross-site subresource requests), {@code Secure} when the request came
 * over HTTPS, and {@code Path} = the context path (or {@code /}). The one exception is {@link #readable}, for the
 * {@code ec_hint} cookie the script reads, which holds no secret.
 */
final class CookieHeaders {
    private CookieHeaders() {}

    static String set(String name, String value, String path, Duration maxAge, HttpServletRequest request) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + Math.max(0, maxAge.toSeconds())
                + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : "");
    }

    /** As {@link #set}, without {@code HttpOnly}: for a value the activation script reads and that proves nothing. */
    static String readable(String name, String value, String path, Duration maxAge, HttpServletRequest request) {
        return set(name, value, path, maxAge, request).replace("; HttpOnly", "");
    }

    static String delete(String name, String path, HttpServletRequest request) {
        return set(name, "", path, Duration.ZERO, request);
    }

    /** The context path, or {@code /} for the root context. */
    static String contextPath(HttpServletRequest request) {
        String context = request.getContextPath();
        return context == null || context.isEmpty() ? "/" : context;
    }

    /**
     * {@code path} when it can be a cookie {@code Path} attribute as it is, else the context path. Every
     * {@code Path} taken from a request goes through here: a raw request URI may hold {@code ;}, which would start
     * further attributes ({@code /page;Domain=example.org}).
     */
    static String pathOr(String path, HttpServletRequest request) {
        return isCookiePath(path) ? path : contextPath(request);
    }

    /** Whether {@code path} can be a cookie {@code Path} attribute as it is. */
    static boolean isCookiePath(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ';' || c == ',' || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}

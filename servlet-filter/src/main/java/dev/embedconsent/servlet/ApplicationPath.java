package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The decoded path of a request within the web app, without the context path: {@code /embed-consent/consent} for
 * {@code /shop/embed-consent/consent} in the context {@code /shop}. The endpoints and {@code exclude} patterns are
 * matched against it.
 */
final class ApplicationPath {
    private ApplicationPath() {}

    /** Servlet path plus path info; the request URI less the context path when both are empty; {@code /} at least. */
    static String of(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (path.isEmpty()) {
            String uri = request.getRequestURI();
            String context = request.getContextPath();
            path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        }
        return path.isEmpty() ? "/" : path;
    }
}

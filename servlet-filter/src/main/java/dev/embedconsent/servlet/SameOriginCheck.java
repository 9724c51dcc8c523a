package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a state-changing request comes from the site itself, trusting the browser's signals in this order:
 * {@code Sec-Fetch-Site} ({@code same-origin} or {@code none} pass, anything else is cross-site), then {@code Origin},
 * then {@code Referer} (their scheme, host and port must equal the request's; {@code Origin: null} is cross-site).
 * Behind a reverse proxy the container must see the public scheme and host (Tomcat {@code RemoteIpValve}, Jetty
 * {@code ForwardedRequestCustomizer}), or every post looks cross-site.
 *
 * <p>A request with none of the three headers is {@link Verdict#NO_SIGNAL}: every current browser sends
 * {@code Origin} on a POST, so such a request comes from a non-browser client (or a very old browser). The endpoint
 * refuses it for form posts, which are what a cross-site attack would forge, and accepts it for JSON, which a browser
 * can send cross-site only after a CORS preflight that this endpoint never grants.
 */
final class SameOriginCheck {
    enum Verdict { SAME_ORIGIN, CROSS_SITE, NO_SIGNAL }

    private SameOriginCheck() {}

    static Verdict check(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            String site = fetchSite.strip().toLowerCase(Locale.ROOT);
            return site.equals("same-origin") || site.equals("none") ? Verdict.SAME_ORIGIN : Verdict.CROSS_SITE;
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return sameOrigin(request, origin) ? Verdict.SAME_ORIGIN : Verdict.CROSS_SITE;
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return sameOrigin(request, referer) ? Verdict.SAME_ORIGIN : Verdict.CROSS_SITE;
        }
        return Verdict.NO_SIGNAL;
    }

    private static boolean sameOrigin(HttpServletRequest request, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null) {
            return false;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        return scheme.equals(request.getScheme().toLowerCase(Locale.ROOT))
                && unbracketed(host).equalsIgnoreCase(unbracketed(request.getServerName()))
                && port(scheme, uri.getPort()) == port(scheme, request.getServerPort());
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String scheme, int port) {
        if (port > 0) {
            return port;
        }
        return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }

    /**
     * The path to redirect to after a form post: {@code candidate} when it is a same-origin absolute path, else
     * {@code fallback}. One {@code /} followed by anything but {@code /} or {@code \} is a path to every browser;
     * control characters and spaces are refused because browsers drop tabs and newlines ({@code /<TAB>/evil} would
     * become {@code //evil}) and a header cannot carry them, and non-ASCII because it is not sent raw. Query
     * characters such as {@code |} or {@code ^}, which browsers send unescaped, are kept.
     */
    static String safeReturnPath(@Nullable String candidate, String fallback) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > 2048 || candidate.charAt(0) != '/'
                || candidate.startsWith("//")) {
            return fallback;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '\\') {
                return fallback;
            }
        }
        return candidate;
    }
}

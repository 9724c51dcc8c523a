package dev.embedconsent.examples;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Sends a strict Content Security Policy with a fresh nonce per response, as a site with a hardened CSP would:
 * {@code default-src 'self'; script-src 'self' 'nonce-…'}, no {@code 'unsafe-inline'}. The nonce goes into the
 * request attribute {@value #NONCE_ATTRIBUTE}; the Embed Consent filter is configured with
 * {@code csp-nonce-attribute} of that name, so it puts the nonce on the activation script, which copies it onto the
 * scripts an embed needs.
 */
public final class StrictCspFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    public static final String NONCE_ATTRIBUTE = "dev.embedconsent.examples.cspNonce";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The policy for a nonce. Frames may come from any https origin once the visitor activates them. */
    public static String policy(String nonce) {
        return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self'; img-src 'self'; "
                + "frame-src https:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        request.setAttribute(NONCE_ATTRIBUTE, nonce);
        response.setHeader("Content-Security-Policy", policy(nonce));
        chain.doFilter(request, response);
    }
}

package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Which responses the filter rewrites. {@link #DEFAULT} rewrites a response only when all of these hold:
 * <ul>
 *   <li>the method is {@code GET} or {@code HEAD}, and the request was not marked with
 *       {@link EmbedConsentFilter#skip};</li>
 *   <li>the status is 2xx, but not {@code 206 Partial Content};</li>
 *   <li>there is no {@code Content-Encoding} (the body is already encoded, e.g. by an inner gzip filter) and no
 *       {@code Content-Range};</li>
 *   <li>the media type of {@code Content-Type} (from {@code setContentType} or a header) is {@code text/html}.</li>
 * </ul>
 * These rules are what a streamed HTML rewrite needs, so every policy keeps them; {@link #and} adds conditions of
 * the application's own:
 * <pre>{@code
 * RewritePolicy policy = RewritePolicy.DEFAULT
 *         .and((request, response) -> !request.getRequestURI().startsWith("/legacy/"))
 *         .and((request, response) -> response.getHeader("X-Embeds-Vetted") == null);
 * EmbedConsentFilter filter = EmbedConsentFilter.builder().rewritePolicy(policy).build();
 * }</pre>
 *
 * <p>The filter asks once per response, at the first body write or flush (or at the end when nothing was written),
 * with the container's response and the headers set so far. Paths matching {@code exclude} never reach the policy.
 * Immutable and thread-safe when its conditions are.
 */
public final class RewritePolicy {
    /** The built-in rules and nothing else. */
    public static final RewritePolicy DEFAULT = new RewritePolicy(List.of());

    private final List<BiPredicate<? super HttpServletRequest, ? super HttpServletResponse>> conditions;

    private RewritePolicy(List<BiPredicate<? super HttpServletRequest, ? super HttpServletResponse>> conditions) {
        this.conditions = conditions;
    }

    /** This policy, narrowed: a response is rewritten only if {@code condition} also says yes. */
    public RewritePolicy and(BiPredicate<? super HttpServletRequest, ? super HttpServletResponse> condition) {
        Objects.requireNonNull(condition, "condition");
        List<BiPredicate<? super HttpServletRequest, ? super HttpServletResponse>> more = new ArrayList<>(conditions);
        more.add(condition);
        return new RewritePolicy(List.copyOf(more));
    }

    /** Whether the body of {@code response}, as its headers stand now, is rewritten. */
    public boolean rewrites(HttpServletRequest request, HttpServletResponse response) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        if (!considers(request) || !isWholeHtmlSuccess(response)) {
            return false;
        }
        for (BiPredicate<? super HttpServletRequest, ? super HttpServletResponse> condition : conditions) {
            if (!condition.test(request, response)) {
                return false;
            }
        }
        return true;
    }

    /** The request-side rules alone, checked before the response is wrapped: a no here means no wrapper at all. */
    static boolean considers(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method))
                && request.getAttribute(EmbedConsentFilter.SKIP_ATTRIBUTE) == null;
    }

    private static boolean isWholeHtmlSuccess(HttpServletResponse response) {
        int status = response.getStatus();
        if (status < 200 || status > 299 || status == HttpServletResponse.SC_PARTIAL_CONTENT) {
            return false;
        }
        if (response.containsHeader("Content-Encoding") || response.containsHeader("Content-Range")) {
            return false;
        }
        String type = response.getContentType();
        if (type == null) {
            type = response.getHeader("Content-Type");
        }
        return type != null && ContentTypes.mediaType(type).equals("text/html");
    }
}

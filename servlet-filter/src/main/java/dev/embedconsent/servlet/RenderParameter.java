package dev.embedconsent.servlet;

import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ec-render} query parameter ({@link ConsentRuntime#RENDER_PARAMETER}) of {@code render-consented=client}:
 * a form post from a placeholder returns to its page with a fresh value added, and the filter renders a page whose
 * query carries it for that visitor alone ({@code Cache-Control: private, no-store}, {@code Vary: Cookie}).
 * <pre>{@code
 * RenderParameter.add("/news?id=4#video")        // "/news?id=4&ec-render=k3x9q2m1#video"
 * RenderParameter.remove("id=4&ec-render=k3x9")  // "id=4"
 * }</pre>
 * The value means nothing (it only keeps copies apart in a cache that ignores {@code no-store}); a link that carries
 * it shows each visitor their own page, never another's. It is never copied into a placeholder's return path.
 */
final class RenderParameter {
    private static final String NAME = ConsentRuntime.RENDER_PARAMETER;

    private RenderParameter() {}

    /** Whether a raw query string holds the parameter (with or without a value). */
    static boolean isIn(@Nullable String query) {
        if (query == null || !query.contains(NAME)) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (isOurs(pair)) {
                return true;
            }
        }
        return false;
    }

    /** The raw query string without the parameter; {@code null} when nothing else is left. */
    static @Nullable String remove(@Nullable String query) {
        if (query == null || !query.contains(NAME)) {
            return query;
        }
        StringJoiner kept = new StringJoiner("&");
        for (String pair : query.split("&")) {
            if (!pair.isEmpty() && !isOurs(pair)) {
                kept.add(pair);
            }
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    /** A same-origin path (as {@code SameOriginCheck.safeReturnPath} gives it) with a fresh parameter, before its fragment. */
    static String add(String path) {
        int hash = path.indexOf('#');
        String fragment = hash < 0 ? "" : path.substring(hash);
        String rest = hash < 0 ? path : path.substring(0, hash);
        int q = rest.indexOf('?');
        String query = q < 0 ? null : remove(rest.substring(q + 1));
        String base = q < 0 ? rest : rest.substring(0, q);
        String token = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        return base + "?" + (query == null ? "" : query + "&") + NAME + "=" + token + fragment;
    }

    private static boolean isOurs(String pair) {
        return pair.equals(NAME) || pair.startsWith(NAME + "=");
    }
}

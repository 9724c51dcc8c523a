package dev.embedconsent.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a rewritten response's caching headers change, by its {@link Audience}. For {@link Audience#VISITOR} the body
 * depends on the visitor's consent cookie, so:
 * {@code Vary} gains {@code Cookie}; {@code Cache-Control} becomes {@code private} (shared caches must not keep it);
 * an {@code ETag} gets a suffix naming the consent variant, keeping its weak/strong flag, so two variants never share
 * a validator and the application's own tag stays recognisable.
 *
 * <p>Revalidation: when {@code If-None-Match} carries a tag with the suffix of the visitor's current variant, the
 * application sees the tag without the suffix, so its own conditional handling can answer 304; that 304 then gets
 * the same header treatment (suffixed {@code ETag}, {@code Vary}, {@code Cache-Control}). A tag of another variant
 * keeps its suffix and therefore never matches.
 *
 * <p>{@link Audience#EVERYONE} ({@code render-consented=client}): the body is the same for every visitor, so only the
 * {@code ETag} gets a suffix (the fixed variant {@link ConsentRuntime#SHARED_VARIANT}); {@code Vary} and
 * {@code Cache-Control} stay the application's. {@link Audience#ONE_VISIT} (a client-mode page rendered for one
 * visitor, {@code ec-render}): as {@code VISITOR}, but {@code Cache-Control} is {@code private, no-store}.
 */
final class CacheHeaders {
    /** Whom a rewritten page's body is good for, which decides its caching headers. */
    enum Audience {
        /** Rendered for the visitor's consent ({@code render-consented=server}): {@code Vary: Cookie}, private. */
        VISITOR,
        /** The same for every visitor ({@code render-consented=client}): the application's caching headers. */
        EVERYONE,
        /** Rendered for this visitor on this one visit ({@code ec-render}): {@code private, no-store}. */
        ONE_VISIT
    }

    /** Between the application's tag and the consent variant. */
    static final String SUFFIX = "-ec";
    private static final Pattern VARIANT_TAG = Pattern.compile("(?:W/)?\".*-ec[0-9a-f]{8}\"");

    private CacheHeaders() {}

    /**
     * For the endpoints' own answers, which show or change one visitor's consent: {@code Cache-Control: private,
     * no-store} and {@code Vary: Cookie}, so no cache keeps them, and one that ignores {@code no-store} still never
     * hands them to another visitor.
     */
    static void personal(HttpServletResponse response) {
        response.setHeader("Cache-Control", "private, no-store");
        response.setHeader("Vary", "Cookie");
    }

    /** The new {@code Cache-Control} of a rewritten page for {@code audience}, given the existing values. */
    static String cacheControl(Audience audience, List<String> existing) {
        return audience == Audience.ONE_VISIT ? "private, no-store" : cacheControl(existing);
    }

    /** The new {@code Vary} value given the existing ones (each possibly a list). */
    static String vary(List<String> existing) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String header : existing) {
            for (String token : header.split(",")) {
                String t = token.strip();
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        boolean covered = tokens.stream().anyMatch(t -> t.equals("*") || t.equalsIgnoreCase("cookie"));
        if (!covered) {
            tokens.add("Cookie");
        }
        return String.join(", ", tokens);
    }

    /**
     * The new {@code Cache-Control}: {@code public} and {@code s-maxage} (shared caches only) are dropped,
     * {@code private} is added unless {@code no-store} already keeps every cache out; other directives stay.
     */
    static String cacheControl(List<String> existing) {
        List<String> directives = new ArrayList<>();
        boolean noStore = false;
        boolean isPrivate = false;
        for (String header : existing) {
            for (String part : header.split(",")) {
                String directive = part.strip();
                String name = directive.toLowerCase(Locale.ROOT);
                int eq = name.indexOf('=');
                String bare = eq < 0 ? name : name.substring(0, eq).strip();
                if (directive.isEmpty() || bare.equals("public") || bare.equals("s-maxage")
                        || bare.equals("proxy-revalidate")) {
                    continue;
                }
                noStore |= bare.equals("no-store");
                isPrivate |= bare.equals("private");
                directives.add(directive);
            }
        }
        if (!isPrivate && !noStore) {
            directives.add(0, "private");
        }
        return String.join(", ", directives);
    }

    /** Whether an entity tag carries a consent-variant suffix ({@code -ec} and eight hex digits). */
    static boolean hasVariant(String tag) {
        return VARIANT_TAG.matcher(tag).matches();
    }

    /** {@code "abc"} becomes {@code "abc-ec<variant>"}, {@code W/"abc"} becomes {@code W/"abc-ec<variant>"}. */
    static @Nullable String etag(@Nullable String etag, String variant) {
        if (etag == null || etag.isBlank()) {
            return etag;
        }
        String value = etag.strip();
        String prefix = "";
        if (value.startsWith("W/")) {
            prefix = "W/";
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return prefix + "\"" + value + SUFFIX + variant + "\"";
    }
}

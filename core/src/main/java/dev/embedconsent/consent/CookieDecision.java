package dev.embedconsent.consent;

import dev.embedconsent.record.Decision;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One decision carried in the consent cookie.
 *
 * @param provider provider id, lowercase letters, digits, {@code .}, {@code _} and {@code -}; or {@code host:} and a
 *     host name (an unknown host's stand-in)
 * @param decision {@code given}, {@code withdrawn} or {@code refused}
 * @param noticeVersion the notice version the decision was made on
 * @param expiry when it stops counting (whole seconds are kept)
 */
public record CookieDecision(String provider, Decision decision, String noticeVersion, Instant expiry) {

    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}|host:[a-z0-9._\\[\\]:-]{1,253}");

    public CookieDecision {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(noticeVersion, "noticeVersion");
        Objects.requireNonNull(expiry, "expiry");
        if (!PROVIDER.matcher(provider).matches()) {
            throw new IllegalArgumentException("provider id '" + provider + "' is not a lowercase id");
        }
        if (decision == Decision.EXPIRED) {
            throw new IllegalArgumentException("an expired decision is not carried in a cookie");
        }
    }
}

package dev.embedconsent.consent;

import dev.embedconsent.record.SubjectId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the signed consent cookie carries; see {@link ConsentCookieCodec} for the wire format.
 *
 * @param subject the visitor's pseudonymous id
 * @param decisions standing decisions, at most one per provider
 * @param expires when the whole cookie stops counting (whole seconds are kept)
 */
public record ConsentCookie(SubjectId subject, List<CookieDecision> decisions, Instant expires) {

    public ConsentCookie {
        Objects.requireNonNull(subject, "subject");
        decisions = List.copyOf(Objects.requireNonNull(decisions, "decisions"));
        Objects.requireNonNull(expires, "expires");
        if (decisions.stream().map(CookieDecision::provider).distinct().count() != decisions.size()) {
            throw new IllegalArgumentException("a cookie carries at most one decision per provider");
        }
    }
}

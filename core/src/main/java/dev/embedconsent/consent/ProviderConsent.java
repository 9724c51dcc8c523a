package dev.embedconsent.consent;

import dev.embedconsent.record.Decision;
import java.time.Instant;

/**
 * A subject's standing decision about one provider, as it reads now.
 *
 * @param provider provider id
 * @param decision the effective decision: a {@code given} decision whose expiry has passed or whose notice version
 *     is no longer the provider's current one reads as {@link Decision#EXPIRED}
 * @param noticeVersion the notice version the decision was made on
 * @param timestamp when it was made
 * @param expiry when it stops counting
 * @param recordId the record that proves it
 */
public record ProviderConsent(
        String provider,
        Decision decision,
        String noticeVersion,
        Instant timestamp,
        Instant expiry,
        String recordId) {

    public boolean granted() {
        return decision == Decision.GIVEN;
    }
}

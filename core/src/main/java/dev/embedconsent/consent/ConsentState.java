package dev.embedconsent.consent;

import dev.embedconsent.record.SubjectId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A subject's standing decisions, one per provider that the subject ever decided on with scope {@code provider}
 * (or withdrew). {@code once} grants are proof of a single activation and do not appear here.
 *
 * @param subject the visitor
 * @param providers decision per provider id, sorted by id
 */
public record ConsentState(SubjectId subject, Map<String, ProviderConsent> providers) {

    public ConsentState {
        providers = Collections.unmodifiableMap(new TreeMap<>(providers));
    }

    /** Whether the subject's consent for {@code provider} counts right now. */
    public boolean granted(String provider) {
        ProviderConsent consent = providers.get(provider);
        return consent != null && consent.granted();
    }

    public Optional<ProviderConsent> get(String provider) {
        return Optional.ofNullable(providers.get(provider));
    }

    /** Ids of the providers whose consent counts, for {@code PageContext.consentedProviders}. */
    public Set<String> consentedProviders() {
        Set<String> out = new LinkedHashSet<>();
        providers.forEach((id, consent) -> {
            if (consent.granted()) {
                out.add(id);
            }
        });
        return Collections.unmodifiableSet(out);
    }
}

package dev.embedconsent.provider;

import java.util.List;

/**
 * One third-party service whose embeds need consent, e.g. YouTube. Immutable.
 *
 * @param id stable id used in markup, cookies and records, e.g. {@code youtube}
 * @param name display name, e.g. {@code YouTube}
 * @param recipient the legal recipient of the data, e.g. {@code Google Ireland Limited}
 * @param privacyPolicyUrl an {@code https} URL
 * @param purposes what the provider uses the data for
 * @param dataCategories what data is transmitted
 * @param transfersOutsideEu whether data leaves the EU/EEA
 * @param noticeVersion changes whenever the notice changes; earlier consent then no longer counts
 * @param hosts host names (a leading {@code *.} matches any subdomain) the provider loads from
 * @param rules how its embeds are recognised
 */
public record Provider(
        String id,
        String name,
        String recipient,
        String privacyPolicyUrl,
        List<String> purposes,
        List<String> dataCategories,
        boolean transfersOutsideEu,
        String noticeVersion,
        List<String> hosts,
        List<MatchRule> rules) {

    public Provider {
        purposes = List.copyOf(purposes);
        dataCategories = List.copyOf(dataCategories);
        hosts = List.copyOf(hosts);
        rules = List.copyOf(rules);
    }
}

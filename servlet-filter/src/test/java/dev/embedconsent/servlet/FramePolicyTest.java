package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.TrustedHosts;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FramePolicyTest {
    private static final String TAIL = "; child-src 'self' blob: https:; report-uri /embed-consent/csp-report";
    private static final ProviderCatalogue SMALL = ProviderCatalogue.builder()
            .add(provider("tube", "tube.example", "*.tube.example", "www.tube.example", "*.cdn.tube.example"))
            .add(provider("maps", "maps.example", "*.maps.example", "tiles.example"))
            .build();

    private static Provider provider(String id, String... hosts) {
        return Provider.builder(id).name(id).recipient(id + " Ltd").privacyPolicyUrl("https://" + id + ".example/p")
                .purposes("embedding").dataCategories("ip-address").transfersOutsideEu(false).noticeVersion("1")
                .hosts(hosts)
                .rule(new MatchRule.Url(Set.of("iframe"), List.of(hosts[0]), null, List.of()))
                .build();
    }

    private static FramePolicy policy(CspMode mode, TrustedHosts trusted) {
        return FramePolicy.of(mode, SMALL, trusted, "/embed-consent/csp-report");
    }

    @Test
    void listsSelfAndEveryProviderHostOverHttpsWithWildcardsAsSources() {
        FramePolicy policy = policy(CspMode.ENFORCE, TrustedHosts.NONE);
        assertEquals("Content-Security-Policy", policy.headerName());
        assertEquals("frame-src 'self' https://tube.example https://*.tube.example https://maps.example "
                + "https://*.maps.example https://tiles.example" + TAIL, policy.value(Set.of()));
    }

    @Test
    void reportModeUsesTheReportOnlyHeaderWithTheSameValue() {
        FramePolicy report = policy(CspMode.REPORT, TrustedHosts.NONE);
        assertEquals("Content-Security-Policy-Report-Only", report.headerName());
        assertEquals(policy(CspMode.ENFORCE, TrustedHosts.NONE).value(Set.of()), report.value(Set.of()));
    }

    @Test
    void trustedHostsAndConsentedUnknownHostsAreAddedNamedProvidersAreNot() {
        FramePolicy policy = policy(CspMode.ENFORCE, TrustedHosts.parse("*.partner.example, player.example.net"));
        assertEquals("frame-src 'self' https://tube.example https://*.tube.example https://maps.example "
                + "https://*.maps.example https://tiles.example https://*.partner.example https://player.example.net "
                + "https://videos.example.org https://xn--bcher-kva.example" + TAIL,
                policy.value(Set.of("tube", "host:xn--bcher-kva.example", "host:videos.example.org")));
    }

    @Test
    void hostsCoveredByAWildcardOrNotWritableAreLeftOut() {
        FramePolicy policy = policy(CspMode.ENFORCE, TrustedHosts.parse("a.partner.example, *.partner.example"));
        String value = policy.value(Set.of("host:clips.tube.example", "host:[2001:db8::1]", "host:a.b.maps.example"));
        assertFalse(value.contains("www.tube.example"), value);
        assertFalse(value.contains("cdn.tube.example"), value);
        assertFalse(value.contains("a.partner.example"), value);
        assertFalse(value.contains("clips.tube.example") || value.contains("a.b.maps") || value.contains("2001"),
                value);
        assertEquals(policy.value(Set.of()), value, "nothing new to add");
    }

    @Test
    void manyAllowedUnknownHostsNeverPushTheHeaderPastTheLimit() {
        FramePolicy policy = FramePolicy.of(CspMode.ENFORCE, ProviderCatalogue.builtIn(), TrustedHosts.NONE,
                "/embed-consent/csp-report");
        Set<String> allowed = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) {
            allowed.add(String.format("host:videos-%03d.some-long-community-video-platform.example", i));
        }
        String value = policy.value(allowed);
        assertTrue(value.length() <= FramePolicy.MAX_VALUE_LENGTH, "length " + value.length());
        assertTrue(value.contains(" https://videos-000.some-long-community-video-platform.example "), value);
        assertFalse(value.contains("videos-299"), "hosts beyond the budget stay out");
        assertTrue(value.endsWith(TAIL), value);
    }

    @Test
    void theBuiltInPolicyFitsTheContainersDefaultHeaderLimit() {
        FramePolicy policy = FramePolicy.of(CspMode.ENFORCE, ProviderCatalogue.builtIn(), TrustedHosts.NONE,
                "/embed-consent/csp-report");
        String value = policy.value(Set.of());
        assertTrue(value.contains(" https://youtube.com https://*.youtube.com "), value);
        assertTrue(value.length() < 7 * 1024, "Jetty and Tomcat take 8 KB of response headers: " + value.length());
        assertFalse(value.contains("object-src") || value.contains("default-src"), value);
    }

    @Test
    void theReportPathCannotEndADirectiveOrAPolicy() {
        assertEquals("/a%3Bb%2Cc%22d%20e/%C3%BC/csp-report", FramePolicy.uriReference("/a;b,c\"d e/ü/csp-report"));
        FramePolicy policy = FramePolicy.of(CspMode.REPORT, SMALL, TrustedHosts.NONE, "/x;y/csp-report");
        assertTrue(policy.value(Set.of()).endsWith("; report-uri /x%3By/csp-report"));
    }

    @Test
    void ownHeaderNames() {
        FramePolicy policy = policy(CspMode.ENFORCE, TrustedHosts.NONE);
        assertTrue(policy.isOwnHeader("content-security-policy"));
        assertFalse(policy.isOwnHeader("Content-Security-Policy-Report-Only"));
    }
}

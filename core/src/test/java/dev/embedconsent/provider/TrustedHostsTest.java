package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedHostsTest {
    @Test
    void exactHostsAndSubdomainWildcards() {
        TrustedHosts trusted = TrustedHosts.parse(" *.Example.org, player.partner.example  cdn.example.net ");
        assertEquals(List.of("*.example.org", "player.partner.example", "cdn.example.net"), trusted.patterns());
        assertTrue(trusted.matches("media.example.org"));
        assertTrue(trusted.matches("a.b.example.org"));
        assertTrue(trusted.matches("MEDIA.EXAMPLE.ORG."));
        assertFalse(trusted.matches("example.org"), "a wildcard does not cover the bare domain");
        assertTrue(trusted.matches("player.partner.example"));
        assertFalse(trusted.matches("other.partner.example"));
        assertFalse(trusted.matches("evil-example.org"));
        assertFalse(trusted.matches("example.org.evil.example"));
        assertFalse(trusted.matches(""));
    }

    @Test
    void internationalNamesAreTrustedInPunycode() {
        TrustedHosts trusted = TrustedHosts.parse("bücher.example");
        assertEquals(List.of("xn--bcher-kva.example"), trusted.patterns());
        assertTrue(trusted.matches("xn--bcher-kva.example"));
    }

    @Test
    void anythingButAHostIsAClearError() {
        for (String bad : List.of("https://example.org", "example.org/path", "exa%mple.org", "*", "*.", "-x.example",
                "[::1]", "a..b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedHosts.parse(bad));
            assertTrue(e.getMessage().contains("is not a host name"), e.getMessage());
        }
        assertTrue(TrustedHosts.parse(" , ").isEmpty());
        assertEquals(TrustedHosts.NONE, TrustedHosts.parse(""));
    }
}

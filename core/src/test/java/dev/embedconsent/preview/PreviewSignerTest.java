package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.CookieKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreviewSignerTest {
    private static final CookieKey OLD = CookieKey.generate("old");
    private static final CookieKey NEW = CookieKey.generate("new");
    private static final PreviewKey KEY = new PreviewKey("youtube", 0, List.of("kU1_gDqGmQk"));

    @Test
    void aSignatureVerifiesForItsKeyOnly() {
        PreviewSigner signer = PreviewSigner.of(List.of(NEW));
        String signature = signer.sign(KEY);
        assertEquals(22, signature.length());
        assertTrue(signer.verify(KEY, signature));
        assertFalse(signer.verify(new PreviewKey("youtube", 0, List.of("kU1_gDqGmQl")), signature), "other id");
        assertFalse(signer.verify(new PreviewKey("youtube", 1, List.of("kU1_gDqGmQk")), signature), "other rule");
        assertFalse(signer.verify(new PreviewKey("vimeo", 0, List.of("kU1_gDqGmQk")), signature), "other provider");
        for (int i = 0; i < signature.length(); i++) {
            char c = signature.charAt(i);
            String altered = signature.substring(0, i) + (c == 'A' ? 'B' : 'A') + signature.substring(i + 1);
            assertFalse(signer.verify(KEY, altered), "altered at " + i);
        }
        assertFalse(signer.verify(KEY, signature.substring(0, 20)), "shortened");
        assertFalse(signer.verify(KEY, ""), "empty");
        assertFalse(signer.verify(KEY, "!!!!!!!!!!!!!!!!!!!!!!"), "not base64url");
    }

    @Test
    void anotherSitesKeyDoesNotVerify() {
        assertFalse(PreviewSigner.of(List.of(OLD)).verify(KEY, PreviewSigner.of(List.of(NEW)).sign(KEY)));
    }

    @Test
    void afterARotationOldUrlsStillVerifyAndNewOnesUseTheNewKey() {
        String before = PreviewSigner.of(List.of(OLD)).sign(KEY);
        PreviewSigner rotated = PreviewSigner.of(List.of(NEW, OLD));
        assertTrue(rotated.verify(KEY, before));
        assertNotEquals(before, rotated.sign(KEY));
        assertEquals(PreviewSigner.of(List.of(NEW)).sign(KEY), rotated.sign(KEY));
    }

    @Test
    void theDerivedKeyIsNotTheCookieKey() {
        // A cookie MAC over the same bytes must not be a valid preview signature: the purposes are separated.
        assertNotEquals(List.of(NEW.derive(PreviewSigner.PURPOSE)), List.of(NEW.derive("embed-consent cookie")));
    }

    @Test
    void keysParseOnlyTheirOwnShape() {
        assertEquals(KEY, PreviewKey.parse(List.of("youtube", "0", "kU1_gDqGmQk")));
        assertEquals("youtube/0/kU1_gDqGmQk", KEY.path());
        assertEquals(List.of(), PreviewKey.parse(List.of("youtube", "0")).ids(), "a rule may take no ids");
        assertNull(PreviewKey.parse(List.of("YouTube", "0", "a")));
        assertNull(PreviewKey.parse(List.of("youtube", "8", "a")));
        assertNull(PreviewKey.parse(List.of("youtube", "x", "a")));
        assertNull(PreviewKey.parse(List.of("youtube", "0", "..")));
        assertNull(PreviewKey.parse(List.of("youtube", "0", "a", "b", "c", "d", "e")));
        assertNull(PreviewKey.parse(List.of("youtube")));
    }
}

package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The activation script and stylesheet the filter serves stay within their budget and CSP-safe. */
class ActivationAssetsTest {
    private static byte[] asset(String name) throws IOException {
        try (InputStream in = ActivationAssetsTest.class.getResourceAsStream(
                "/dev/embedconsent/servlet/assets/" + name)) {
            assertTrue(in != null, "asset " + name + " on the class path");
            return in.readAllBytes();
        }
    }

    @Test
    void scriptIsUnderEightKilobytesUnminified() throws IOException {
        int size = asset("embed-consent.js").length;
        assertTrue(size < 8 * 1024, "embed-consent.js is " + size + " bytes");
    }

    @Test
    void scriptNeedsNoUnsafeEvalOrInlineHandlers() throws IOException {
        String script = new String(asset("embed-consent.js"), StandardCharsets.UTF_8);
        for (String banned : new String[] {"eval(", "new Function", "innerHTML", "document.write", "setAttribute('on"}) {
            assertFalse(script.contains(banned), banned);
        }
        assertFalse(Pattern.compile("setTimeout\\(\\s*['\"]").matcher(script).find(), "string setTimeout");
    }

    @Test
    void stylesheetLoadsNothing() throws IOException {
        String css = new String(asset("embed-consent.css"), StandardCharsets.UTF_8);
        assertFalse(css.contains("url("), "no url() in the stylesheet");
        assertFalse(css.contains("@import"), "no @import in the stylesheet");
        assertTrue(css.contains("prefers-reduced-motion"));
        assertTrue(css.contains(":focus-visible"));
    }
}

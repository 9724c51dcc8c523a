package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.provider.ProviderCatalogue;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the preview URL signature (Jazzer). Seeds in {@code PreviewSignatureFuzzTestInputs/}; a
 * plain test run replays them, {@code JAZZER_FUZZ=1} fuzzes. The fuzzer edits a preview path this site signed, or
 * writes one from scratch, and {@link PreviewService#serve} must reject every path that is not byte-identical to a
 * signed one (403 or 404, before any upstream request), also a path signed by a key the site does not hold; the
 * signed paths themselves pass the check. {@link PreviewSigner#verify} agrees: true exactly for the canonical
 * signature of the key under one of the site's keys.
 */
@Tag("fuzz")
class PreviewSignatureFuzzTest {
    private static final CookieKey SIGNING = new CookieKey("k2", bytes(32, 3));
    private static final CookieKey OLD = new CookieKey("k1", bytes(32, 5));
    private static final CookieKey FOREIGN = new CookieKey("k2", bytes(32, 6));
    private static final PreviewSigner SITE = PreviewSigner.of(List.of(SIGNING, OLD));
    private static final PreviewSigner SIGNER_NEW = PreviewSigner.of(List.of(SIGNING));
    private static final PreviewSigner SIGNER_OLD = PreviewSigner.of(List.of(OLD));
    private static final PreviewSigner SIGNER_FOREIGN = PreviewSigner.of(List.of(FOREIGN));
    /** Resolves nothing: a path that passed the check would find no upstream, and no test traffic leaves the host. */
    private static final PreviewService SERVICE = PreviewService.builder(ProviderCatalogue.builtIn(),
            List.of(SIGNING, OLD)).wait(Duration.ofMillis(1)).fetchThreads(1)
            .client(UpstreamClient.builder().resolver(host -> {
                throw new UnknownHostException(host);
            }).build()).build();
    private static final List<List<String>> KEYS = List.of(List.of("youtube", "0", "dQw4w9WgXcQ"),
            List.of("vimeo", "0", "76979871"), List.of("youtube", "1", "a-b_c.d~e"), List.of("x", "7", "1", "2", "3", "4"));

    @FuzzTest(maxDuration = "15s")
    void onlySignedPreviewPathsPass(FuzzedDataProvider data) {
        List<String> segments = KEYS.get(data.consumeInt(0, KEYS.size() - 1));
        PreviewKey key = PreviewKey.parse(segments);
        String path = key.path();
        String bySite = SIGNER_NEW.sign(key);
        String byOld = SIGNER_OLD.sign(key);
        String foreign = SIGNER_FOREIGN.sign(key);
        Set<String> signed = Set.of(path + "/" + bySite, path + "/" + byOld);
        assertTrue(SITE.verify(key, bySite) && SITE.verify(key, byOld), "the site's own signatures");
        assertFalse(SITE.verify(key, foreign), "a signature by a key the site does not hold");
        assertEquals(SITE.sign(key), bySite, "the first key signs");

        String candidate;
        switch (data.consumeInt(0, 2)) {
            case 0 -> candidate = edit(path + "/" + bySite, data);
            case 1 -> candidate = edit(path + "/" + foreign, data);
            default -> candidate = data.consumeRemainingAsString();
        }
        PreviewResponse response = SERVICE.serve(candidate);
        if (signed.contains(candidate)) {
            if (response instanceof PreviewResponse.Rejected rejected) {
                assertEquals(404, rejected.status(), () -> "a signed path refused: " + candidate + " " + rejected);
            }
            return;
        }
        PreviewResponse.Rejected rejected = assertInstanceOf(PreviewResponse.Rejected.class, response,
                () -> "accepted a path this site did not sign: " + candidate);
        assertTrue(rejected.status() == 403 || rejected.status() == 404, () -> candidate + " " + rejected);

        // the signer alone: a fuzzed signature of a fixed key verifies only if it is one of the two canonical ones
        String signature = candidate.substring(candidate.lastIndexOf('/') + 1);
        if (SITE.verify(key, signature)) {
            assertTrue(signature.equals(bySite) || signature.equals(byOld), () -> "verified: " + signature);
        }
    }

    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=./+%~ ";

    /** Up to four edits: a character replaced, inserted or removed at a place the fuzzer picks. */
    private static String edit(String value, FuzzedDataProvider data) {
        StringBuilder b = new StringBuilder(value);
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
            int at = data.consumeInt(0, b.length());
            // mostly characters that can occur in the value (so edits stay well-formed), sometimes any character
            char c = data.consumeBoolean() ? ALPHABET.charAt(data.consumeInt(0, ALPHABET.length() - 1))
                    : data.consumeChar();
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    if (at < b.length()) {
                        b.setCharAt(at, c);
                    }
                }
                case 1 -> b.insert(at, c);
                default -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
            }
        }
        return b.toString();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) seed);
        out[1] = (byte) (seed * 31);
        return out;
    }
}

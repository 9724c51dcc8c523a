package dev.embedconsent.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.SubjectId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the consent cookie codec (Jazzer). Seeds in {@code ConsentCookieFuzzTestInputs/}; a plain
 * test run replays them, {@code JAZZER_FUZZ=1} fuzzes. From the fuzzer's bytes it builds a cookie, signs it with the
 * site's signing key, and then decodes (a) the signed value, which must give the cookie back without its expired
 * decisions, (b) that value with fuzzer-chosen edits, and (c) a string straight from the fuzzer. Nothing is accepted
 * that is not byte-identical to a value this codec signed: not an edit, not a random string, and not a cookie signed
 * by a key the site does not hold. Decoding never throws.
 */
@Tag("fuzz")
class ConsentCookieFuzzTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_790_000_000L);
    private static final CookieKey SIGNING = new CookieKey("k2", filled(32, (byte) 7));
    private static final CookieKey OLD = new CookieKey("k1", filled(40, (byte) 9));
    private static final CookieKey FOREIGN = new CookieKey("k2", filled(32, (byte) 8));
    private static final ConsentCookieCodec CODEC = ConsentCookieCodec.builder().withKeys(SIGNING, OLD)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    private static final ConsentCookieCodec OLD_CODEC = ConsentCookieCodec.builder().withKeys(OLD)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    private static final ConsentCookieCodec FOREIGN_CODEC = ConsentCookieCodec.builder().withKeys(FOREIGN)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    private static final String[] PROVIDERS = {"youtube", "vimeo", "x", "host:maps.example.org", "a.b-c_d"};
    private static final Decision[] DECISIONS = {Decision.GIVEN, Decision.WITHDRAWN, Decision.REFUSED};

    @FuzzTest(maxDuration = "15s")
    void onlySignedCookiesAreAccepted(FuzzedDataProvider data) {
        ConsentCookie cookie = cookie(data);
        List<String> signed = new ArrayList<>();
        if (cookie != null) {
            String value;
            try {
                value = CODEC.encode(cookie);
            } catch (IllegalArgumentException tooLong) {
                value = null;
            }
            if (value != null) {
                signed.add(value);
                if (cookie.expires().isAfter(NOW)) {
                    assertEquals(Optional.of(withoutExpired(cookie)), CODEC.decode(value), () -> "round trip of "
                            + cookie);
                } else {
                    assertEquals(Optional.empty(), CODEC.decode(value), "an expired cookie");
                }
                // signed with the old key, which the site still verifies: accepted; with a key it does not hold: not
                String old = OLD_CODEC.encode(cookie);
                signed.add(old);
                assertEquals(CODEC.decode(value), CODEC.decode(old), "the verify-only key");
                String foreign = FOREIGN_CODEC.encode(cookie);
                assertEquals(Optional.empty(), CODEC.decode(foreign), () -> "foreign key accepted: " + foreign);
                String edited = edit(value, data);
                check(edited, signed);
            }
        }
        check(data.consumeRemainingAsString(), signed);
    }

    /** What the fuzzer found first (crash-381549e1... in the inputs): respellings of a valid signature were accepted. */
    @Test
    void respelledSignaturesAreRefused() {
        String value = CODEC.encode(new ConsentCookie(SubjectId.random(), List.of(), NOW.plusSeconds(60)));
        assertTrue(CODEC.decode(value).isPresent());
        assertEquals(Optional.empty(), CODEC.decode(value + "="));
        char last = value.charAt(value.length() - 1);
        // 32 bytes are 43 characters; the last carries 4 bits, the 2 below them are unused
        String sameBits = value.substring(0, value.length() - 1) + ALPHABET.charAt(ALPHABET.indexOf(last) ^ 1);
        assertEquals(Optional.empty(), CODEC.decode(sameBits), sameBits);
    }

    private static void check(String candidate, List<String> signed) {
        Optional<ConsentCookie> decoded = CODEC.decode(candidate);
        if (decoded.isPresent()) {
            assertTrue(signed.contains(candidate), () -> "accepted a value this site did not sign: " + candidate
                    + "\nsigned: " + signed + "\ndecoded: " + decoded.get());
        }
    }

    private static ConsentCookie cookie(FuzzedDataProvider data) {
        byte[] subjectBytes = data.consumeBytes(16);
        if (subjectBytes.length < 16) {
            return null;
        }
        SubjectId subject = SubjectId.parse(java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(subjectBytes)).orElseThrow();
        Instant expires = NOW.plusSeconds(data.consumeLong(-86_400L, 400L * 86_400L));
        List<CookieDecision> decisions = new ArrayList<>();
        int count = data.consumeInt(0, PROVIDERS.length);
        for (int i = 0; i < count; i++) {
            String provider = data.consumeBoolean() ? PROVIDERS[i] : data.consumeString(20);
            try {
                decisions.add(new CookieDecision(provider, data.pickValue(DECISIONS), data.consumeString(30),
                        NOW.plusSeconds(data.consumeLong(-86_400L, 400L * 86_400L))));
            } catch (IllegalArgumentException notAnId) {
                // the record refuses ids that are not provider ids; the codec never sees them
            }
        }
        try {
            return new ConsentCookie(subject, decisions, expires);
        } catch (IllegalArgumentException twice) {
            return null;
        }
    }

    /** The cookie as it must decode: decisions expired by now left out, notice versions as UTF-8 carries them. */
    private static ConsentCookie withoutExpired(ConsentCookie cookie) {
        List<CookieDecision> left = new ArrayList<>();
        for (CookieDecision d : cookie.decisions()) {
            if (d.expiry().isAfter(NOW)) {
                left.add(new CookieDecision(d.provider(), d.decision(), new String(d.noticeVersion().getBytes(
                        StandardCharsets.UTF_8), StandardCharsets.UTF_8), d.expiry()));
            }
        }
        return new ConsentCookie(cookie.subject(), left, cookie.expires());
    }

    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=./+%~ ";

    /** Up to four edits of {@code value}: a character replaced, inserted or removed, at a place the fuzzer picks. */
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

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        out[0] = (byte) n;
        return out;
    }
}

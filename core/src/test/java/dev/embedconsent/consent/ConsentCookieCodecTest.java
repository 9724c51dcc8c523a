package dev.embedconsent.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.Decision;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class ConsentCookieCodecTest {

    private static final Instant NOW = Instant.parse("2026-05-01T08:00:00Z");
    private static final CookieKey OLD = CookieKey.generate("k1");
    private static final CookieKey NEW = CookieKey.generate("k2");

    private final MutableClock clock = new MutableClock(NOW);
    private final ConsentCookieCodec codec = ConsentCookieCodec.builder().withKeys(OLD).withClock(clock).build();
    private final SubjectId subject = SubjectId.random();
    private final ConsentCookie cookie = new ConsentCookie(subject, List.of(
            new CookieDecision("youtube", Decision.GIVEN, "2024-06-01", NOW.plus(Duration.ofDays(180))),
            new CookieDecision("vimeo", Decision.REFUSED, "v 3/ä", NOW.plus(Duration.ofDays(30)))),
            NOW.plus(Duration.ofDays(180)));

    @Test
    void roundTripsAndStaysCookieSafe() {
        String value = codec.encode(cookie);
        assertTrue(value.startsWith("1.k1."), value);
        assertTrue(value.matches("[A-Za-z0-9_.-]+"), "only cookie-safe characters: " + value);
        assertEquals(Optional.of(cookie), codec.decode(value));
    }

    @Test
    void carriesDecisionsForUnknownHosts() {
        ConsentCookie hosts = new ConsentCookie(subject, List.of(
                new CookieDecision("host:videos.example.org", Decision.GIVEN, "host-1", NOW.plus(Duration.ofDays(9))),
                new CookieDecision("host:[2001:db8::1]", Decision.WITHDRAWN, "host-1", NOW.plus(Duration.ofDays(9)))),
                NOW.plus(Duration.ofDays(9)));
        assertEquals(Optional.of(hosts), codec.decode(codec.encode(hosts)));
        assertThrows(IllegalArgumentException.class, () -> new CookieDecision("host:a b", Decision.GIVEN, "1", NOW));
        assertThrows(IllegalArgumentException.class, () -> new CookieDecision("Host:x", Decision.GIVEN, "1", NOW));
    }

    @Test
    void aForgedPayloadIsNoConsent() {
        String value = codec.encode(cookie);
        String[] parts = value.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace(" r ", " g ").getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), codec.decode(parts[0] + "." + parts[1] + "." + forged + "." + parts[3]));
        char last = value.charAt(value.length() - 2);
        String flipped = value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A')
                + value.charAt(value.length() - 1);
        assertEquals(Optional.empty(), codec.decode(flipped));
    }

    @Test
    void aCookieSignedWithAnUnknownKeyIsNoConsent() {
        ConsentCookieCodec stranger = ConsentCookieCodec.builder().withKeys(CookieKey.generate("k1"))
                .withClock(clock).build();
        assertEquals(Optional.empty(), codec.decode(stranger.encode(cookie)), "same key id, other secret");
        ConsentCookieCodec other = ConsentCookieCodec.builder().withKeys(CookieKey.generate("zz")).withClock(clock)
                .build();
        assertEquals(Optional.empty(), codec.decode(other.encode(cookie)), "unknown key id");
    }

    @Test
    void anExpiredCookieIsNoConsentAndExpiredDecisionsAreDropped() {
        String value = codec.encode(cookie);
        clock.advance(Duration.ofDays(31));
        ConsentCookie decoded = codec.decode(value).orElseThrow();
        assertEquals(List.of("youtube"), decoded.decisions().stream().map(CookieDecision::provider).toList());
        clock.advance(Duration.ofDays(150));
        assertEquals(Optional.empty(), codec.decode(value));
    }

    /** A value read before is kept verified, but what it says is judged by the clock on every read. */
    @Test
    void aCookieReadAgainIsStillJudgedByTheClockAndItsSpellingsStayForged() {
        String value = codec.encode(cookie);
        assertEquals(Optional.of(cookie), codec.decode(value));
        assertEquals(Optional.of(cookie), codec.decode(value));
        char last = value.charAt(value.length() - 1);
        assertEquals(Optional.empty(), codec.decode(value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A')));
        assertEquals(Optional.empty(), codec.decode(value + "="));
        clock.advance(Duration.ofDays(31));
        ConsentCookie decoded = codec.decode(value).orElseThrow();
        assertEquals(List.of("youtube"), decoded.decisions().stream().map(CookieDecision::provider).toList());
        clock.advance(Duration.ofDays(150));
        assertEquals(Optional.empty(), codec.decode(value));
        ConsentCookieCodec rotated = ConsentCookieCodec.builder().withKeys(NEW).build();
        String fresh = ConsentCookieCodec.builder().withKeys(OLD).build().encode(new ConsentCookie(subject,
                cookie.decisions(), Instant.now().plus(Duration.ofDays(1))));
        assertTrue(ConsentCookieCodec.builder().withKeys(OLD).build().decode(fresh).isPresent());
        assertEquals(Optional.empty(), rotated.decode(fresh), "another codec's keys judge it afresh");
    }

    @Test
    void anOversizedCookieIsNeitherWrittenNorRead() {
        List<CookieDecision> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(new CookieDecision("provider-" + i, Decision.GIVEN, "notice-version-" + i, NOW.plusSeconds(99)));
        }
        ConsentCookie huge = new ConsentCookie(subject, many, NOW.plusSeconds(99));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(huge));
        assertTrue(e.getMessage().contains("cap"));
        String value = codec.encode(cookie);
        String padded = value + "A".repeat(ConsentCookieCodec.DEFAULT_MAX_LENGTH);
        assertEquals(Optional.empty(), codec.decode(padded));
        assertTrue(codec.encode(new ConsentCookie(subject, many.subList(0, 40), NOW.plusSeconds(99))).length()
                <= ConsentCookieCodec.DEFAULT_MAX_LENGTH, "40 providers must fit in a 4 KB cookie");
    }

    @Test
    void aCookieTooLongToWriteKeepsTheGrantsThatFitLatestExpiringFirst() {
        List<CookieDecision> decisions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            decisions.add(new CookieDecision("withdrawn-" + i, Decision.WITHDRAWN, "notice-version-" + i,
                    NOW.plusSeconds(500)));
        }
        for (int i = 0; i < 5; i++) {
            decisions.add(new CookieDecision("granted-" + i, Decision.GIVEN, "v" + i, NOW.plusSeconds(100 + i)));
        }
        ConsentCookie withdrawals = new ConsentCookie(subject, decisions, NOW.plusSeconds(999));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(withdrawals));
        ConsentCookie kept = codec.decode(codec.encodeFitting(withdrawals)).orElseThrow();
        assertEquals(List.of("granted-4", "granted-3", "granted-2", "granted-1", "granted-0"),
                kept.decisions().stream().map(CookieDecision::provider).toList(),
                "withdrawals go first; every grant fits without them");

        List<CookieDecision> grants = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            grants.add(new CookieDecision("provider-" + i, Decision.GIVEN, "notice-version-" + i,
                    NOW.plusSeconds(100 + i)));
        }
        ConsentCookie many = new ConsentCookie(subject, grants, NOW.plusSeconds(999));
        String value = codec.encodeFitting(many);
        assertTrue(value.length() <= ConsentCookieCodec.DEFAULT_MAX_LENGTH);
        List<CookieDecision> fitted = codec.decode(value).orElseThrow().decisions();
        assertTrue(fitted.size() >= 40 && fitted.size() < 200, "kept " + fitted.size() + " of 200 grants");
        assertEquals("provider-199", fitted.get(0).provider(), "the grant that expires last is kept");
        assertFalse(fitted.stream().anyMatch(d -> d.provider().equals("provider-0")),
                "the grant that expires first is dropped");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @MethodSource("malformed")
    void malformedValuesAreNoConsentNeverAnException(@Nullable String value) {
        assertEquals(Optional.empty(), codec.decode(value));
    }

    static Stream<String> malformed() {
        String good = ConsentCookieCodec.builder().withKeys(OLD).build().encode(new ConsentCookie(SubjectId.random(),
                List.of(), Instant.now().plusSeconds(999)));
        String[] p = good.split("\\.");
        String b64 = "%%%";
        return Stream.of(".", "...", "1", "1.k1", "1.k1.x", "2." + p[1] + "." + p[2] + "." + p[3],
                p[0] + "." + p[1] + "." + b64 + "." + p[3], p[0] + "." + p[1] + "." + p[2] + "." + b64,
                good + ".extra", "1.k1..", "1..." + p[3], "\u0000\u0001", "1.k1." + "A".repeat(50) + ".AAAA",
                signedPayload("not-a-subject\n123"), signedPayload(SubjectId.random() + "\nsoon"),
                signedPayload(SubjectId.random() + "\n99999999999\nyoutube x v1 99999999999"),
                signedPayload(SubjectId.random() + "\n99999999999\nyoutube g"),
                signedPayload(SubjectId.random() + "\n99999999999\nYOUTUBE g v1 99999999999"),
                signedPayload(SubjectId.random() + "\n99999999999\nyoutube g %zz 99999999999"),
                signedPayload(SubjectId.random() + "\n99999999999\nyoutube g a 1\nyoutube g a 99999999999"),
                signedPayload(SubjectId.random().value()));
    }

    /** A correctly signed cookie around a payload the codec never writes: the signature alone must not admit it. */
    private static String signedPayload(String payload) {
        try {
            String head = "1.k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    payload.getBytes(StandardCharsets.UTF_8));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(OLD.secret(), "HmacSHA256"));
            return head + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(head.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rotationSignsWithTheNewKeyAndStillAcceptsTheOld() {
        String signedWithOld = codec.encode(cookie);
        ConsentCookieCodec rotated = ConsentCookieCodec.builder().withKeys(NEW, OLD).withClock(clock).build();
        assertEquals("k2", rotated.signingKeyId());
        assertEquals(Optional.of(cookie), rotated.decode(signedWithOld));
        String signedWithNew = rotated.encode(cookie);
        assertTrue(signedWithNew.startsWith("1.k2."));
        assertEquals(Optional.of(cookie), rotated.decode(signedWithNew));
        assertEquals(Optional.empty(), codec.decode(signedWithNew), "the old node does not know k2");
        ConsentCookieCodec retired = ConsentCookieCodec.builder().withKeys(NEW.toConfig()).withClock(clock).build();
        assertEquals(Optional.empty(), retired.decode(signedWithOld), "once k1 is dropped its cookies stop counting");
    }

    @Test
    void keysFromConfigurationText() {
        ConsentCookieCodec fromText = ConsentCookieCodec.builder().withKeys(NEW.toConfig() + ", " + OLD.toConfig())
                .withClock(clock).build();
        assertEquals(Optional.of(cookie), fromText.decode(codec.encode(cookie)));
        assertThrows(IllegalArgumentException.class, () -> CookieKey.parse("k1:c2hvcnQ"));
        assertThrows(IllegalArgumentException.class, () -> CookieKey.parse("no-colon"));
        assertThrows(IllegalArgumentException.class, () -> ConsentCookieCodec.builder().withKeys(" , "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> CookieKey.parse("k1:" + "!".repeat(44)));
        assertFalse(bad.getMessage().contains("!!!!"), "the secret must not leak into messages");
        assertFalse(NEW.toString().contains(NEW.toConfig().substring(3)));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> ConsentCookieCodec.builder().withKeys(NEW).withKeys(OLD));
        assertTrue(twice.getMessage().contains("keys"));
        assertThrows(IllegalStateException.class, () -> ConsentCookieCodec.builder().build());
    }

    @Test
    void aMissingKeyIsGeneratedOnceOwnerOnlyAndReused(@TempDir Path dir) throws IOException {
        List<CookieKey> first = ConsentCookieCodec.loadOrGenerateKeys(dir);
        Path file = dir.resolve(ConsentCookieCodec.KEY_FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, ConsentCookieCodec.loadOrGenerateKeys(dir));
        ConsentCookieCodec a = ConsentCookieCodec.builder().withKeyDirectory(dir).withClock(clock).build();
        ConsentCookieCodec b = ConsentCookieCodec.builder().withKeyDirectory(dir).withClock(clock).build();
        assertEquals(Optional.of(cookie), b.decode(a.encode(cookie)), "restarts keep accepting earlier cookies");
        assertNotEquals(first, ConsentCookieCodec.loadOrGenerateKeys(dir.resolve("other")));
        Files.writeString(file, "# nothing\n");
        assertThrows(IllegalArgumentException.class, () -> ConsentCookieCodec.loadOrGenerateKeys(dir));
    }
}

package dev.embedconsent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordFormatTest {

    private static final Instant T = Instant.parse("2026-02-03T04:05:06.789Z");
    private static final ConsentRecord.Draft DRAFT = new ConsentRecord.Draft("Jr0Sd3Fq9YfXb1OaZz6k4Q", 1,
            new SubjectId("q3Zx0Jc9m1VtE2yQmW8u1g"), "youtube", List.of("Video playback", "Werbung \"ä\"\n"),
            "Google Ireland Limited", Decision.GIVEN, Scope.PROVIDER, "2024-06-01", "en", "/news", ConsentMethod.FORM,
            true, T, T.plusSeconds(86400));

    @Test
    void aRecordRoundTripsThroughItsCanonicalLine() {
        ConsentRecord record = DRAFT.link(ChainEntry.GENESIS_HASH);
        String line = RecordFormat.toJson(record);
        assertTrue(line.startsWith("{\"recordId\":\"Jr0Sd3Fq9YfXb1OaZz6k4Q\",\"schemaVersion\":1,\"subject\":"), line);
        assertTrue(!line.contains("\n"), "one line");
        assertEquals(record, RecordFormat.parse(line));
        assertNull(RecordFormat.problem(record, ChainEntry.GENESIS_HASH));
    }

    @Test
    void aNullLanguageAndPageRoundTrip() {
        ConsentRecord.Draft d = new ConsentRecord.Draft("abc", 1, SubjectId.random(), "x", List.of(), "X Corp",
                Decision.REFUSED, Scope.ONCE, "1", null, null, ConsentMethod.API, false, T, T);
        ConsentRecord record = d.link(ChainEntry.GENESIS_HASH);
        assertEquals(record, RecordFormat.parse(RecordFormat.toJson(record)));
    }

    static Stream<UnaryOperator<ConsentRecord.Draft>> everyFieldChange() {
        return Stream.of(
                d -> copy(d, "recordId", "other"),
                d -> copy(d, "subject", SubjectId.random()),
                d -> copy(d, "provider", "vimeo"),
                d -> copy(d, "purposes", List.of("Video playback")),
                d -> copy(d, "recipient", "Google LLC"),
                d -> copy(d, "decision", Decision.WITHDRAWN),
                d -> copy(d, "scope", Scope.ONCE),
                d -> copy(d, "noticeVersion", "2024-06-02"),
                d -> copy(d, "language", "de"),
                d -> copy(d, "page", "/other"),
                d -> copy(d, "method", ConsentMethod.API),
                d -> copy(d, "gpc", false),
                d -> copy(d, "timestamp", T.plusMillis(1)),
                d -> copy(d, "expiry", T.plusMillis(1)));
    }

    @ParameterizedTest
    @MethodSource("everyFieldChange")
    void theHashCoversEveryField(UnaryOperator<ConsentRecord.Draft> change) {
        ConsentRecord original = DRAFT.link(ChainEntry.GENESIS_HASH);
        ConsentRecord.Draft changed = change.apply(DRAFT);
        assertNotEquals(DRAFT, changed);
        assertNotEquals(original.contentHash(), RecordFormat.contentHash(changed));
        ConsentRecord forged = new ConsentRecord(changed.recordId(), 1, changed.subject(), changed.provider(),
                changed.purposes(), changed.recipient(), changed.decision(), changed.scope(), changed.noticeVersion(),
                changed.language(), changed.page(), changed.method(), changed.gpc(), changed.timestamp(),
                changed.expiry(), original.previousHash(), original.hash());
        assertTrue(RecordFormat.problem(forged, ChainEntry.GENESIS_HASH).contains("hash does not match"));
    }

    @Test
    void aTombstoneVerifiesLikeTheRecordItReplaced() {
        ConsentRecord first = DRAFT.link(ChainEntry.GENESIS_HASH);
        Tombstone tombstone = Tombstone.of(first, T, Tombstone.REASON_ERASURE);
        assertNull(RecordFormat.problem(tombstone, ChainEntry.GENESIS_HASH));
        String line = RecordFormat.toJson(tombstone);
        assertTrue(!line.contains("q3Zx0Jc9m1VtE2yQmW8u1g") && !line.contains("youtube"), line);
        assertEquals(tombstone, RecordFormat.parse(line));
        Tombstone lying = new Tombstone(tombstone.recordId(), 1, T, "erasure", "0".repeat(63) + "1",
                tombstone.previousHash(), tombstone.hash());
        assertTrue(RecordFormat.problem(lying, ChainEntry.GENESIS_HASH) != null);
        assertTrue(RecordFormat.problem(first, "1".repeat(64)).contains("previousHash"));
    }

    @Test
    void damagedLinesAreRejectedWithAReason() {
        String line = RecordFormat.toJson(DRAFT.link(ChainEntry.GENESIS_HASH));
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse(line.substring(0, 40)));
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("[]"));
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> RecordFormat.parse(line.replace("{\"recordId\"", "{\"ip\":\"1.2.3.4\",\"recordId\"")));
        assertTrue(extra.getMessage().contains("ip"));
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse(line.replace("\"given\"", "\"yes\"")));
        assertEquals("Jr0Sd3Fq9YfXb1OaZz6k4Q", RecordFormat.findRecordId(line.substring(0, 40)));
        assertThrows(IllegalArgumentException.class, () -> copy(DRAFT, "recordId", "has space"));
    }

    private static ConsentRecord.Draft copy(ConsentRecord.Draft d, String field, Object value) {
        return new ConsentRecord.Draft(
                field.equals("recordId") ? (String) value : d.recordId(), d.schemaVersion(),
                field.equals("subject") ? (SubjectId) value : d.subject(),
                field.equals("provider") ? (String) value : d.provider(),
                field.equals("purposes") ? castList(value) : d.purposes(),
                field.equals("recipient") ? (String) value : d.recipient(),
                field.equals("decision") ? (Decision) value : d.decision(),
                field.equals("scope") ? (Scope) value : d.scope(),
                field.equals("noticeVersion") ? (String) value : d.noticeVersion(),
                field.equals("language") ? (String) value : d.language(),
                field.equals("page") ? (String) value : d.page(),
                field.equals("method") ? (ConsentMethod) value : d.method(),
                field.equals("gpc") ? (Boolean) value : d.gpc(),
                field.equals("timestamp") ? (Instant) value : d.timestamp(),
                field.equals("expiry") ? (Instant) value : d.expiry());
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return (List<String>) value;
    }
}

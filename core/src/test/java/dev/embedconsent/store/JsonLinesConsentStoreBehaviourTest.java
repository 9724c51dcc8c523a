package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.SubjectId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the JSON Lines store does: files, locking, torn tails, segments. */
class JsonLinesConsentStoreBehaviourTest {

    @TempDir
    Path dir;

    @Test
    void recordsSurviveReopenAndTheChainContinues() {
        SubjectId subject = SubjectId.random();
        ConsentRecord first;
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            first = store.append(Drafts.draft(subject));
        }
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            assertEquals(List.of(first), store.history(subject));
            ConsentRecord second = store.append(Drafts.draft(subject, "vimeo", Decision.GIVEN, Drafts.T0));
            assertEquals(first.hash(), second.previousHash());
            assertTrue(store.verify().valid());
        }
    }

    @Test
    void aTornLastLineIsCutOffOnOpenAndAppendsContinue() throws IOException {
        SubjectId subject = SubjectId.random();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            store.append(Drafts.draft(subject));
            store.append(Drafts.draft(subject));
        }
        Path segment = dir.resolve("consent-000001.jsonl");
        long intact = Files.size(segment);
        Files.writeString(segment, "{\"recordId\":\"torn\",\"schemaVersion\":1,\"subj", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        VerificationResult offline = JsonLinesConsentStore.verify(dir);
        assertTrue(offline.valid(), "an unacknowledged torn tail is not tampering: " + offline.describe());
        assertEquals(2, offline.entries());
        assertTrue(offline.describe().contains("incomplete last line that was never acknowledged"),
                offline.describe());
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            assertEquals(intact, Files.size(segment));
            assertEquals(2, store.history(subject).size());
            store.append(Drafts.draft(subject));
            VerificationResult result = store.verify();
            assertTrue(result.valid(), result.describe());
            assertEquals(3, result.entries());
        }
    }

    @Test
    void zeroFilledTailAfterACrashIsCutOff() throws IOException {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            store.append(Drafts.draft(SubjectId.random()));
        }
        Path segment = dir.resolve("consent-000001.jsonl");
        Files.write(segment, new byte[512], StandardOpenOption.APPEND);
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            assertEquals(1, store.verify().entries());
            assertTrue(store.verify().valid());
        }
    }

    @Test
    void anInterruptedErasureLeavesTheSegmentIntactAndItsTemporaryFileIsRemoved() throws IOException {
        SubjectId subject = SubjectId.random();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            store.append(Drafts.draft(subject));
        }
        Path leftover = dir.resolve("consent-000001.jsonl.rewrite");
        Files.writeString(leftover, "{\"half\":");
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            assertTrue(!Files.exists(leftover));
            assertEquals(1, store.history(subject).size());
            assertTrue(store.verify().valid());
        }
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryFailsClearly() {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> JsonLinesConsentStore.open(dir));
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
            store.append(Drafts.draft(SubjectId.random()));
        }
        try (JsonLinesConsentStore again = JsonLinesConsentStore.open(dir)) {
            assertEquals(1, again.verify().entries());
        }
    }

    @Test
    void segmentsRotateBySizeAndTheChainSpansThem() throws IOException {
        SubjectId subject = SubjectId.random();
        List<ConsentRecord> written = new ArrayList<>();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withSegmentSize(4096).build()) {
            for (int i = 0; i < 40; i++) {
                written.add(store.append(Drafts.draft(subject)));
            }
            assertEquals(written, store.history(subject));
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        assertTrue(segments.size() >= 4, "expected several segments, got " + segments);
        for (Path segment : segments) {
            assertTrue(Files.size(segment) <= 4096, segment + " is larger than the segment size");
        }
        try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withSegmentSize(4096).build()) {
            assertEquals(written, store.history(subject));
            assertEquals(40, store.erase(subject, Drafts.T0));
            VerificationResult result = store.verify();
            assertTrue(result.valid(), result.describe());
            assertEquals(40, result.entries());
        }
        String text = Files.readString(segments.get(1));
        assertTrue(!text.contains(subject.value()), "erased subject id still on disk");
    }

    @Test
    void deletingAWholeEarlierSegmentIsDetected() throws IOException {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withSegmentSize(4096).build()) {
            for (int i = 0; i < 30; i++) {
                store.append(Drafts.draft(SubjectId.random()));
            }
        }
        Files.delete(dir.resolve("consent-000002.jsonl"));
        VerificationResult result = JsonLinesConsentStore.verify(dir);
        assertTrue(!result.valid());
        assertTrue(result.describe().contains("consent-000003.jsonl line 1"), result.describe());
    }

    @Test
    void builderRejectsAnOptionSetTwiceAndTinySegments() {
        JsonLinesConsentStore.Builder builder = JsonLinesConsentStore.builder(dir)
                .withDurability(JsonLinesConsentStore.Durability.GROUP_COMMIT);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> builder.withDurability(JsonLinesConsentStore.Durability.FSYNC_EACH));
        assertTrue(twice.getMessage().contains("durability"));
        assertThrows(IllegalArgumentException.class, () -> builder.withSegmentSize(100));
    }

    @Test
    void verifyOfAMissingDirectoryFailsClearly() {
        StoreException e = assertThrows(StoreException.class,
                () -> JsonLinesConsentStore.verify(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("no consent store"), e.getMessage());
    }
}

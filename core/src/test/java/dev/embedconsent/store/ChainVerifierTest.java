package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Good and broken chains fed to {@link ChainVerifier}: the first bad entry is named with its id and position. */
class ChainVerifierTest {

    private final List<ConsentRecord> records = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    ChainVerifierTest() {
        String previous = ChainEntry.GENESIS_HASH;
        for (int i = 0; i < 5; i++) {
            ConsentRecord record = Drafts.draft(SubjectId.random()).link(previous);
            records.add(record);
            lines.add(RecordFormat.toJson(record));
            previous = record.hash();
        }
    }

    @Test
    void anIntactChainPassesAndEndsAtItsLastEntry() {
        ChainVerifier chain = ChainVerifier.full(head(5));
        VerificationResult result = walk(chain, lines);
        assertTrue(result.valid(), result.describe());
        assertEquals(5, result.entries());
        assertEquals(head(5), chain.last());
        assertTrue(chain.reachedRecordedHead());
        assertTrue(ChainVerifier.full(null).finish("after entry #0").valid(), "an empty chain is intact");
    }

    @Test
    void anEditedByteNamesTheEntry() {
        lines.set(2, lines.get(2).replace("Google", "Hoogle"));
        assertBroken(walk(ChainVerifier.full(head(5)), lines), 2, "line 3", "hash does not match content");
    }

    @Test
    void aDeletedLineNamesTheEntryAfterIt() {
        lines.remove(1);
        assertBroken(walk(ChainVerifier.full(null), lines), 1, records.get(2).recordId(), "line 2",
                "previousHash does not match");
    }

    @Test
    void swappedLinesNameTheFirstEntryOutOfPlace() {
        String second = lines.get(1);
        lines.set(1, lines.get(3));
        lines.set(3, second);
        assertBroken(walk(ChainVerifier.full(null), lines), 1, records.get(3).recordId(), "line 2",
                "previousHash does not match");
    }

    @Test
    void aNonCanonicalLineNamesTheEntryEvenThoughItsMeaningIsUnchanged() {
        lines.set(2, lines.get(2).replace("\"gpc\":false", "\"gpc\": false"));
        assertBroken(walk(ChainVerifier.full(null), lines), 2, "line 3", ChainVerifier.NOT_CANONICAL);
    }

    @Test
    void aTruncatedLineIsUnreadableAndStillNamedByItsId() {
        lines.set(4, lines.get(4).substring(0, lines.get(4).length() - 40));
        assertBroken(walk(ChainVerifier.full(null), lines), 4, "line 5", "unreadable entry (not valid JSON");
        assertTrue(ChainVerifier.unreadable(lines.get(4)).startsWith("not valid JSON"));
        assertNull(ChainVerifier.unreadable(lines.get(3)));
    }

    @Test
    void entriesCutOffTheEndAreFoundThroughTheRecordedHead() {
        ChainVerifier chain = ChainVerifier.full(head(5));
        walk(chain, lines.subList(0, 3));
        assertFalse(chain.reachedRecordedHead());
        VerificationResult result = chain.finish("after entry #3");
        assertBroken(result, 3, records.get(4).recordId(), "after entry #3", "only 3 are present");
    }

    @Test
    void anEntryReplacedWithAValidOneIsFoundThroughTheRecordedHead() {
        ChainHead other = new ChainHead(5, records.get(4).recordId(), "f".repeat(64));
        assertBroken(walk(ChainVerifier.full(other), lines), 4, "line 5",
                "entry #5 is not the one the chain head records");
    }

    @Test
    void linksOnlyFindsWhereTheChainEndsButLeavesHashesAndFormToVerify() {
        List<String> edited = new ArrayList<>(lines);
        edited.set(2, edited.get(2).replace("Google", "Hoogle").replace("\"gpc\":false", "\"gpc\": false"));
        ChainVerifier chain = ChainVerifier.linksOnly(head(5));
        assertTrue(walk(chain, edited).valid());
        assertEquals(head(5), chain.last());

        lines.remove(1);
        assertBroken(walk(ChainVerifier.linksOnly(null), lines), 1, records.get(2).recordId(), "line 2",
                "previousHash does not match");
        ChainVerifier cut = ChainVerifier.linksOnly(head(5));
        walk(cut, lines.subList(0, 1));
        assertBroken(cut.finish("after entry #1"), 1, records.get(4).recordId(), "after entry #1",
                "only 1 are present");
    }

    @Test
    void entriesKeptAsObjectsAreCheckedLikeStoredText() {
        ChainVerifier chain = ChainVerifier.full(null);
        assertEquals(records.get(0), chain.next("entry 1", records.get(0)));
        Tombstone erased = Tombstone.of(records.get(1), Drafts.T0, Tombstone.REASON_ERASURE);
        assertEquals(erased, chain.next("entry 2", erased), "a tombstone verifies like the record it replaced");
        assertNull(chain.next("entry 3", records.get(3)));
        assertBroken(chain.result(), 2, records.get(3).recordId(), "entry 3", "previousHash does not match");
    }

    @Test
    void aStoreCanBreakTheChainForAReasonOnlyItSees() {
        ChainVerifier chain = ChainVerifier.full(null);
        walk(chain, lines.subList(0, 2));
        VerificationResult gap = chain.broken("seq 5", records.get(4).recordId(), "entries seq 3..4 are missing");
        assertBroken(gap, 2, records.get(4).recordId(), "seq 5", "missing");
        assertEquals(gap, chain.finish("after seq 2"));
        IllegalStateException after = assertThrows(IllegalStateException.class,
                () -> chain.next("seq 6", lines.get(4)));
        assertTrue(after.getMessage().contains("seq 5"), after.getMessage());
    }

    private ChainHead head(int entries) {
        ConsentRecord last = records.get(entries - 1);
        return new ChainHead(entries, last.recordId(), last.hash());
    }

    /** Feeds {@code texts} as lines 1, 2, … until the chain breaks. */
    private static VerificationResult walk(ChainVerifier chain, List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (chain.next("line " + (i + 1), texts.get(i)) == null) {
                break;
            }
        }
        return chain.result();
    }

    private void assertBroken(VerificationResult result, int intact, String position, String problem) {
        assertBroken(result, intact, records.get(intact).recordId(), position, problem);
    }

    private static void assertBroken(VerificationResult result, int intact, @Nullable String recordId,
            String position, String problem) {
        assertFalse(result.valid(), "not detected");
        assertEquals(recordId, result.badRecordId(), result.describe());
        assertEquals(position, result.position(), result.describe());
        assertEquals(intact, result.entries(), result.describe());
        assertTrue(result.problem() != null && result.problem().contains(problem), result.describe());
    }
}

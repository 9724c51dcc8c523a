package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ConsentStore} must do. Each backend's test is a subclass that says how to create a fresh, empty
 * store.
 */
public abstract class ConsentStoreContract {

    @TempDir
    Path tempDir;

    private final List<ConsentStore> opened = new ArrayList<>();

    /** A fresh, empty store; {@code directory} is an empty directory the store may use. */
    protected abstract ConsentStore createStore(Path directory);

    protected ConsentStore store() {
        ConsentStore store = createStore(tempDir.resolve("store" + opened.size()));
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ConsentStore::close);
    }

    @Test
    void appendLinksEachRecordToThePreviousOne() {
        ConsentStore store = store();
        SubjectId subject = SubjectId.random();
        ConsentRecord first = store.append(Drafts.draft(subject));
        ConsentRecord second = store.append(Drafts.draft(subject, "vimeo", Decision.REFUSED, Drafts.T0));
        assertEquals(ChainEntry.GENESIS_HASH, first.previousHash());
        assertEquals(first.hash(), second.previousHash());
        assertEquals(first.contentHash().length(), 64);
        assertEquals(first.draft(), store.history(subject).get(0).draft());
    }

    @Test
    void historyReturnsOnlyTheSubjectsRecordsOldestFirst() {
        ConsentStore store = store();
        SubjectId alice = SubjectId.random();
        SubjectId bob = SubjectId.random();
        ConsentRecord a1 = store.append(Drafts.draft(alice, "youtube", Decision.GIVEN, Drafts.T0));
        store.append(Drafts.draft(bob));
        ConsentRecord a2 = store.append(Drafts.draft(alice, "youtube", Decision.WITHDRAWN, Drafts.T0.plusSeconds(5)));
        assertEquals(List.of(a1, a2), store.history(alice));
        assertEquals(1, store.history(bob).size());
        assertEquals(List.of(), store.history(SubjectId.random()));
    }

    @Test
    void verifyPassesAndCountsEveryEntry() {
        ConsentStore store = store();
        assertTrue(store.verify().valid());
        for (int i = 0; i < 25; i++) {
            store.append(Drafts.draft(SubjectId.random()));
        }
        VerificationResult result = store.verify();
        assertTrue(result.valid(), result.describe());
        assertEquals(25, result.entries());
    }

    @Test
    void forEachVisitsEntriesInChainOrder() {
        ConsentStore store = store();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(store.append(Drafts.draft(SubjectId.random())).recordId());
        }
        List<String> seen = new ArrayList<>();
        store.forEach(e -> seen.add(e.recordId()));
        assertEquals(ids, seen);
    }

    @Test
    void eraseLeavesTombstonesAndTheChainStillVerifies() {
        ConsentStore store = store();
        SubjectId alice = SubjectId.random();
        SubjectId bob = SubjectId.random();
        ConsentRecord a1 = store.append(Drafts.draft(alice));
        ConsentRecord b1 = store.append(Drafts.draft(bob));
        store.append(Drafts.draft(alice, "vimeo", Decision.GIVEN, Drafts.T0));
        assertEquals(2, store.erase(alice, Drafts.T0.plusSeconds(60)));
        assertEquals(List.of(), store.history(alice));
        assertEquals(List.of(b1), store.history(bob));
        List<ChainEntry> entries = new ArrayList<>();
        store.forEach(entries::add);
        Tombstone tombstone = assertInstanceOf(Tombstone.class, entries.get(0));
        assertEquals(a1.recordId(), tombstone.recordId());
        assertEquals(a1.hash(), tombstone.hash());
        assertEquals(Tombstone.REASON_ERASURE, tombstone.reason());
        VerificationResult result = store.verify();
        assertTrue(result.valid(), result.describe());
        assertEquals(3, result.entries());
        assertEquals(0, store.erase(alice, Drafts.T0.plusSeconds(61)));
        store.append(Drafts.draft(alice));
        assertTrue(store.verify().valid());
    }

    @Test
    void purgeRemovesOnlyOldRecordsWhoseExpiryHasPassed() {
        ConsentStore store = store();
        SubjectId subject = SubjectId.random();
        Instant old = Drafts.T0.minus(Duration.ofDays(500));
        ConsentRecord expiredOld = store.append(Drafts.draft(subject, "youtube", Decision.GIVEN, old));
        ConsentRecord recent = store.append(Drafts.draft(subject, "vimeo", Decision.GIVEN, Drafts.T0));
        Instant cutoff = Drafts.T0.minus(Duration.ofDays(400));
        assertEquals(1, store.purge(cutoff, Drafts.T0));
        assertEquals(List.of(recent), store.history(subject));
        assertEquals(0, store.purge(Drafts.T0.plusSeconds(1), Drafts.T0),
                "a decision whose expiry is in the future must survive a purge");
        List<ChainEntry> entries = new ArrayList<>();
        store.forEach(entries::add);
        assertEquals(Tombstone.REASON_RETENTION, assertInstanceOf(Tombstone.class, entries.get(0)).reason());
        assertEquals(expiredOld.recordId(), entries.get(0).recordId());
        assertTrue(store.verify().valid());
    }

    @Test
    void statsCountRecordsTombstonesSubjectsAndDecisions() {
        ConsentStore store = store();
        SubjectId alice = SubjectId.random();
        store.append(Drafts.draft(alice, "youtube", Decision.GIVEN, Drafts.T0));
        store.append(Drafts.draft(alice, "youtube", Decision.WITHDRAWN, Drafts.T0.plusSeconds(3)));
        store.append(Drafts.draft(SubjectId.random(), "vimeo", Decision.REFUSED, Drafts.T0.plusSeconds(9)));
        SubjectId erased = SubjectId.random();
        store.append(Drafts.draft(erased));
        store.erase(erased, Drafts.T0);
        StoreStats stats = store.stats();
        assertEquals(3, stats.records());
        assertEquals(1, stats.tombstones());
        assertEquals(2, stats.subjects());
        assertEquals(1L, stats.byDecision().get("given"));
        assertEquals(1L, stats.byDecision().get("withdrawn"));
        assertEquals(2L, stats.byProvider().get("youtube"));
        assertEquals(Drafts.T0, stats.oldest());
        assertEquals(Drafts.T0.plusSeconds(9), stats.newest());
    }

    @Test
    void concurrentAppendsLoseNothingAndKeepOneValidChain() throws Exception {
        ConsentStore store = store();
        int threads = 8;
        int perThread = appendsPerThread();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    SubjectId subject = SubjectId.random();
                    for (int i = 0; i < perThread; i++) {
                        acknowledged.add(store.append(Drafts.draft(subject)).recordId());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, acknowledged.size());
        Set<String> stored = new HashSet<>();
        store.forEach(e -> stored.add(e.recordId()));
        assertEquals(acknowledged, stored);
        VerificationResult result = store.verify();
        assertTrue(result.valid(), result.describe());
        assertEquals(threads * perThread, result.entries());
    }

    @Test
    void closedStoreRefusesAppends() {
        ConsentStore store = store();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.append(Drafts.draft(SubjectId.random())));
    }

    /** Appends per thread in the concurrency test (8 threads). */
    protected int appendsPerThread() {
        return 1000;
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A store that keeps the chain in memory, for tests and demos. Nothing survives the JVM, so "durable" means "in
 * this object". Thread-safe (one lock).
 *
 * <pre>{@code
 * ConsentStore store = new InMemoryConsentStore();
 * }</pre>
 */
public final class InMemoryConsentStore implements ConsentStore {

    private final List<ChainEntry> entries = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private boolean closed;

    /** An empty store. */
    public InMemoryConsentStore() {}

    @Override
    public synchronized ConsentRecord append(ConsentRecord.Draft draft) {
        Objects.requireNonNull(draft, "draft");
        requireOpen();
        if (ids.contains(draft.recordId())) {
            throw new IllegalArgumentException("a record with id " + draft.recordId() + " already exists");
        }
        String previous = entries.isEmpty() ? ChainEntry.GENESIS_HASH : entries.get(entries.size() - 1).hash();
        ConsentRecord record = draft.link(previous);
        entries.add(record);
        ids.add(record.recordId());
        return record;
    }

    @Override
    public synchronized List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        requireOpen();
        List<ConsentRecord> out = new ArrayList<>();
        for (ChainEntry entry : entries) {
            if (entry instanceof ConsentRecord && ((ConsentRecord) entry).subject().equals(subject)) {
                out.add((ConsentRecord) entry);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void forEach(Consumer<? super ChainEntry> action) {
        List<ChainEntry> snapshot;
        synchronized (this) {
            requireOpen();
            snapshot = List.copyOf(entries);
        }
        snapshot.forEach(action);
    }

    @Override
    public synchronized int erase(SubjectId subject, Instant now) {
        Objects.requireNonNull(subject, "subject");
        requireOpen();
        int count = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) instanceof ConsentRecord && ((ConsentRecord) entries.get(i)).subject().equals(subject)) {
                entries.set(i, Tombstone.of((ConsentRecord) entries.get(i), now, Tombstone.REASON_ERASURE));
                count++;
            }
        }
        return count;
    }

    @Override
    public synchronized int purge(Instant cutoff, Instant now) {
        requireOpen();
        int count = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) instanceof ConsentRecord) {
                ConsentRecord record = (ConsentRecord) entries.get(i);
                if (record.timestamp().isBefore(cutoff) && record.expiry().isBefore(now)) {
                    entries.set(i, Tombstone.of(record, now, Tombstone.REASON_RETENTION));
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public synchronized VerificationResult verify() {
        requireOpen();
        ChainVerifier chain = ChainVerifier.full(null);
        for (int i = 0; i < entries.size(); i++) {
            if (chain.next("entry " + (i + 1), entries.get(i)) == null) {
                break;
            }
        }
        return chain.result();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Delegates to a real store and counts history reads, to see what a cache saves. */
public final class ChainCountingStore implements ConsentStore {
    private final ConsentStore delegate;
    private final AtomicInteger historyReads = new AtomicInteger();

    public ChainCountingStore(ConsentStore delegate) {
        this.delegate = delegate;
    }

    public int historyReads() {
        return historyReads.get();
    }

    @Override
    public ConsentRecord append(ConsentRecord.Draft draft) {
        return delegate.append(draft);
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        historyReads.incrementAndGet();
        return delegate.history(subject);
    }

    @Override
    public void forEach(Consumer<? super ChainEntry> action) {
        delegate.forEach(action);
    }

    @Override
    public int erase(SubjectId subject, Instant now) {
        return delegate.erase(subject, now);
    }

    @Override
    public int purge(Instant cutoff, Instant now) {
        return delegate.purge(cutoff, now);
    }

    @Override
    public VerificationResult verify() {
        return delegate.verify();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to a real store and counts history reads, to see what a cache saves. */
public final class ChainCountingStore extends ForwardingConsentStore {
    private final AtomicInteger historyReads = new AtomicInteger();

    public ChainCountingStore(ConsentStore delegate) {
        super(delegate);
    }

    public int historyReads() {
        return historyReads.get();
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        historyReads.incrementAndGet();
        return super.history(subject);
    }
}

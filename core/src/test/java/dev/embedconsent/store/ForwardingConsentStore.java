package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** A store that hands every call to a real one; tests override the calls they watch or delay. */
public abstract class ForwardingConsentStore implements ConsentStore {
    private final ConsentStore delegate;

    protected ForwardingConsentStore(ConsentStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public ConsentRecord append(ConsentRecord.Draft draft) {
        return delegate.append(draft);
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
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

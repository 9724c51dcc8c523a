package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where consent records live: an append-only, hash-chained log. Implementations: {@link InMemoryConsentStore}
 * (tests), {@link JsonLinesConsentStore} (the embedded default) and {@link JdbcConsentStore} (PostgreSQL, several
 * application nodes). New capabilities arrive as {@code default} methods, so an implementation written against an
 * older version keeps working.
 *
 * <p>Guarantees every implementation gives (checked by the shared contract test):
 * <ul>
 *   <li>Thread-safe; appends from any number of threads form one chain with nothing lost.</li>
 *   <li>{@link #append} returns only once the record is durable (for the JSON Lines store: fsynced, unless
 *       configured otherwise; for JDBC: committed).</li>
 *   <li>Erasure and purge never break the chain: a {@link dev.embedconsent.record.Tombstone} keeps the hashes.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ConsentStore store = JsonLinesConsentStore.builder(Path.of("data/consent")).build()) {
 *     ConsentRecord saved = store.append(draft);      // durable when this returns
 *     List<ConsentRecord> mine = store.history(subject);
 *     VerificationResult check = store.verify();
 * }
 * }</pre>
 */
public interface ConsentStore extends AutoCloseable {

    /**
     * Links {@code draft} to the end of the chain and stores it.
     *
     * @return the stored record, with {@code previousHash} and {@code hash}
     * @throws IllegalArgumentException if the store notices that the record id is taken (ids are 128 random bits,
     *     so this means the same draft was appended twice; not every store checks)
     * @throws StoreException if it could not be stored; then nothing was acknowledged
     */
    ConsentRecord append(ConsentRecord.Draft draft);

    /** All records of {@code subject} still present (not erased or purged), oldest first. */
    List<ConsentRecord> history(SubjectId subject);

    /** Calls {@code action} with every entry, records and tombstones, in chain order. */
    void forEach(Consumer<? super ChainEntry> action);

    /**
     * Replaces every record of {@code subject} with a tombstone (GDPR Art. 17).
     *
     * @return how many records were erased
     */
    int erase(SubjectId subject, Instant now);

    /**
     * Replaces with tombstones the records whose timestamp is before {@code cutoff} and whose expiry is before
     * {@code now}, so a decision still in force is never purged (GDPR Art. 5(1)(e)).
     *
     * @return how many records were purged
     */
    int purge(Instant cutoff, Instant now);

    /** Checks the whole chain, including the stored bytes where the store keeps them. */
    VerificationResult verify();

    /** Counts by decision, provider and kind; computed from {@link #forEach} unless a store knows better. */
    default StoreStats stats() {
        StoreStats.Counter counter = new StoreStats.Counter();
        forEach(counter::add);
        return counter.result();
    }

    /** Releases files, locks or connections. Appends after close fail. */
    @Override
    void close();
}

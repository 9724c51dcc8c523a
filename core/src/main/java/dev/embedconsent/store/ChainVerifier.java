package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.RecordFormat;
import org.jspecify.annotations.Nullable;

/**
 * Walks a hash chain entry by entry, in chain order, and stops at the first entry that is not intact, naming its
 * record id and where it is stored. Every store checks its chain with it: {@link InMemoryConsentStore},
 * {@link JdbcConsentStore}, and {@link JsonLinesConsentStore} on open, in {@code verify()} and offline.
 *
 * <pre>{@code
 * ChainVerifier chain = ChainVerifier.full(recordedHead);          // null if the store records no head
 * for (Row row : rows) {
 *     if (chain.next("seq " + row.seq(), row.text()) == null) {
 *         return chain.result();                                  // names the record and "seq 17"
 *     }
 * }
 * return chain.finish("after seq " + chain.entries());            // the chain must reach the recorded head
 * }</pre>
 *
 * <p>{@link #full} checks, in this order, that stored text parses ({@link RecordFormat#parse}), is byte for byte the
 * canonical JSON of what it parses to, points back to the entry before it and carries the hash of its content
 * ({@link RecordFormat#problem}), and that the entry the recorded head counts as its last is the head's entry.
 * {@link #linksOnly} checks only that entries parse and point back to the one before: what opening a store needs to
 * find where its chain ends, at a fraction of the cost; the rest is left to {@code verify()}. Both check at
 * {@link #finish} that the chain reaches its recorded head. A store adds what only it can see (a gap in row numbers,
 * a torn line) with {@link #broken}.
 *
 * <p>Not thread-safe: one instance per walk.
 */
final class ChainVerifier {

    static final String NOT_CANONICAL = "stored text differs from the canonical form (edited entry)";

    private final boolean full;
    private final @Nullable ChainHead recorded;
    private ChainHead last = ChainHead.EMPTY;
    private @Nullable VerificationResult broken;

    private ChainVerifier(boolean full, @Nullable ChainHead recorded) {
        this.full = full;
        this.recorded = recorded;
    }

    /** Checks everything: canonical form, links, hashes, the recorded head. */
    static ChainVerifier full(@Nullable ChainHead recorded) {
        return new ChainVerifier(true, recorded);
    }

    /** Checks that entries parse and link, and at {@link #finish} that the chain reaches {@code recorded}. */
    static ChainVerifier linksOnly(@Nullable ChainHead recorded) {
        return new ChainVerifier(false, recorded);
    }

    /** Why {@code storedText} is not a readable entry, or {@code null} if it is one. */
    static @Nullable String unreadable(String storedText) {
        try {
            RecordFormat.parse(storedText);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Checks the next entry from its stored text.
     *
     * @param position where it is stored, for people: {@code consent-000001.jsonl line 3}, {@code seq 17}
     * @return the entry, or {@code null} if the chain breaks here; then {@link #result()} says why
     */
    @Nullable ChainEntry next(String position, String storedText) {
        requireUnbroken();
        ChainEntry entry;
        try {
            entry = RecordFormat.parse(storedText);
        } catch (IllegalArgumentException e) {
            broken(position, RecordFormat.findRecordId(storedText), "unreadable entry (" + e.getMessage() + ")");
            return null;
        }
        if (full && !RecordFormat.toJson(entry).equals(storedText)) {
            broken(position, entry.recordId(), NOT_CANONICAL);
            return null;
        }
        return next(position, entry);
    }

    /** Checks the next entry of a store that keeps entries, not their stored text; as {@link #next(String, String)}. */
    @Nullable ChainEntry next(String position, ChainEntry entry) {
        requireUnbroken();
        // RecordFormat.problem checks the link first, so when only links are checked it is asked only about a bad one.
        String problem = full || !entry.previousHash().equals(last.hash()) ? RecordFormat.problem(entry, last.hash())
                : null;
        if (problem == null && full && recorded != null && last.entries() + 1 == recorded.entries()
                && !recorded.names(entry)) {
            problem = "entry #" + recorded.entries() + " is not the one the chain head records (entries replaced)";
        }
        if (problem != null) {
            broken(position, entry.recordId(), problem);
            return null;
        }
        last = last.next(entry);
        return entry;
    }

    /** Marks the chain broken at {@code position}, after the entries checked so far, for a reason the store found. */
    VerificationResult broken(String position, @Nullable String recordId, String problem) {
        requireUnbroken();
        broken = VerificationResult.broken(last.entries(), recordId, position, problem);
        return broken;
    }

    boolean isBroken() {
        return broken != null;
    }

    /** How many entries are intact so far. */
    long entries() {
        return last.entries();
    }

    /** The last intact entry so far. */
    ChainHead last() {
        return last;
    }

    /** Whether the chain has reached the entry its recorded head names; {@code false} without a recorded head. */
    boolean reachedRecordedHead() {
        return recorded != null && last.entries() >= recorded.entries();
    }

    /** Where the walk stands: broken, or intact so far. */
    VerificationResult result() {
        return broken != null ? broken : VerificationResult.ok(last.entries());
    }

    /**
     * Ends the walk: the chain must reach its recorded head, if there is one.
     *
     * @param position where the missing entries would be, e.g. {@code after entry #7}
     */
    VerificationResult finish(String position) {
        if (broken == null && recorded != null && recorded.entries() > last.entries()) {
            broken(position, recorded.recordId(), "the chain head records " + recorded.entries()
                    + " acknowledged entries ending with " + recorded.recordId() + ", but only " + last.entries()
                    + " are present (entries deleted or cut off the end)");
        }
        return result();
    }

    private void requireUnbroken() {
        if (broken != null) {
            throw new IllegalStateException("the chain is already broken at " + broken.position());
        }
    }
}

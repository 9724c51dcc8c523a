package dev.embedconsent.store;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Group commit for the JSON Lines store: appends that arrive while an fsync runs wait for it and then share the next
 * one, so concurrent appends cost far fewer fsyncs than appends, and each still returns only once its own entry is on
 * disk.
 *
 * <pre>{@code
 * long entry = ...;                                 // its number in the chain, written under the store's lock
 * groupCommit.awaitDurable(entry, this::syncAll);   // syncAll: fsync everything written, say how many that is
 * }</pre>
 *
 * <p>Thread-safe. Work that must not overlap a group fsync (erasure, purge, close) runs in {@link #exclusive}.
 */
final class GroupCommit {

    private final Object monitor = new Object();
    private long durable;

    /** Starts with the first {@code durable} entries on disk. */
    GroupCommit(long durable) {
        this.durable = durable;
    }

    /**
     * Returns once entry number {@code entry} is durable: at once if an fsync already covered it, otherwise after
     * calling {@code syncAll}, which makes every entry written so far durable and returns how many there are.
     */
    void awaitDurable(long entry, LongSupplier syncAll) {
        synchronized (monitor) {
            if (durable < entry) {
                durable = syncAll.getAsLong();
            }
        }
    }

    /** Notes that the first {@code entries} entries are durable (after a sync outside {@link #awaitDurable}). */
    void markDurable(long entries) {
        synchronized (monitor) {
            durable = entries;
        }
    }

    /** Runs {@code action} while no group fsync runs or starts. */
    <T> T exclusive(Supplier<T> action) {
        synchronized (monitor) {
            return action.get();
        }
    }

    /** As {@link #exclusive(Supplier)}, for work without a result. */
    void exclusive(Runnable action) {
        synchronized (monitor) {
            action.run();
        }
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Tombstone;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Counts over a store, for operators ({@code records stats}).
 *
 * @param records records with content
 * @param tombstones erased or purged entries
 * @param subjects distinct subjects among {@code records}
 * @param byDecision record count per decision name
 * @param byProvider record count per provider id
 * @param oldest timestamp of the oldest record, {@code null} if none
 * @param newest timestamp of the newest record, {@code null} if none
 */
public record StoreStats(
        long records,
        long tombstones,
        long subjects,
        Map<String, Long> byDecision,
        Map<String, Long> byProvider,
        @Nullable Instant oldest,
        @Nullable Instant newest) {

    public StoreStats {
        byDecision = Map.copyOf(byDecision);
        byProvider = Map.copyOf(byProvider);
    }

    /** Accumulates entries; not thread-safe. */
    static final class Counter {
        private long records;
        private long tombstones;
        private final Set<String> subjects = new HashSet<>();
        private final Map<String, Long> byDecision = new TreeMap<>();
        private final Map<String, Long> byProvider = new TreeMap<>();
        private @Nullable Instant oldest;
        private @Nullable Instant newest;

        void add(ChainEntry entry) {
            if (entry instanceof Tombstone) {
                tombstones++;
                return;
            }
            ConsentRecord record = (ConsentRecord) entry;
            records++;
            subjects.add(record.subject().value());
            byDecision.merge(record.decision().jsonName(), 1L, Long::sum);
            byProvider.merge(record.provider(), 1L, Long::sum);
            if (oldest == null || record.timestamp().isBefore(oldest)) {
                oldest = record.timestamp();
            }
            if (newest == null || record.timestamp().isAfter(newest)) {
                newest = record.timestamp();
            }
        }

        StoreStats result() {
            return new StoreStats(records, tombstones, subjects.size(), byDecision, byProvider, oldest, newest);
        }
    }
}

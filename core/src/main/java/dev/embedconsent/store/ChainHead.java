package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import org.jspecify.annotations.Nullable;

/**
 * The end of a chain as a store records it apart from the chain itself (the JSON Lines {@code chain-head} file, the
 * JDBC head row), or as a walk along the chain has found it. A chain alone cannot show entries cut off its end; a
 * chain compared with its recorded head can.
 *
 * @param entries how many entries the chain holds up to and including this one
 * @param recordId id of the last entry, {@code null} for an empty chain
 * @param hash hash of the last entry, {@link ChainEntry#GENESIS_HASH} for an empty chain
 */
record ChainHead(long entries, @Nullable String recordId, String hash) {

    static final ChainHead EMPTY = new ChainHead(0, null, ChainEntry.GENESIS_HASH);

    /** The head once {@code entry} is linked on. */
    ChainHead next(ChainEntry entry) {
        return new ChainHead(entries + 1, entry.recordId(), entry.hash());
    }

    /** Whether {@code entry} is the entry this head names. */
    boolean names(ChainEntry entry) {
        return entry.recordId().equals(recordId) && entry.hash().equals(hash);
    }
}

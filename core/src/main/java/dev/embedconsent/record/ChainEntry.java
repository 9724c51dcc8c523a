package dev.embedconsent.record;

/**
 * One link of a store's hash chain: either a full {@link ConsentRecord} or the {@link Tombstone} that replaces it
 * after an erasure or a retention purge. Every entry carries the hash of the entry before it and its own hash, so
 * editing, deleting or reordering any entry breaks the chain.
 */
public sealed interface ChainEntry permits ConsentRecord, Tombstone {

    /** The hash that the first entry of a chain points back to: 64 zeros. */
    String GENESIS_HASH = "0".repeat(64);

    String recordId();

    int schemaVersion();

    /** Lowercase hex SHA-256 of the content; for a record it is recomputed, for a tombstone it is kept. */
    String contentHash();

    String previousHash();

    String hash();
}

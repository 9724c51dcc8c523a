package dev.embedconsent.record;

import java.time.Instant;
import java.util.Objects;

/**
 * What is left of a record after an Art. 17 erasure or a retention purge: its id, the hash of its content and its
 * chain links, but none of its content. The chain hash is {@code SHA-256(recordId, previousHash, contentHash)}, so
 * a tombstone verifies exactly like the record it replaced and the chain stays checkable from end to end.
 *
 * @param recordId id of the erased record
 * @param schemaVersion schema version of the erased record
 * @param erasedAt when the content was removed (not covered by the chain hash)
 * @param reason why: {@code erasure} (Art. 17) or {@code retention} (purge)
 * @param contentHash hex SHA-256 of the erased record's canonical content
 * @param previousHash hash of the entry before
 * @param hash this entry's chain hash, unchanged from the record
 */
public record Tombstone(
        String recordId,
        int schemaVersion,
        Instant erasedAt,
        String reason,
        String contentHash,
        String previousHash,
        String hash) implements ChainEntry {

    public static final String REASON_ERASURE = "erasure";
    public static final String REASON_RETENTION = "retention";

    public Tombstone {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(erasedAt, "erasedAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** The tombstone that replaces {@code record}. */
    public static Tombstone of(ConsentRecord record, Instant erasedAt, String reason) {
        return new Tombstone(record.recordId(), record.schemaVersion(), erasedAt, reason, record.contentHash(),
                record.previousHash(), record.hash());
    }
}

package dev.embedconsent.store;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking a chain.
 *
 * @param valid whether every entry is intact and linked to the one before
 * @param entries how many entries were checked (up to and excluding the first bad one)
 * @param badRecordId id of the first bad entry, or {@code null} if valid or the id could not be read
 * @param position where the first bad entry sits, e.g. {@code consent-000001.jsonl line 17}; {@code null} if valid
 * @param problem what is wrong with it; {@code null} if valid
 * @param note something worth knowing about a valid chain, e.g. an unacknowledged torn last line; or {@code null}
 */
public record VerificationResult(
        boolean valid,
        long entries,
        @Nullable String badRecordId,
        @Nullable String position,
        @Nullable String problem,
        @Nullable String note) {

    public static VerificationResult ok(long entries) {
        return new VerificationResult(true, entries, null, null, null, null);
    }

    public static VerificationResult ok(long entries, String note) {
        return new VerificationResult(true, entries, null, null, null, note);
    }

    public static VerificationResult broken(long entries, @Nullable String recordId, String position,
            String problem) {
        return new VerificationResult(false, entries, recordId, position, problem, null);
    }

    /** One line for people, e.g. {@code chain OK: 1200 records} or {@code chain BROKEN at record X (...)}. */
    public String describe() {
        if (valid) {
            return "chain OK: " + entries + " entries" + (note == null ? "" : " (" + note + ")");
        }
        return "chain BROKEN at record " + (badRecordId == null ? "<unreadable id>" : badRecordId) + " (" + position
                + "): " + problem + "; " + entries + " entries before it are intact";
    }
}

/**
 * Consent records and their hash chain: the value types a store keeps ({@link dev.embedconsent.record.ConsentRecord},
 * {@link dev.embedconsent.record.Tombstone}), the canonical JSON form that every store writes and hashes
 * ({@link dev.embedconsent.record.RecordFormat}). Depends on nothing else in this library, so the stores and the
 * consent service both build on it.
 */
@NullMarked
package dev.embedconsent.record;

import org.jspecify.annotations.NullMarked;

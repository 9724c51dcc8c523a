/**
 * Where consent records live. {@link dev.embedconsent.store.ConsentStore} is the SPI; a new store implements it, writes
 * and hashes entries with {@link dev.embedconsent.record.RecordFormat}, and gets a test that subclasses
 * {@code ConsentStoreContract}, which every store passes.
 * <ul>
 *   <li>{@link dev.embedconsent.store.InMemoryConsentStore}: for tests.</li>
 *   <li>{@link dev.embedconsent.store.JsonLinesConsentStore}: the embedded default, composed of package-private
 *       parts with one job each: {@code DirectoryLock} (one process per directory), {@code SegmentFiles} (naming,
 *       reading and replacing segments), {@code ChainHeadFile} (the last acknowledged entry), {@code ChainRecovery}
 *       (on open: cut a torn last line, refuse damage), {@code SegmentAppender} and {@code GroupCommit} (append,
 *       rotate, fsync), {@code SubjectIndex} (where each subject's lines are), {@code SegmentRewrite} (erasure and
 *       purge) and {@code SegmentVerification} (verify, also offline).</li>
 *   <li>{@link dev.embedconsent.store.JdbcConsentStore}: PostgreSQL for several nodes; {@code ConsentTables} (schema
 *       and SQL), {@code JdbcAppender} (the append transaction, group commit), {@code SqlRetry} (transient
 *       failures).</li>
 * </ul>
 * Every store checks its chain with {@code ChainVerifier}, which names the first bad record and where it is
 * ({@link dev.embedconsent.store.VerificationResult}); {@code ChainHead} is the end of a chain as a store records it.
 */
@NullMarked
package dev.embedconsent.store;

import org.jspecify.annotations.NullMarked;

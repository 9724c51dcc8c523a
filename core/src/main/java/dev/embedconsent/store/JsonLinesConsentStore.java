package dev.embedconsent.store;

import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import dev.embedconsent.store.SegmentFiles.Line;
import dev.embedconsent.store.SegmentFiles.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default store: an append-only hash chain in JSON Lines segment files, one record per line
 * ({@link RecordFormat}). Thread-safe; one process at a time per directory.
 *
 * <pre>{@code
 * try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(Path.of("/var/lib/site/consent"))
 *         .withDurability(Durability.GROUP_COMMIT)      // default FSYNC_EACH
 *         .withSegmentSize(64L << 20)                    // default 64 MiB
 *         .build()) {
 *     store.append(draft);                               // fsynced when this returns
 * }
 * VerificationResult offline = JsonLinesConsentStore.verify(Path.of("/var/lib/site/consent"));
 * }</pre>
 *
 * <p>Directory layout:
 * <ul>
 *   <li>{@code consent-000001.jsonl}, {@code consent-000002.jsonl}, … segments, chained across files; a new one is
 *       started when the current one reaches the segment size.</li>
 *   <li>{@code chain-head}: the count, id and hash of the last acknowledged entry, rewritten after each segment
 *       fsync. It lets {@link #verify} notice records cut off the end, which a chain alone cannot show. It is
 *       fsynced only on open and close, so after a power failure it may lag behind the segments, but it never runs
 *       ahead of them.</li>
 *   <li>{@code consent.lock}: held with {@link java.nio.channels.FileChannel#tryLock()} while the store is open; a
 *       second process (or a second instance in this JVM) fails with a {@link StoreException} that says so.</li>
 * </ul>
 *
 * <p>Faults: a write that fails, for example on a full disk, is cut back off the segment and the record refused with a
 * {@link StoreException}; the store stays usable. After a failed fsync, or a write that could not be undone (a
 * read-only file system), the next append first cuts the chain back to its last fsynced entry (nothing acknowledged
 * is past it) and then goes on, so the store recovers without a restart once the disk takes writes again; until then
 * each append fails. Only a failed erasure or purge needs the store reopened.
 *
 * <p>Durability: with {@link Durability#FSYNC_EACH} every append fsyncs the segment and the head before it returns;
 * with {@link Durability#GROUP_COMMIT} concurrent appenders share one fsync, each still returning only once its
 * own record is on disk. On open, an incomplete last line (a crash mid-write, never acknowledged) is cut off with a
 * warning; damage anywhere else refuses to open, naming the record, so nothing is silently lost.
 *
 * <p>Erasure and purge rewrite the affected segments (a temporary file, fsync, atomic rename) with tombstones in
 * place of the records, so the cost is proportional to the segments touched.
 *
 * <p>This class composes the parts, each with one job: {@code DirectoryLock}, {@code SegmentFiles},
 * {@code ChainHeadFile}, {@code ChainRecovery} on open, {@code SegmentAppender} and {@code GroupCommit} for appends,
 * {@code SubjectIndex} for {@link #history}, {@code SegmentRewrite} for erasure and purge, and
 * {@code SegmentVerification} for {@link #verify}. One read-write lock guards the appender and the index: appends,
 * erasure and purge take it for writing, reads for reading.
 */
public final class JsonLinesConsentStore implements ConsentStore {

    /** When an append is acknowledged. */
    public enum Durability {
        /** fsync the segment and the chain head before each append returns. */
        FSYNC_EACH,
        /** Appenders that arrive while an fsync runs share the next one; each returns once its record is synced. */
        GROUP_COMMIT
    }

    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;

    private final Path directory;
    private final Durability durability;
    private final DirectoryLock lock;
    private final SegmentFiles segments;
    private final SegmentAppender appender;
    private final GroupCommit groupCommit;
    private final SegmentRewrite rewrite;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();

    // Guarded by rw (write lock to change).
    private final SubjectIndex index = new SubjectIndex();
    private boolean closed;

    private JsonLinesConsentStore(Builder b) {
        this.directory = b.directory;
        this.durability = b.durability;
        this.lock = DirectoryLock.acquire(directory);
        this.segments = new SegmentFiles(directory);
        ChainHeadFile head = null;
        try {
            head = ChainHeadFile.open(directory);
            ChainRecovery.End end = ChainRecovery.recover(directory, index);
            this.appender = SegmentAppender.open(directory, segments, head, b.segmentSize, end);
        } catch (IOException | RuntimeException e) {
            if (head != null) {
                head.close();
            }
            lock.close();
            throw e instanceof StoreException ? (StoreException) e
                    : new StoreException("cannot open consent store " + directory + ": " + e, e);
        }
        this.groupCommit = new GroupCommit(appender.last().entries());
        this.rewrite = new SegmentRewrite(segments, appender);
    }

    /** Starts configuring a store in {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Opens {@code directory} with the defaults. */
    public static JsonLinesConsentStore open(Path directory) {
        return builder(directory).build();
    }

    @Override
    public ConsentRecord append(ConsentRecord.Draft draft) {
        Objects.requireNonNull(draft, "draft");
        ConsentRecord record;
        long entry;
        long generation;
        if (!appender.isUsable()) {
            heal();
        }
        rw.writeLock().lock();
        try {
            requireUsable();
            record = draft.link(appender.last().hash());
            index.add(record, appender.append(record));
            if (durability == Durability.FSYNC_EACH) {
                appender.sync(false);
                return record;
            }
            entry = appender.last().entries();
            generation = appender.generation();
        } finally {
            rw.writeLock().unlock();
        }
        groupCommit.awaitDurable(entry, this::syncWritten);
        appender.requireKept(entry, generation);
        return record;
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        rw.readLock().lock();
        try {
            requireOpen();
            List<Location> locations = index.of(subject);
            List<ConsentRecord> out = new ArrayList<>(locations.size());
            for (Location location : locations) {
                if (RecordFormat.parse(segments.read(location)) instanceof ConsentRecord record) {
                    out.add(record);
                }
            }
            return List.copyOf(out);
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public void forEach(Consumer<? super ChainEntry> action) {
        rw.readLock().lock();
        try {
            requireOpen();
            for (Path segment : segments.list()) {
                for (Line line : SegmentFiles.readLines(segment)) {
                    action.accept(RecordFormat.parse(line.text()));
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot read consent store " + directory + ": " + e, e);
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public int erase(SubjectId subject, Instant now) {
        Objects.requireNonNull(subject, "subject");
        return rewrite(record -> record.subject().equals(subject)
                ? Tombstone.of(record, now, Tombstone.REASON_ERASURE) : null, subject);
    }

    @Override
    public int purge(Instant cutoff, Instant now) {
        return rewrite(record -> record.timestamp().isBefore(cutoff) && record.expiry().isBefore(now)
                ? Tombstone.of(record, now, Tombstone.REASON_RETENTION) : null, null);
    }

    @Override
    public VerificationResult verify() {
        rw.readLock().lock();
        try {
            requireOpen();
            return verify(directory);
        } finally {
            rw.readLock().unlock();
        }
    }

    /**
     * Checks the chain in {@code directory} without opening the store or taking its lock: every line must be the
     * canonical JSON of an entry whose hash matches and that links to the entry before it, and the chain must
     * reach the entry named in {@code chain-head}. Safe to run while an application appends: an incomplete last line
     * beyond the acknowledged head (a write in progress, or torn by a crash) is not an error and is mentioned in
     * {@link VerificationResult#note()}; one that cuts into acknowledged entries is.
     *
     * @throws StoreException if the directory does not exist or cannot be read
     */
    public static VerificationResult verify(Path directory) {
        return SegmentVerification.verify(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public void close() {
        groupCommit.exclusive(() -> {
            rw.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (appender.isUsable()) {
                        appender.sync(true);
                        groupCommit.markDurable(appender.last().entries());
                    }
                } finally {
                    appender.close();
                    segments.close();
                    lock.close();
                }
            } finally {
                rw.writeLock().unlock();
            }
        });
    }

    public Path directory() {
        return directory;
    }

    public Durability durability() {
        return durability;
    }

    /**
     * After a failed fsync or a write that could not be undone: cuts the chain back to its last fsynced entry and takes
     * writes again, if the disk lets it; otherwise the append that follows fails as before.
     */
    private void heal() {
        groupCommit.exclusive(() -> {
            rw.writeLock().lock();
            try {
                if (closed || appender.isUsable()) {
                    return;
                }
                long kept;
                try {
                    kept = appender.heal();
                } catch (StoreException stillFailing) {
                    return;
                }
                try {
                    index.rebuild(segments.list());
                } catch (IOException e) {
                    appender.fail("rebuilding the index after recovery failed: " + e);
                    return;
                }
                groupCommit.markDurable(kept);
            } finally {
                rw.writeLock().unlock();
            }
        });
    }

    /** The group fsync: makes everything written so far durable and says how many entries that is. */
    private long syncWritten() {
        SegmentAppender.Written written;
        rw.readLock().lock();
        try {
            requireUsable();
            written = appender.written();
        } finally {
            rw.readLock().unlock();
        }
        appender.sync(written);
        return written.last().entries();
    }

    /** Erasure and purge: rewrites the segments that hold {@code only}'s records, or all of them. */
    private int rewrite(Function<ConsentRecord, @Nullable Tombstone> replace, @Nullable SubjectId only) {
        return groupCommit.exclusive(() -> {
            rw.writeLock().lock();
            try {
                requireUsable();
                appender.syncSegment();
                List<Path> targets = only == null ? segments.list()
                        : index.segmentsOf(only).stream().map(segments::path).toList();
                int count = rewrite.apply(targets, replace);
                if (count > 0) {
                    index.rebuild(segments.list());
                }
                return count;
            } catch (IOException e) {
                appender.fail("rewrite failed: " + e);
                throw new StoreException("consent store " + directory + ": erasure/purge failed: " + e, e);
            } finally {
                rw.writeLock().unlock();
            }
        });
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("consent store " + directory + " is closed");
        }
    }

    private void requireUsable() {
        requireOpen();
        appender.requireUsable();
    }

    /**
     * Configures a {@link JsonLinesConsentStore}. Each option may be set once; setting one twice fails and names
     * it. {@link #build()} opens the store.
     */
    public static final class Builder {
        private final SetOnce options = new SetOnce("JsonLinesConsentStore.Builder");
        private final Path directory;
        private Durability durability = Durability.FSYNC_EACH;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        public Builder withDurability(Durability durability) {
            Objects.requireNonNull(durability, "durability");
            options.claim("durability");
            this.durability = durability;
            return this;
        }

        /** Bytes after which a new segment starts; at least 4 KiB. */
        public Builder withSegmentSize(long bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("segment size must be at least 4096 bytes, got " + bytes);
            }
            options.claim("segmentSize");
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Opens the store: takes the directory lock, cuts off a torn last line with a warning, and checks that the
         * chain links and reaches the head.
         *
         * @throws StoreException if another process holds the directory, or the data is damaged
         */
        public JsonLinesConsentStore build() {
            return new JsonLinesConsentStore(this);
        }
    }
}

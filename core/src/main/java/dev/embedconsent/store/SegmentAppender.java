package dev.embedconsent.store;

import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.store.SegmentFiles.Location;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The write side of a JSON Lines store: appends each record's line to the current segment, starts a new segment when
 * the line would take the current one past the segment size, fsyncs, and then records the synced end of the chain in
 * {@code chain-head} ({@link ChainHeadFile}).
 *
 * <pre>{@code
 * Location at = appender.append(record);       // written, not yet durable
 * appender.sync(false);                        // FSYNC_EACH: durable, head recorded
 * appender.sync(appender.written());           // GROUP_COMMIT: one fsync for all written so far
 * }</pre>
 *
 * <p>A write that fails (a full disk: {@code No space left on device}, often after part of the line was written) is
 * undone by cutting the segment back, and the appender stays usable. A new segment that cannot be created leaves the
 * appender on the current one. After a failed fsync or head write, or a write that could not be undone (a read-only
 * file system), what is on disk past the last fsync is uncertain: the appender then refuses writes
 * ({@link #requireUsable()}) until {@link #heal()} cuts the segment back to the end of the last successful fsync and
 * records that end in {@code chain-head}, which the store tries before its next append, so it recovers without a
 * restart once the disk takes writes again. Entries written after that fsync were never acknowledged; an appender
 * waiting for a group fsync learns whether its entry was cut with {@link #requireKept}. After a failed rewrite
 * (erasure, purge) only reopening the store recovers.
 *
 * <p>Not thread-safe: the store calls it under its write lock, except that {@link #written()} needs only the read
 * lock and {@link #sync(Written)} runs under the {@link GroupCommit} monitor alone, as appends go on.
 */
final class SegmentAppender implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private final Path directory;
    private final SegmentFiles segments;
    private final ChainHeadFile head;
    private final long segmentSize;
    private FileChannel current;
    private int segment;
    private long size;
    private ChainHead last;
    private volatile @Nullable String failure;
    /** Whether {@link #heal()} can end the failure; false after a failed rewrite. */
    private volatile boolean healable;
    /** The end of the current segment as of the last successful fsync, and the entry there. */
    private volatile Durable durable;
    // Guarded by cuts: how often heal() cut the chain back, and the entries it kept each time, oldest first.
    private final List<Long> cuts = new ArrayList<>();

    private SegmentAppender(Path directory, SegmentFiles segments, ChainHeadFile head, long segmentSize,
            FileChannel current, ChainRecovery.End end) {
        this.directory = directory;
        this.segments = segments;
        this.head = head;
        this.segmentSize = segmentSize;
        this.current = current;
        this.segment = end.segment();
        this.size = end.segmentSize();
        this.last = end.last();
        this.durable = new Durable(end.segmentSize(), end.last());
    }

    /** Continues the chain where recovery found it ending, and records that end in {@code chain-head}, synced. */
    static SegmentAppender open(Path directory, SegmentFiles segments, ChainHeadFile head, long segmentSize,
            ChainRecovery.End end) throws IOException {
        SegmentAppender appender = new SegmentAppender(directory, segments, head, segmentSize,
                segments.openForAppend(end.segment()), end);
        try {
            appender.force(appender.current);
            appender.writeHead(end.last(), true);
        } catch (RuntimeException e) {
            appender.closeCurrent();
            throw e;
        }
        return appender;
    }

    /** The last entry written, durable or not. */
    ChainHead last() {
        return last;
    }

    /**
     * Writes {@code record}'s line, starting a new segment first if it would not fit.
     *
     * @return where the line is
     * @throws StoreException if it could not be written; then nothing was
     */
    Location append(ConsentRecord record) {
        byte[] line = (RecordFormat.toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
        if (size > 0 && size + line.length > segmentSize) {
            rotate();
        }
        Location location = new Location(segment, size, line.length);
        writeFully(line);
        size += line.length;
        last = last.next(record);
        return location;
    }

    /** fsyncs the current segment, then records the last entry in {@code chain-head}, fsynced too if {@code syncHead}. */
    void sync(boolean syncHead) {
        force(current);
        advanceDurable(current, size, last);
        writeHead(last, syncHead);
    }

    /** fsyncs the current segment (before a rewrite reads it). */
    void syncSegment() {
        force(current);
        advanceDurable(current, size, last);
    }

    /** What a group fsync that starts now will make durable. */
    Written written() {
        return new Written(current, size, last);
    }

    /** Makes {@code written} durable and records it in {@code chain-head}. */
    void sync(Written written) {
        try {
            written.segment().force(false);
        } catch (ClosedChannelException rotated) {
            LOG.log(Level.TRACE, "segment was rotated (and synced) during group commit");
        } catch (IOException e) {
            throw fsyncFailed(e);
        }
        advanceDurable(written.segment(), written.size(), written.last());
        writeHead(written.last(), false);
    }

    /**
     * Ends a failure that left the disk uncertain: reopens the current segment, cuts it back to where the last
     * successful fsync ended (dropping entries written after it, none of them acknowledged), fsyncs it, and records
     * that end in {@code chain-head}, fsynced. The caller must hold off every other use of the appender, group
     * fsyncs included, and rebuild what it derived from the dropped entries.
     *
     * @return the number of entries kept
     * @throws StoreException if the disk still refuses (the appender then stays failed), or the failure was a
     *         rewrite, which only reopening the store recovers from
     */
    long heal() {
        String reason = failure;
        if (reason == null) {
            return last.entries();
        }
        if (!healable) {
            requireUsable();
        }
        Durable keep = durable;
        closeCurrent();
        FileChannel channel = null;
        try {
            channel = segments.openForAppend(segment);
            if (channel.size() != keep.size()) {
                channel.truncate(keep.size());
            }
            channel.position(keep.size());
            channel.force(true);
            head.write(keep.last(), true);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new StoreException("consent store " + directory + " still refuses writes (" + reason
                    + "); recovering failed: " + e, e);
        }
        current = channel;
        size = keep.size();
        if (keep.last().entries() < last.entries()) {
            LOG.log(Level.WARNING, "Consent store {0}: recovered from \"{1}\"; cut off {2} entries written after "
                    + "the last successful fsync, none of them acknowledged", directory, reason,
                    last.entries() - keep.last().entries());
        } else {
            LOG.log(Level.INFO, "Consent store {0}: recovered from \"{1}\"; no entry lost", directory, reason);
        }
        last = keep.last();
        synchronized (cuts) {
            cuts.add(last.entries());
        }
        failure = null;
        return last.entries();
    }

    /** How many times {@link #heal()} cut the chain back so far: the generation an entry is written in. */
    long generation() {
        synchronized (cuts) {
            return cuts.size();
        }
    }

    /**
     * @throws StoreException if entry number {@code entry}, written in {@code generation}, was cut off by a
     *         {@link #heal()} since (it was never made durable)
     */
    void requireKept(long entry, long generation) {
        synchronized (cuts) {
            if (generation < cuts.size() && entry > cuts.get((int) generation)) {
                throw new StoreException("consent store " + directory + ": the fsync for this record failed and it "
                        + "was cut off while recovering; record not stored");
            }
        }
    }

    /**
     * Runs {@code replace} on segment {@code number}; if that is the segment being appended to, it is closed first and
     * reopened after, at its new end.
     */
    void reopenAround(int number, IoAction replace) throws IOException {
        boolean isCurrent = number == segment;
        if (isCurrent) {
            current.close();
        }
        replace.run();
        if (isCurrent) {
            current = segments.openForAppend(segment);
            size = current.size();
            // The rewrite fsynced the replacement before its rename, and the chain is unchanged.
            durable = new Durable(size, last);
        }
    }

    /** Makes the appender refuse writes until the store is reopened ({@link #heal()} does not end this). */
    void fail(String reason) {
        healable = false;
        failure = reason;
    }

    boolean isUsable() {
        return failure == null;
    }

    /** @throws StoreException if an earlier failure left what is on disk uncertain */
    void requireUsable() {
        String reason = failure;
        if (reason != null) {
            throw new StoreException("consent store " + directory + " refuses writes after an earlier failure ("
                    + reason + (healable ? "); it takes them again once the disk does" : "); reopen it"));
        }
    }

    /** Closes the segment and {@code chain-head} without syncing them; {@link #sync(boolean)} first to keep them. */
    @Override
    public void close() {
        closeCurrent();
        head.close();
    }

    /**
     * Starts the next segment. The current one is fsynced first; if the next cannot be created (a full or read-only
     * disk), the appender stays on the current one, usable, and the record is refused.
     */
    private void rotate() {
        force(current);
        advanceDurable(current, size, last);
        FileChannel next;
        try {
            next = segments.openForAppend(segment + 1);
        } catch (IOException e) {
            throw new StoreException("consent store " + directory + ": cannot start a new segment, record not "
                    + "stored: " + e, e);
        }
        closeCurrent();
        synchronized (cuts) {
            current = next;
            segment++;
            size = 0;
            durable = new Durable(0, last);
        }
    }

    private void writeFully(byte[] line) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        try {
            while (buffer.hasRemaining()) {
                current.write(buffer);
            }
        } catch (IOException e) {
            try {
                current.truncate(size);
                current.position(size);
            } catch (IOException undo) {
                failWith("a failed write could not be undone: " + undo);
            }
            throw new StoreException("consent store " + directory + ": write failed, record not stored: " + e, e);
        }
    }

    private void force(FileChannel channel) {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw fsyncFailed(e);
        }
    }

    private StoreException fsyncFailed(IOException e) {
        failWith("fsync failed: " + e);
        return new StoreException("consent store " + directory + ": fsync failed; record not acknowledged and the "
                + "store refuses further writes until reopened: " + e, e);
    }

    private void writeHead(ChainHead end, boolean sync) {
        try {
            head.write(end, sync);
        } catch (IOException e) {
            failWith("writing chain-head failed: " + e);
            throw new StoreException("consent store " + directory + ": cannot write chain-head: " + e, e);
        }
    }

    /** A failure {@link #heal()} can end, unless an unhealable one came first. */
    private void failWith(String reason) {
        if (failure == null) {
            healable = true;
        }
        failure = reason;
    }

    /** Notes that {@code channel} is durable up to {@code end}, entry {@code entry}, if that is further. */
    private void advanceDurable(FileChannel channel, long end, ChainHead entry) {
        synchronized (cuts) {
            // Only if that is still the segment appended to: rotation already recorded the end of the one before.
            if (channel == current && entry.entries() > durable.last().entries()) {
                durable = new Durable(end, entry);
            }
        }
    }

    private void closeCurrent() {
        try {
            current.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing: {0}", e);
        }
    }

    /**
     * What had been written when a group fsync started.
     *
     * @param segment the segment then being appended to; the ones before it were synced when it was started
     * @param size its length then
     * @param last the last entry written
     */
    record Written(FileChannel segment, long size, ChainHead last) {
    }

    /** The end of the current segment after the last successful fsync, and the last entry there. */
    private record Durable(long size, ChainHead last) {
    }

    /** File work that may fail. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}

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
 * <p>A write that fails is undone, and the appender stays usable. After a failed fsync, head write, rotation or
 * rewrite, or a write that could not be undone, what is on disk is uncertain: the appender then refuses writes
 * ({@link #requireUsable()}) until the store is reopened, and opening recovers.
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
    }

    /** Continues the chain where recovery found it ending, and records that end in {@code chain-head}, synced. */
    static SegmentAppender open(Path directory, SegmentFiles segments, ChainHeadFile head, long segmentSize,
            ChainRecovery.End end) throws IOException {
        SegmentAppender appender = new SegmentAppender(directory, segments, head, segmentSize,
                segments.openForAppend(end.segment()), end);
        try {
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
        writeHead(last, syncHead);
    }

    /** fsyncs the current segment (before a rewrite reads it). */
    void syncSegment() {
        force(current);
    }

    /** What a group fsync that starts now will make durable. */
    Written written() {
        return new Written(current, last);
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
        writeHead(written.last(), false);
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
        }
    }

    /** Makes the appender refuse writes until the store is reopened. */
    void fail(String reason) {
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
                    + reason + "); reopen it");
        }
    }

    /** Closes the segment and {@code chain-head} without syncing them; {@link #sync(boolean)} first to keep them. */
    @Override
    public void close() {
        closeCurrent();
        head.close();
    }

    private void rotate() {
        try {
            force(current);
            current.close();
            segment++;
            size = 0;
            current = segments.openForAppend(segment);
        } catch (IOException e) {
            failure = "segment rotation failed: " + e;
            throw new StoreException("consent store " + directory + ": cannot start a new segment: " + e, e);
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
                failure = "a failed write could not be undone: " + undo;
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
        failure = "fsync failed: " + e;
        return new StoreException("consent store " + directory + ": fsync failed; record not acknowledged and the "
                + "store refuses further writes until reopened: " + e, e);
    }

    private void writeHead(ChainHead end, boolean sync) {
        try {
            head.write(end, sync);
        } catch (IOException e) {
            failure = "writing chain-head failed: " + e;
            throw new StoreException("consent store " + directory + ": cannot write chain-head: " + e, e);
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
     * @param last the last entry written
     */
    record Written(FileChannel segment, ChainHead last) {
    }

    /** File work that may fail. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}

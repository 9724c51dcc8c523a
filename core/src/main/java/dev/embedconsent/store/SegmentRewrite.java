package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Tombstone;
import dev.embedconsent.store.SegmentFiles.Line;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Erasure and purge for the JSON Lines store: rewrites a segment with tombstones in place of the records they
 * replace. The new content goes to {@code consent-NNNNNN.jsonl.rewrite}, is fsynced, and replaces the segment with an
 * atomic rename, so a crash leaves either the old segment or the new one, never a mix (recovery removes a leftover
 * temporary file). Only segments that change are written, so the cost is proportional to the segments touched.
 *
 * <pre>{@code
 * int erased = rewrite.apply(targets, record -> record.subject().equals(subject)
 *         ? Tombstone.of(record, now, Tombstone.REASON_ERASURE) : null);
 * }</pre>
 *
 * <p>Not thread-safe: the store calls it under its write lock with no group fsync running.
 */
final class SegmentRewrite {

    private static final String SUFFIX = ".rewrite";

    private final SegmentFiles segments;
    private final SegmentAppender appender;

    SegmentRewrite(SegmentFiles segments, SegmentAppender appender) {
        this.segments = segments;
        this.appender = appender;
    }

    /** Whether {@code file} is the temporary file of a rewrite. */
    static boolean isTemporary(Path file) {
        return file.getFileName().toString().endsWith(SUFFIX);
    }

    /**
     * Replaces in {@code targets} each record for which {@code replace} gives a tombstone.
     *
     * @return how many records were replaced
     */
    int apply(List<Path> targets, Function<ConsentRecord, @Nullable Tombstone> replace) throws IOException {
        int count = 0;
        for (Path segment : targets) {
            count += rewrite(segment, replace);
        }
        return count;
    }

    private int rewrite(Path segment, Function<ConsentRecord, @Nullable Tombstone> replace) throws IOException {
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (Line line : SegmentFiles.readLines(segment)) {
            ChainEntry entry = RecordFormat.parse(line.text());
            Tombstone tombstone = entry instanceof ConsentRecord record ? replace.apply(record) : null;
            if (tombstone != null) {
                count++;
                out.append(RecordFormat.toJson(tombstone)).append('\n');
            } else {
                out.append(line.text()).append('\n');
            }
        }
        if (count == 0) {
            return 0;
        }
        Path temporary = segment.resolveSibling(segment.getFileName() + SUFFIX);
        try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        appender.reopenAround(SegmentFiles.number(segment), () -> segments.replace(segment, temporary));
        return count;
    }
}

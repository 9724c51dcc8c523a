package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.store.SegmentFiles.Line;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * What opening a JSON Lines store does before its first append: finds where the chain ends and makes the directory
 * ready to continue it.
 * <ul>
 *   <li>Removes the temporary file of an erasure or purge that was interrupted before its rename
 *       ({@link SegmentRewrite}); the segment itself is intact.</li>
 *   <li>Walks the chain with {@link ChainVerifier#linksOnly}, filling the {@link SubjectIndex}.</li>
 *   <li>Cuts off an incomplete or unreadable last line of the last segment with a warning: a write torn by a crash,
 *       never acknowledged, since an append is acknowledged only after its whole line is fsynced.</li>
 *   <li>Refuses to open, naming the record, on damage anywhere else or a chain shorter than {@code chain-head}
 *       records, so that nothing acknowledged is lost silently.</li>
 * </ul>
 *
 * <pre>{@code
 * ChainRecovery.End end = ChainRecovery.recover(directory, index);   // then append to end.segment()
 * }</pre>
 */
final class ChainRecovery {

    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private ChainRecovery() {
    }

    /**
     * Where the chain ends after recovery.
     *
     * @param last the last entry
     * @param segment the number of the segment to append to (1 for a new store)
     * @param segmentSize the length of that segment in bytes
     */
    record End(ChainHead last, int segment, long segmentSize) {
    }

    /**
     * Recovers the store in {@code directory}, adding its records to {@code index}.
     *
     * @throws StoreException if the chain is damaged other than by a torn last line, or shorter than its head
     */
    static End recover(Path directory, SubjectIndex index) throws IOException {
        removeInterruptedRewrites(directory);
        ChainHead recorded = ChainHeadFile.read(directory);
        ChainVerifier chain = ChainVerifier.linksOnly(recorded);
        List<Path> segments = SegmentFiles.list(directory);
        int number = 1;
        long size = 0;
        for (int s = 0; s < segments.size(); s++) {
            Path segment = segments.get(s);
            number = SegmentFiles.number(segment);
            size = 0;
            List<Line> lines = SegmentFiles.readLines(segment);
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                if (s == segments.size() - 1 && i == lines.size() - 1) {
                    String torn = line.complete() ? ChainVerifier.unreadable(line.text()) : "incomplete line";
                    if (torn != null) {
                        cutOff(directory, segment, size, line, torn);
                        break;
                    }
                }
                String position = segment.getFileName() + " line " + (i + 1);
                ChainEntry entry = line.complete() ? chain.next(position, line.text()) : null;
                if (entry == null) {
                    throw damaged(directory, line.complete() ? chain.result()
                            : chain.broken(position, RecordFormat.findRecordId(line.text()),
                                    SegmentFiles.INCOMPLETE_LINE));
                }
                index.add(entry, line.in(number));
                size = line.offset() + line.length();
            }
        }
        VerificationResult reached = chain.finish("after entry #" + chain.entries());
        if (!reached.valid()) {
            throw damaged(directory, reached);
        }
        if (recorded == null && chain.entries() > 0) {
            LOG.log(Level.WARNING, "Consent store {0}: chain-head is missing or unreadable; rewriting it from the "
                    + "{1} entries present", directory, chain.entries());
        }
        return new End(chain.last(), number, size);
    }

    private static void removeInterruptedRewrites(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path leftover : files.filter(SegmentRewrite::isTemporary).toList()) {
                LOG.log(Level.WARNING, "Consent store {0}: removing {1}, left by an erasure or purge that was "
                        + "interrupted before it replaced the segment (the segment itself is intact)", directory,
                        leftover.getFileName());
                Files.delete(leftover);
            }
        }
    }

    private static void cutOff(Path directory, Path segment, long validEnd, Line line, String why)
            throws IOException {
        LOG.log(Level.WARNING, "Consent store {0}: cutting off a damaged last line of {1} ({2} bytes, {3}); it was "
                + "never acknowledged (torn write after a crash)", directory, segment.getFileName(), line.length(),
                why);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(validEnd);
            ch.force(true);
        }
    }

    private static StoreException damaged(Path directory, VerificationResult result) {
        return new StoreException("consent store " + directory + " is damaged: " + result.describe() + ". Run "
                + "'embed-consent records --store " + directory + " verify' and restore from a backup");
    }
}

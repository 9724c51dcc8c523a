package dev.embedconsent.store;

import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.store.SegmentFiles.Line;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link JsonLinesConsentStore#verify(Path)}: checks the chain across a directory's segment files with
 * {@link ChainVerifier#full}, against the head in {@code chain-head}, reading the files without taking the store's
 * lock. An incomplete last line beyond the recorded head is a write in progress or one torn by a crash, never
 * acknowledged: it is not an error, only a note; one that cuts into acknowledged entries is an error.
 */
final class SegmentVerification {

    private static final String UNACKNOWLEDGED_TAIL = "ignored an incomplete last line that was never acknowledged: "
            + "a write in progress or torn by a crash; opening the store cuts it off";

    private SegmentVerification() {
    }

    /** @throws StoreException if {@code directory} does not exist or cannot be read */
    static VerificationResult verify(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new StoreException("no consent store at " + directory + ": not a directory");
        }
        try {
            ChainHead recorded = ChainHeadFile.read(directory);
            ChainVerifier chain = ChainVerifier.full(recorded);
            String note = null;
            List<Path> segments = SegmentFiles.list(directory);
            for (int s = 0; s < segments.size(); s++) {
                List<Line> lines = SegmentFiles.readLines(segments.get(s));
                for (int i = 0; i < lines.size(); i++) {
                    Line line = lines.get(i);
                    String position = segments.get(s).getFileName() + " line " + (i + 1);
                    if (!line.complete()) {
                        if (s < segments.size() - 1 || !chain.reachedRecordedHead()) {
                            return chain.broken(position, RecordFormat.findRecordId(line.text()),
                                    SegmentFiles.INCOMPLETE_LINE);
                        }
                        note = UNACKNOWLEDGED_TAIL;
                    } else if (chain.next(position, line.text()) == null) {
                        return chain.result();
                    }
                }
            }
            VerificationResult result = chain.finish("after entry #" + chain.entries());
            if (result.valid() && recorded == null && result.entries() > 0) {
                return chain.broken(ChainHeadFile.NAME, null,
                        "chain-head is missing or unreadable, so truncation cannot be ruled out");
            }
            return result.valid() && note != null ? VerificationResult.ok(result.entries(), note) : result;
        } catch (IOException e) {
            throw new StoreException("cannot read consent store " + directory + ": " + e, e);
        }
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.SegmentFiles.Line;
import dev.embedconsent.store.SegmentFiles.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each subject's records are in a JSON Lines store's segments, oldest first, so that {@code history} reads only
 * those lines. Built while the store opens, kept up to date by appends, rebuilt after an erasure or purge rewrote
 * segments. Not thread-safe: guarded by the store's lock.
 */
final class SubjectIndex {

    private final Map<SubjectId, List<Location>> locations = new HashMap<>();

    /** Notes where {@code entry} is, if it is a record; tombstones have no subject. */
    void add(ChainEntry entry, Location location) {
        if (entry instanceof ConsentRecord record) {
            locations.computeIfAbsent(record.subject(), s -> new ArrayList<>()).add(location);
        }
    }

    /** Where the records of {@code subject} are, oldest first. */
    List<Location> of(SubjectId subject) {
        return locations.getOrDefault(subject, List.of());
    }

    /** The numbers of the segments that hold records of {@code subject}, in order. */
    List<Integer> segmentsOf(SubjectId subject) {
        return of(subject).stream().map(Location::segment).distinct().toList();
    }

    /** Reads the index afresh from {@code segments}, oldest first. */
    void rebuild(List<Path> segments) throws IOException {
        locations.clear();
        for (Path segment : segments) {
            int number = SegmentFiles.number(segment);
            for (Line line : SegmentFiles.readLines(segment)) {
                add(RecordFormat.parse(line.text()), line.in(number));
            }
        }
    }
}

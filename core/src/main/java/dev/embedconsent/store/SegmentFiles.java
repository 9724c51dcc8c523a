package dev.embedconsent.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The segment files of a JSON Lines store directory, {@code consent-000001.jsonl}, {@code consent-000002.jsonl}, …,
 * one chain entry per line: names and lists them, reads a segment as lines, reads one line back by its
 * {@link Location} (keeping a read channel per segment), opens a segment for appending and replaces one atomically.
 *
 * <pre>{@code
 * for (Path segment : SegmentFiles.list(directory)) {
 *     for (SegmentFiles.Line line : SegmentFiles.readLines(segment)) { ... }   // line.complete() false: torn
 * }
 * }</pre>
 *
 * <p>{@link #read} is thread-safe; the store calls the rest under its write lock.
 */
final class SegmentFiles implements AutoCloseable {

    /** What is wrong with a line that lacks its line break and is not allowed to. */
    static final String INCOMPLETE_LINE = "incomplete last line (truncated file or torn write)";

    private static final Pattern NAME = Pattern.compile("consent-(\\d{6})\\.jsonl");
    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private final Path directory;
    private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();

    SegmentFiles(Path directory) {
        this.directory = directory;
    }

    /** The segments in {@code directory}, oldest first. */
    static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    static int number(Path segment) {
        Matcher m = NAME.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment: " + segment);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The lines of {@code segment}, none if it does not exist; only the last can lack its line break. */
    static List<Line> readLines(Path segment) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(segment);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = indexOf(bytes, (byte) '\n', start);
            int stop = end < 0 ? bytes.length : end;
            lines.add(new Line(new String(bytes, start, stop - start, StandardCharsets.UTF_8), start,
                    (end < 0 ? stop : end + 1) - start, end >= 0));
            start = stop + 1;
        }
        return lines;
    }

    List<Path> list() throws IOException {
        return list(directory);
    }

    Path path(int number) {
        return directory.resolve(String.format("consent-%06d.jsonl", number));
    }

    /** Opens segment {@code number} for appending at its end; a new one is created and the directory synced. */
    FileChannel openForAppend(int number) throws IOException {
        Path path = path(number);
        boolean created = !Files.exists(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        if (created) {
            syncDirectory();
        }
        return channel;
    }

    /** The line at {@code location}, without its line break. */
    String read(Location location) {
        try {
            FileChannel channel = readers.get(location.segment());
            if (channel == null) {
                FileChannel opened = FileChannel.open(path(location.segment()), StandardOpenOption.READ);
                channel = readers.putIfAbsent(location.segment(), opened);
                if (channel == null) {
                    channel = opened;
                } else {
                    opened.close();
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(location.length() - 1);
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, location.offset() + buffer.position());
                if (n < 0) {
                    throw new StoreException("consent store " + directory + ": segment " + location.segment()
                            + " is shorter than its index; was it changed by another program?");
                }
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consent store " + directory, e);
        }
    }

    /**
     * Puts {@code replacement} in place of {@code segment} with an atomic rename and syncs the directory; the read
     * channel on the old file is closed first.
     *
     * @throws IOException also if the file system cannot rename atomically; then {@code segment} is unchanged
     */
    void replace(Path segment, Path replacement) throws IOException {
        FileChannel reader = readers.remove(number(segment));
        if (reader != null) {
            reader.close();
        }
        try {
            Files.move(replacement, segment, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot replace files atomically; erasure refused", e);
        }
        syncDirectory();
    }

    /** Makes created and renamed files durable, where the platform can sync a directory. */
    void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "directory fsync not supported here: {0}", e);
        }
    }

    /** Closes the read channels. */
    @Override
    public void close() {
        for (FileChannel reader : readers.values()) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing: {0}", e);
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One line of a segment.
     *
     * @param text the line without its line break
     * @param offset where it starts in the file
     * @param length its length in bytes, with the line break if it has one
     * @param complete whether it ends with a line break; only the last line of a file can lack one
     */
    record Line(String text, long offset, int length, boolean complete) {

        Location in(int segment) {
            return new Location(segment, offset, length);
        }
    }

    /** Where a line is: its segment number, offset and length in bytes including the line break. */
    record Location(int segment, long offset, int length) {
    }
}

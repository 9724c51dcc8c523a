package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 *   <li>{@code consent.lock}: held with {@link FileChannel#tryLock()} while the store is open; a second process
 *       (or a second instance in this JVM) fails with a {@link StoreException} that says so.</li>
 * </ul>
 *
 * <p>Durability: with {@link Durability#FSYNC_EACH} every append fsyncs the segment and the head before it returns;
 * with {@link Durability#GROUP_COMMIT} concurrent appenders share one fsync, each still returning only once its
 * own record is on disk. On open, an incomplete last line (a crash mid-write, never acknowledged) is cut off with a
 * warning; damage anywhere else refuses to open, naming the record, so nothing is silently lost.
 *
 * <p>Erasure and purge rewrite the affected segments (a temporary file, fsync, atomic rename) with tombstones in
 * place of the records, so the cost is proportional to the segments touched.
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

    static final String LOCK_FILE = "consent.lock";
    static final String HEAD_FILE = "chain-head";
    private static final String REWRITE_SUFFIX = ".rewrite";
    private static final Pattern SEGMENT = Pattern.compile("consent-(\\d{6})\\.jsonl");
    private static final int HEAD_SIZE = 256;
    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private final Path directory;
    private final Durability durability;
    private final long segmentSize;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel headChannel;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private final Object syncMonitor = new Object();

    // Guarded by rw (write lock to change).
    private final Map<SubjectId, List<Location>> index = new HashMap<>();
    private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();
    private FileChannel current;
    private int currentSegment;
    private long currentSize;
    private long written;
    private String lastHash = ChainEntry.GENESIS_HASH;
    private String lastId = "";
    private @Nullable String failure;
    private boolean closed;

    // Guarded by syncMonitor; only used with GROUP_COMMIT.
    private long durable;

    private JsonLinesConsentStore(Builder b) {
        this.directory = b.directory;
        this.durability = b.durability == null ? Durability.FSYNC_EACH : b.durability;
        this.segmentSize = b.segmentSize == 0 ? DEFAULT_SEGMENT_SIZE : b.segmentSize;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create or open the consent data directory " + directory + ": " + e, e);
        }
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            acquired = null;
        }
        if (acquired == null) {
            closeQuietly(lockChannel);
            throw new StoreException("consent data directory " + directory + " is in use by another process (lock "
                    + directory.resolve(LOCK_FILE) + " is held); stop that process or use another directory");
        }
        lock = acquired;
        FileChannel head = null;
        try {
            head = FileChannel.open(directory.resolve(HEAD_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            headChannel = head;
            load();
        } catch (IOException | RuntimeException e) {
            closeQuietly(head);
            closeQuietly(lockChannel);
            throw e instanceof StoreException ? (StoreException) e
                    : new StoreException("cannot open consent store " + directory + ": " + e, e);
        }
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
        long seq;
        rw.writeLock().lock();
        try {
            requireUsable();
            record = draft.link(lastHash);
            byte[] line = (RecordFormat.toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
            if (currentSize > 0 && currentSize + line.length > segmentSize) {
                rotate();
            }
            long offset = currentSize;
            writeFully(line);
            index.computeIfAbsent(record.subject(), s -> new ArrayList<>())
                    .add(new Location(currentSegment, offset, line.length));
            currentSize += line.length;
            lastHash = record.hash();
            lastId = record.recordId();
            seq = ++written;
            if (durability == Durability.FSYNC_EACH) {
                force(current);
                writeHead(seq, lastId, lastHash, false);
                return record;
            }
        } finally {
            rw.writeLock().unlock();
        }
        awaitDurable(seq);
        return record;
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        rw.readLock().lock();
        try {
            requireOpen();
            List<Location> locations = index.get(subject);
            if (locations == null) {
                return List.of();
            }
            List<ConsentRecord> out = new ArrayList<>(locations.size());
            for (Location location : locations) {
                ChainEntry entry = RecordFormat.parse(read(location));
                if (entry instanceof ConsentRecord) {
                    out.add((ConsentRecord) entry);
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
            for (Path segment : segments(directory)) {
                for (Line line : readLines(segment)) {
                    action.accept(RecordFormat.parse(line.text));
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
        if (!Files.isDirectory(directory)) {
            throw new StoreException("no consent store at " + directory + ": not a directory");
        }
        try {
            Head head = readHead(directory.resolve(HEAD_FILE));
            String previous = ChainEntry.GENESIS_HASH;
            long count = 0;
            String note = null;
            List<Path> segments = segments(directory);
            for (Path segment : segments) {
                byte[] bytes = Files.readAllBytes(segment);
                int start = 0;
                int lineNo = 0;
                while (start < bytes.length) {
                    lineNo++;
                    int end = indexOf(bytes, (byte) '\n', start);
                    String position = segment.getFileName() + " line " + lineNo;
                    String text = new String(bytes, start, (end < 0 ? bytes.length : end) - start,
                            StandardCharsets.UTF_8);
                    if (end < 0) {
                        boolean lastSegment = segment.equals(segments.get(segments.size() - 1));
                        if (!lastSegment || head == null || head.count > count) {
                            return VerificationResult.broken(count, idOrNull(text), position,
                                    "incomplete last line (truncated file or torn write)");
                        }
                        note = "ignored an incomplete last line that was never acknowledged: a write in progress or "
                                + "torn by a crash; opening the store cuts it off";
                        break;
                    }
                    ChainEntry entry;
                    try {
                        entry = RecordFormat.parse(text);
                    } catch (IllegalArgumentException e) {
                        return VerificationResult.broken(count, idOrNull(text), position,
                                "unreadable entry (" + e.getMessage() + ")");
                    }
                    if (!RecordFormat.toJson(entry).equals(text)) {
                        return VerificationResult.broken(count, entry.recordId(), position,
                                "stored bytes differ from the canonical form (edited entry)");
                    }
                    String problem = RecordFormat.problem(entry, previous);
                    if (problem != null) {
                        return VerificationResult.broken(count, entry.recordId(), position, problem);
                    }
                    count++;
                    if (head != null && count == head.count
                            && !(head.recordId.equals(entry.recordId()) && head.hash.equals(entry.hash()))) {
                        return VerificationResult.broken(count - 1, entry.recordId(), position,
                                "entry #" + count + " is not the one recorded in chain-head (entries replaced)");
                    }
                    previous = entry.hash();
                    start = end + 1;
                }
            }
            if (head != null && head.count > count) {
                return VerificationResult.broken(count, head.recordId, "after entry #" + count,
                        "chain-head records " + head.count + " acknowledged entries ending with " + head.recordId
                                + ", but only " + count + " are present (entries deleted or file truncated)");
            }
            if (head == null && count > 0) {
                return VerificationResult.broken(count, null, HEAD_FILE,
                        "chain-head is missing or unreadable, so truncation cannot be ruled out");
            }
            return note == null ? VerificationResult.ok(count) : VerificationResult.ok(count, note);
        } catch (IOException e) {
            throw new StoreException("cannot read consent store " + directory + ": " + e, e);
        }
    }

    @Override
    public void close() {
        synchronized (syncMonitor) {
            rw.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (failure == null) {
                        force(current);
                        writeHead(written, lastId, lastHash, true);
                        durable = written;
                    }
                } finally {
                    closeQuietly(current);
                    readers.values().forEach(JsonLinesConsentStore::closeQuietly);
                    closeQuietly(headChannel);
                    try {
                        lock.release();
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "releasing lock: {0}", e);
                    }
                    closeQuietly(lockChannel);
                }
            } finally {
                rw.writeLock().unlock();
            }
        }
    }

    public Path directory() {
        return directory;
    }

    public Durability durability() {
        return durability;
    }

    // ---- opening ----

    private void load() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path leftover : files.filter(p -> p.getFileName().toString().endsWith(REWRITE_SUFFIX)).toList()) {
                LOG.log(Level.WARNING, "Consent store {0}: removing {1}, left by an erasure or purge that was "
                        + "interrupted before it replaced the segment (the segment itself is intact)", directory,
                        leftover.getFileName());
                Files.delete(leftover);
            }
        }
        List<Path> segments = segments(directory);
        long count = 0;
        for (int s = 0; s < segments.size(); s++) {
            Path segment = segments.get(s);
            int number = segmentNumber(segment);
            boolean last = s == segments.size() - 1;
            List<Line> lines = readLines(segment);
            long validEnd = 0;
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                ChainEntry entry;
                try {
                    if (!line.complete) {
                        throw new IllegalArgumentException("incomplete line");
                    }
                    entry = RecordFormat.parse(line.text);
                } catch (IllegalArgumentException e) {
                    if (last && i == lines.size() - 1) {
                        LOG.log(Level.WARNING, "Consent store {0}: cutting off a damaged last line of {1} ({2} "
                                + "bytes, {3}); it was never acknowledged (torn write after a crash)", directory,
                                segment.getFileName(), line.length, e.getMessage());
                        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                            ch.truncate(validEnd);
                            ch.force(true);
                        }
                        break;
                    }
                    throw new StoreException("consent store " + directory + " is damaged at " + segment.getFileName()
                            + " line " + (i + 1) + " (record " + idOrNull(line.text) + "): " + e.getMessage()
                            + "; run 'embed-consent records --store " + directory + " verify' and restore from a "
                            + "backup");
                }
                if (!entry.previousHash().equals(lastHash)) {
                    throw new StoreException("consent store " + directory + " is damaged at " + segment.getFileName()
                            + " line " + (i + 1) + " (record " + entry.recordId() + "): it does not link to the "
                            + "entry before it; run 'embed-consent records --store " + directory + " verify'");
                }
                if (entry instanceof ConsentRecord) {
                    index.computeIfAbsent(((ConsentRecord) entry).subject(), k -> new ArrayList<>())
                            .add(new Location(number, line.offset, line.length));
                }
                lastHash = entry.hash();
                lastId = entry.recordId();
                count++;
                validEnd = line.offset + line.length;
            }
            currentSegment = number;
            currentSize = validEnd;
        }
        written = count;
        durable = count;
        Head head = readHead(directory.resolve(HEAD_FILE));
        if (head != null && head.count > count) {
            throw new StoreException("consent store " + directory + ": chain-head records " + head.count
                    + " acknowledged entries ending with " + head.recordId + ", but only " + count
                    + " are present; entries were lost or deleted. Run 'embed-consent records --store " + directory
                    + " verify' and restore from a backup");
        }
        if (head == null && count > 0) {
            LOG.log(Level.WARNING, "Consent store {0}: chain-head is missing or unreadable; rewriting it from the "
                    + "{1} entries present", directory, count);
        }
        if (segments.isEmpty()) {
            currentSegment = 1;
            currentSize = 0;
        }
        current = openSegment(currentSegment);
        writeHead(count, lastId, lastHash, true);
    }

    private FileChannel openSegment(int number) throws IOException {
        Path path = segmentPath(number);
        boolean created = !Files.exists(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        if (created) {
            syncDirectory();
        }
        return channel;
    }

    // ---- writing ----

    private void rotate() {
        try {
            force(current);
            current.close();
            currentSegment++;
            currentSize = 0;
            current = openSegment(currentSegment);
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
                current.truncate(currentSize);
                current.position(currentSize);
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
            failure = "fsync failed: " + e;
            throw new StoreException("consent store " + directory + ": fsync failed; record not acknowledged and "
                    + "the store refuses further writes until reopened: " + e, e);
        }
    }

    private void awaitDurable(long seq) {
        synchronized (syncMonitor) {
            if (durable >= seq) {
                return;
            }
            long target;
            String id;
            String hash;
            FileChannel channel;
            rw.readLock().lock();
            try {
                requireUsable();
                target = written;
                id = lastId;
                hash = lastHash;
                channel = current;
            } finally {
                rw.readLock().unlock();
            }
            try {
                channel.force(false);
            } catch (ClosedChannelException rotated) {
                LOG.log(Level.TRACE, "segment was rotated (and synced) during group commit");
            } catch (IOException e) {
                failure = "fsync failed: " + e;
                throw new StoreException("consent store " + directory + ": fsync failed; record not acknowledged: "
                        + e, e);
            }
            writeHead(target, id, hash, false);
            durable = target;
        }
    }

    /**
     * Records the last acknowledged entry. Written only after the segment is fsynced, so even without its own fsync
     * the head can lag behind the segments after a power failure but never run ahead of them.
     */
    private void writeHead(long count, String recordId, String hash, boolean sync) {
        String text = "embed-consent-chain-head 1 " + count + " " + (recordId.isEmpty() ? "-" : recordId) + " "
                + hash;
        StringBuilder padded = new StringBuilder(HEAD_SIZE).append(text);
        while (padded.length() < HEAD_SIZE - 1) {
            padded.append(' ');
        }
        padded.append('\n');
        try {
            ByteBuffer buffer = ByteBuffer.wrap(padded.toString().getBytes(StandardCharsets.US_ASCII));
            long position = 0;
            while (buffer.hasRemaining()) {
                position += headChannel.write(buffer, position);
            }
            if (sync) {
                headChannel.force(false);
            }
        } catch (IOException e) {
            failure = "writing chain-head failed: " + e;
            throw new StoreException("consent store " + directory + ": cannot write chain-head: " + e, e);
        }
    }

    private int rewrite(Function<ConsentRecord, @Nullable Tombstone> replace, @Nullable SubjectId only) {
        synchronized (syncMonitor) {
            rw.writeLock().lock();
            try {
                requireUsable();
                force(current);
                List<Path> targets = new ArrayList<>();
                if (only != null) {
                    for (Location location : index.getOrDefault(only, List.of())) {
                        Path path = segmentPath(location.segment);
                        if (!targets.contains(path)) {
                            targets.add(path);
                        }
                    }
                } else {
                    targets.addAll(segments(directory));
                }
                int count = 0;
                for (Path segment : targets) {
                    count += rewriteSegment(segment, replace);
                }
                if (count > 0) {
                    reloadIndex();
                }
                return count;
            } catch (IOException e) {
                failure = "rewrite failed: " + e;
                throw new StoreException("consent store " + directory + ": erasure/purge failed: " + e, e);
            } finally {
                rw.writeLock().unlock();
            }
        }
    }

    private int rewriteSegment(Path segment, Function<ConsentRecord, @Nullable Tombstone> replace)
            throws IOException {
        List<Line> lines = readLines(segment);
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (Line line : lines) {
            ChainEntry entry = RecordFormat.parse(line.text);
            Tombstone tombstone = entry instanceof ConsentRecord ? replace.apply((ConsentRecord) entry) : null;
            if (tombstone != null) {
                count++;
                out.append(RecordFormat.toJson(tombstone)).append('\n');
            } else {
                out.append(line.text).append('\n');
            }
        }
        if (count == 0) {
            return 0;
        }
        Path tmp = segment.resolveSibling(segment.getFileName() + REWRITE_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        boolean isCurrent = segmentNumber(segment) == currentSegment;
        if (isCurrent) {
            current.close();
        }
        FileChannel reader = readers.remove(segmentNumber(segment));
        if (reader != null) {
            reader.close();
        }
        try {
            Files.move(tmp, segment, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot replace files atomically; erasure refused", e);
        }
        syncDirectory();
        if (isCurrent) {
            current = openSegment(currentSegment);
            currentSize = current.size();
        }
        return count;
    }

    private void reloadIndex() throws IOException {
        index.clear();
        for (Path segment : segments(directory)) {
            int number = segmentNumber(segment);
            for (Line line : readLines(segment)) {
                ChainEntry entry = RecordFormat.parse(line.text);
                if (entry instanceof ConsentRecord) {
                    index.computeIfAbsent(((ConsentRecord) entry).subject(), k -> new ArrayList<>())
                            .add(new Location(number, line.offset, line.length));
                }
            }
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "directory fsync not supported here: {0}", e);
        }
    }

    // ---- reading ----

    private String read(Location location) {
        try {
            FileChannel channel = readers.get(location.segment);
            if (channel == null) {
                FileChannel opened = FileChannel.open(segmentPath(location.segment), StandardOpenOption.READ);
                channel = readers.putIfAbsent(location.segment, opened);
                if (channel == null) {
                    channel = opened;
                } else {
                    opened.close();
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(location.length - 1);
            long position = location.offset;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + buffer.position());
                if (n < 0) {
                    throw new StoreException("consent store " + directory + ": segment " + location.segment
                            + " is shorter than its index; was it changed by another program?");
                }
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consent store " + directory, e);
        }
    }

    private static List<Line> readLines(Path segment) throws IOException {
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

    private static List<Path> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static @Nullable Head readHead(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
        String[] parts = text.split(" ");
        if (parts.length != 5 || !parts[0].equals("embed-consent-chain-head") || !parts[1].equals("1")) {
            return null;
        }
        try {
            return new Head(Long.parseLong(parts[2]), parts[3], parts[4]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Path segmentPath(int number) {
        return directory.resolve(String.format("consent-%06d.jsonl", number));
    }

    private static int segmentNumber(Path segment) {
        Matcher m = SEGMENT.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment: " + segment);
        }
        return Integer.parseInt(m.group(1));
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static @Nullable String idOrNull(String text) {
        return RecordFormat.findRecordId(text);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("consent store " + directory + " is closed");
        }
    }

    private void requireUsable() {
        requireOpen();
        if (failure != null) {
            throw new StoreException("consent store " + directory + " refuses writes after an earlier failure ("
                    + failure + "); reopen it");
        }
    }

    private static void closeQuietly(@Nullable AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing: {0}", e);
        }
    }

    private record Location(int segment, long offset, int length) {
    }

    private record Line(String text, long offset, int length, boolean complete) {
    }

    private record Head(long count, String recordId, String hash) {
    }

    /**
     * Configures a {@link JsonLinesConsentStore}. Each option may be set once; setting one twice fails and names
     * it. {@link #build()} opens the store.
     */
    public static final class Builder {
        private final Path directory;
        private @Nullable Durability durability;
        private long segmentSize;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        public Builder withDurability(Durability durability) {
            Objects.requireNonNull(durability, "durability");
            if (this.durability != null) {
                throw new IllegalStateException("durability was already set");
            }
            this.durability = durability;
            return this;
        }

        /** Bytes after which a new segment starts; at least 4 KiB. */
        public Builder withSegmentSize(long bytes) {
            if (segmentSize != 0) {
                throw new IllegalStateException("segmentSize was already set");
            }
            if (bytes < 4096) {
                throw new IllegalArgumentException("segment size must be at least 4096 bytes, got " + bytes);
            }
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

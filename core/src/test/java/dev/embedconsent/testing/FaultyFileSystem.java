package dev.embedconsent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A file system for fault tests: every operation goes to real files under a directory of the default file system,
 * but it behaves like a small disk that can fill up or turn read-only, the way a kernel answers.
 * <ul>
 *   <li><b>Full disk.</b> The disk holds {@link #capacity()} bytes; what it uses is the sum of the sizes of the real
 *       files under the root, measured at each write. A write that would grow the files past the capacity writes the
 *       bytes that still fit and returns that short count, as {@code write(2)} does; the next write, with no room
 *       left, fails with {@code IOException: No space left on device}. Overwriting bytes that exist, truncating and
 *       deleting need no room, as on ext4 or tmpfs. Raising the capacity ({@link #capacity(long)}) is space coming
 *       back.</li>
 *   <li><b>Read-only.</b> After {@link #readOnly(boolean) readOnly(true)} every write, truncate, fsync, create, delete
 *       and rename fails with {@code FileSystemException: Read-only file system}, as after a remount read-only (a
 *       directory that even root cannot write to); reads still work.</li>
 * </ul>
 *
 * <pre>{@code
 * FaultyFileSystem disk = FaultyFileSystem.over(Files.createTempDirectory("disk"), 64 * 1024);
 * JsonLinesConsentStore store = JsonLinesConsentStore.open(disk.root().resolve("consent"));
 * ... appends fail once 64 KB are used ...
 * disk.capacity(1 << 20);                                 // space is back
 * }</pre>
 *
 * <p>Paths of this file system work with {@link Files} and {@link java.nio.channels.FileChannel#open}; {@code toFile()}
 * is not supported (as for any file system but the default). Thread-safe.
 */
public final class FaultyFileSystem extends FileSystem {

    static final String NO_SPACE = "No space left on device";
    static final String READ_ONLY = "Read-only file system";

    private final FileSystem real;
    private final Path realRoot;
    private final FaultyProvider provider;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong shortWrites = new AtomicLong();
    private volatile long capacity;
    private volatile boolean readOnly;

    private FaultyFileSystem(Path realRoot, long capacity) {
        this.real = realRoot.getFileSystem();
        this.realRoot = realRoot.toAbsolutePath().normalize();
        this.capacity = capacity;
        this.provider = new FaultyProvider(this, real.provider());
    }

    /** A disk of {@code capacity} bytes whose files are kept under the existing directory {@code realRoot}. */
    public static FaultyFileSystem over(Path realRoot, long capacity) {
        if (!Files.isDirectory(realRoot)) {
            throw new IllegalArgumentException("not a directory: " + realRoot);
        }
        return new FaultyFileSystem(realRoot, capacity);
    }

    /** The root directory of this disk: a path of this file system. */
    public Path root() {
        return wrap(realRoot);
    }

    /** The real path under the default file system that {@code path} of this one stands for. */
    public Path realPath(Path path) {
        return unwrap(path);
    }

    public long capacity() {
        return capacity;
    }

    /** Sets the size of the disk; raising it frees room for writes that failed. */
    public void capacity(long bytes) {
        this.capacity = bytes;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Makes the disk read-only, or writable again. */
    public void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Bytes the files under the root use now. */
    public long used() {
        try (Stream<Path> files = Files.walk(realRoot)) {
            return files.mapToLong(f -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    return a.isRegularFile() ? a.size() : 0;
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many operations failed because the disk was full or read-only. */
    public long failures() {
        return failures.get();
    }

    /** How many writes were cut short because only part of the buffer fit. */
    public long shortWrites() {
        return shortWrites.get();
    }

    // ---- used by the provider and channels ----

    /**
     * How many of {@code length} bytes written at {@code position} of a file of {@code size} bytes fit on the disk:
     * all of them, fewer (a short write), or none, which throws "No space left on device".
     */
    synchronized int admit(Path file, long position, long size, int length) throws IOException {
        requireWritable(file);
        long growth = Math.max(0, position + length - size);
        long free = Math.max(0, capacity - used());
        if (growth <= free) {
            return length;
        }
        long fits = length - growth + free;
        if (fits <= 0) {
            failures.incrementAndGet();
            throw new FileSystemException(file.toString(), null, NO_SPACE);
        }
        shortWrites.incrementAndGet();
        return (int) Math.min(length, fits);
    }

    void requireWritable(Path file) throws IOException {
        if (readOnly) {
            failures.incrementAndGet();
            throw new FileSystemException(file.toString(), null, READ_ONLY);
        }
    }

    Path wrap(Path realPath) {
        return new FaultyPath(this, realPath);
    }

    Path unwrap(Path path) {
        if (path instanceof FaultyPath faulty && faulty.getFileSystem() == this) {
            return faulty.real();
        }
        throw new java.nio.file.ProviderMismatchException("not a path of this faulty file system: " + path);
    }

    FileSystem real() {
        return real;
    }

    // ---- FileSystem ----

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // Nothing to release: the files stay where they are.
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return Set.of(wrap(realRoot.getRoot()));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = real.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on a faulty file system");
    }
}

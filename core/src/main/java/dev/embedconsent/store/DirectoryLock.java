package dev.embedconsent.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code consent.lock} file that keeps a JSON Lines store directory to one open store: held with
 * {@link FileChannel#tryLock()} from open to close, so a second process, or a second store in this JVM, fails at once
 * with a {@link StoreException} that says so. The operating system drops the lock when the process dies.
 *
 * <pre>{@code
 * try (DirectoryLock lock = DirectoryLock.acquire(directory)) { ... }
 * }</pre>
 */
final class DirectoryLock implements AutoCloseable {

    static final String NAME = "consent.lock";

    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code directory} if missing and takes its lock.
     *
     * @throws StoreException if the directory cannot be created or its lock is held
     */
    static DirectoryLock acquire(Path directory) {
        FileChannel channel;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot create or open the consent data directory " + directory + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StoreException("consent data directory " + directory + " is in use by another process (lock "
                    + directory.resolve(NAME) + " is held); stop that process or use another directory");
        }
        return new DirectoryLock(channel, lock);
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "releasing lock: {0}", e);
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing: {0}", e);
        }
    }
}

package dev.embedconsent.preview;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Previews and oEmbed titles on disk, so a restart does not fetch everything again. One file per key and kind, named
 * by a hash of the key, written to a temporary file and moved into place, so a crash leaves no half-written entry.
 * Bounded in bytes: past the bound the least recently written files go. A failing disk (full, read-only) costs
 * persistence, never a request: the memory cache goes on without it.
 */
final class PreviewDiskCache {
    private static final Logger LOG = System.getLogger(PreviewDiskCache.class.getName());
    private static final int MAGIC = 0x45435056; // "ECPV"
    private static final byte VERSION = 1;
    private static final String IMAGE = ".img";
    private static final String META = ".meta";
    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final Path directory;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

    private PreviewDiskCache(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /** Opens (and creates) the cache folder; removes temporary files a crash left. */
    static PreviewDiskCache open(Path directory, long maxBytes) {
        try {
            Files.createDirectories(directory);
            PreviewDiskCache cache = new PreviewDiskCache(directory, maxBytes);
            long total = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(".tmp-")) {
                        Files.deleteIfExists(file);
                    } else if (name.endsWith(IMAGE) || name.endsWith(META)) {
                        total += Files.size(file);
                    }
                }
            }
            cache.bytes.set(total);
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the preview cache folder " + directory, e);
        }
    }

    long bytes() {
        return bytes.get();
    }

    @Nullable Stored readImage(PreviewKey key) {
        byte[] data = read(file(key, IMAGE));
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            header(in, key);
            long fetchedAt = in.readLong();
            ImageFormat format = ImageFormat.valueOf(in.readUTF());
            int length = in.readInt();
            if (length < 0 || length > data.length) {
                throw new IOException("bad length " + length);
            }
            byte[] image = in.readNBytes(length);
            if (image.length != length || ImageFormat.detect(image).orElse(null) != format) {
                throw new IOException("image bytes do not match");
            }
            return new Stored(format, image, fetchedAt);
        } catch (IOException | IllegalArgumentException e) {
            discard(file(key, IMAGE), e);
            return null;
        }
    }

    @Nullable StoredMetadata readMetadata(PreviewKey key) {
        byte[] data = read(file(key, META));
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            header(in, key);
            long fetchedAt = in.readLong();
            String title = in.readBoolean() ? in.readUTF() : null;
            return new StoredMetadata(title, fetchedAt);
        } catch (IOException e) {
            discard(file(key, META), e);
            return null;
        }
    }

    void writeImage(PreviewKey key, Stored stored) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(stored.bytes().length + 128);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            header(out, key);
            out.writeLong(stored.fetchedAt());
            out.writeUTF(stored.format().name());
            out.writeInt(stored.bytes().length);
            out.write(stored.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array does not fail", e);
        }
        write(file(key, IMAGE), buffer.toByteArray());
    }

    void writeMetadata(PreviewKey key, StoredMetadata metadata) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            header(out, key);
            out.writeLong(metadata.fetchedAt());
            out.writeBoolean(metadata.title() != null);
            if (metadata.title() != null) {
                out.writeUTF(metadata.title());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array does not fail", e);
        }
        write(file(key, META), buffer.toByteArray());
    }

    private static void header(DataOutputStream out, PreviewKey key) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeUTF(key.path());
    }

    private static void header(DataInputStream in, PreviewKey key) throws IOException {
        if (in.readInt() != MAGIC || in.readByte() != VERSION) {
            throw new IOException("not a preview cache file");
        }
        if (!in.readUTF().equals(key.path())) {
            throw new IOException("file belongs to another key");
        }
    }

    private @Nullable byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            warn("cannot read " + file, e);
            return null;
        }
    }

    private void write(Path file, byte[] data) {
        Path temporary = directory.resolve(".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            long before = Files.exists(file) ? Files.size(file) : 0;
            Files.write(temporary, data);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (bytes.addAndGet(data.length - before) > maxBytes) {
                evict();
            }
        } catch (IOException e) {
            warn("cannot write " + file + " (previews are still served from memory)", e);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing more to do on a failing disk
            }
        }
    }

    /** Deletes the least recently written files until the cache is at 90 % of its bound. */
    private synchronized void evict() throws IOException {
        if (bytes.get() <= maxBytes) {
            return;
        }
        record Entry(Path file, FileTime written, long size) {}
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(IMAGE) || name.endsWith(META)) {
                    try {
                        long size = Files.size(file);
                        entries.add(new Entry(file, Files.getLastModifiedTime(file), size));
                        total += size;
                    } catch (NoSuchFileException e) {
                        // evicted meanwhile
                    }
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::written));
        long target = maxBytes * 9 / 10;
        for (Entry entry : entries) {
            if (total <= target) {
                break;
            }
            if (Files.deleteIfExists(entry.file())) {
                total -= entry.size();
            }
        }
        bytes.set(total);
    }

    private void discard(Path file, Exception cause) {
        LOG.log(Level.DEBUG, "discarding unreadable preview cache file {0}: {1}", file, cause.toString());
        try {
            long size = Files.size(file);
            if (Files.deleteIfExists(file)) {
                bytes.addAndGet(-size);
            }
        } catch (IOException e) {
            // left for eviction
        }
    }

    private void warn(String message, IOException e) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_INTERVAL_MILLIS && lastWarning.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, message + ": " + e);
        }
    }

    private Path file(PreviewKey key, String suffix) {
        return directory.resolve(stem(key) + suffix);
    }

    /** {@code provider-} and 16 hex digits of the key's SHA-256. */
    static String stem(PreviewKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.path().getBytes(StandardCharsets.UTF_8));
            return key.provider() + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** A still as cached: its format, bytes and when it was fetched (epoch millis). */
    record Stored(ImageFormat format, byte[] bytes, long fetchedAt) {}

    /** An oEmbed title as cached (null: the provider gave none) and when it was fetched. */
    record StoredMetadata(@Nullable String title, long fetchedAt) {}
}

package dev.embedconsent.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel on a real file whose writes go through {@link FaultyFileSystem#admit}: they may be cut short or fail when
 * the disk is full, and writes, truncation and fsync fail while it is read-only. Reads pass through.
 */
final class FaultyFileChannel extends FileChannel {

    private final FaultyFileSystem fs;
    private final Path file;
    private final FileChannel real;
    private final boolean append;

    FaultyFileChannel(FaultyFileSystem fs, Path file, FileChannel real, boolean append) {
        this.fs = fs;
        this.file = file;
        this.real = real;
        this.append = append;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (fs) {
            long position = append ? real.size() : real.position();
            int fits = fs.admit(file, position, real.size(), src.remaining());
            return writeAtMost(src, fits, -1);
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        synchronized (fs) {
            int fits = fs.admit(file, position, real.size(), src.remaining());
            return writeAtMost(src, fits, position);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int want = srcs[i].remaining();
            int wrote = write(srcs[i]);
            total += wrote;
            if (wrote < want) {
                break;
            }
        }
        return total;
    }

    /** Writes the first {@code fits} bytes of {@code src} (at {@code position}, or at the channel's, if negative). */
    private int writeAtMost(ByteBuffer src, int fits, long position) throws IOException {
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + fits);
        int written = 0;
        while (part.hasRemaining()) {
            written += position < 0 ? real.write(part) : real.write(part, position + written);
        }
        src.position(src.position() + written);
        return written;
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        fs.requireWritable(file);
        real.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        fs.requireWritable(file);
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("transferFrom is not metered on a faulty file system");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new UnsupportedOperationException("writable mappings are not metered on a faulty file system");
        }
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}

package dev.embedconsent.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of a {@link FaultyFileSystem}: passes every operation to the default provider on the real paths, and
 * lets the faulty file system refuse the ones that would write while it is read-only. Writes through the channels it
 * opens are metered by {@link FaultyFileChannel}.
 */
final class FaultyProvider extends FileSystemProvider {

    private final FaultyFileSystem fs;
    private final FileSystemProvider real;

    FaultyProvider(FaultyFileSystem fs, FileSystemProvider real) {
        this.fs = fs;
        this.real = real;
    }

    @Override
    public String getScheme() {
        return "faulty";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("create it with FaultyFileSystem.over");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        return fs.wrap(real.getPath(uri));
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path file = fs.unwrap(path);
        boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        if (writes) {
            fs.requireWritable(file);
        }
        return new FaultyFileChannel(fs, file, real.newFileChannel(file, options, attrs),
                options.contains(StandardOpenOption.APPEND));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> entries = real.newDirectoryStream(fs.unwrap(dir),
                p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fs.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path real = fs.unwrap(dir);
        fs.requireWritable(real);
        this.real.createDirectory(real, attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
        Path real = fs.unwrap(path);
        fs.requireWritable(real);
        this.real.delete(real);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path to = fs.unwrap(target);
        fs.requireWritable(to);
        long size = real.readAttributes(fs.unwrap(source), BasicFileAttributes.class).size();
        fs.admit(to, 0, 0, (int) Math.min(Integer.MAX_VALUE, size));
        real.copy(fs.unwrap(source), to, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path to = fs.unwrap(target);
        fs.requireWritable(to);
        real.move(fs.unwrap(source), to, options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return real.isSameFile(fs.unwrap(path), fs.unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return real.isHidden(fs.unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return real.getFileStore(fs.unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Path file = fs.unwrap(path);
        real.checkAccess(file, modes);
        for (AccessMode mode : modes) {
            if (mode == AccessMode.WRITE) {
                fs.requireWritable(file);
            }
        }
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return real.getFileAttributeView(fs.unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return real.readAttributes(fs.unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return real.readAttributes(fs.unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        Path file = fs.unwrap(path);
        fs.requireWritable(file);
        real.setAttribute(file, attribute, value, options);
    }
}

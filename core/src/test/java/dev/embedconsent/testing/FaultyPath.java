package dev.embedconsent.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A path of a {@link FaultyFileSystem}: a real path of the default file system, answering to the faulty one. */
final class FaultyPath implements Path {

    private final FaultyFileSystem fs;
    private final Path real;

    FaultyPath(FaultyFileSystem fs, Path real) {
        this.fs = fs;
        this.real = real;
    }

    Path real() {
        return real;
    }

    private @Nullable Path wrap(@Nullable Path p) {
        return p == null ? null : fs.wrap(p);
    }

    @Override
    public FaultyFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return real.isAbsolute();
    }

    @Override
    public @Nullable Path getRoot() {
        return wrap(real.getRoot());
    }

    @Override
    public @Nullable Path getFileName() {
        return wrap(real.getFileName());
    }

    @Override
    public @Nullable Path getParent() {
        return wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return fs.wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return fs.wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof FaultyPath p && p.fs == fs && real.startsWith(p.real);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof FaultyPath p && p.fs == fs && real.endsWith(p.real);
    }

    @Override
    public Path normalize() {
        return fs.wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return fs.wrap(real.resolve(fs.unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return fs.wrap(real.relativize(fs.unwrap(other)));
    }

    @Override
    public URI toUri() {
        return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return fs.wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return fs.wrap(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on a faulty file system");
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(fs.unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultyPath p && p.fs == fs && p.real.equals(real);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(fs), real);
    }

    @Override
    public String toString() {
        return real.toString();
    }
}

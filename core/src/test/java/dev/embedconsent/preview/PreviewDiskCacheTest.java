package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.preview.PreviewDiskCache.Stored;
import dev.embedconsent.preview.PreviewDiskCache.StoredMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewDiskCacheTest {
    private static final PreviewKey KEY = new PreviewKey("youtube", 0, List.of("kU1_gDqGmQk"));
    private static final PreviewKey OTHER = new PreviewKey("vimeo", 1, List.of("76979871"));
    private static final long AT = 1_780_000_000_000L;

    private static byte[] png;
    private static byte[] jpeg;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeImages() {
        png = PreviewServiceTest.image("png", 80, 1);
        jpeg = PreviewServiceTest.image("jpeg", 16, 2);
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void stillsAndTitlesRoundTrip() throws IOException {
        PreviewDiskCache cache = PreviewDiskCache.open(dir.resolve("new/folder"), 1 << 20);
        assertNull(cache.readImage(KEY));
        assertNull(cache.readMetadata(KEY));
        cache.writeImage(KEY, new Stored(ImageFormat.PNG, png, AT));
        cache.writeMetadata(KEY, new StoredMetadata("Ein Vortrag – über „Zeichen“ 🎬", AT + 1));
        cache.writeMetadata(OTHER, new StoredMetadata(null, AT + 2));

        PreviewDiskCache reopened = PreviewDiskCache.open(dir.resolve("new/folder"), 1 << 20);
        Stored stored = reopened.readImage(KEY);
        assertNotNull(stored);
        assertEquals(ImageFormat.PNG, stored.format());
        assertArrayEquals(png, stored.bytes());
        assertEquals(AT, stored.fetchedAt());
        assertEquals(new StoredMetadata("Ein Vortrag – über „Zeichen“ 🎬", AT + 1), reopened.readMetadata(KEY));
        assertEquals(new StoredMetadata(null, AT + 2), reopened.readMetadata(OTHER));
        assertNull(reopened.readImage(OTHER));
        assertEquals(size(dir.resolve("new/folder")), reopened.bytes());
        assertEquals(cache.bytes(), reopened.bytes());
    }

    @Test
    void rewritingAnEntryCountsItsBytesOnce() throws IOException {
        PreviewDiskCache cache = PreviewDiskCache.open(dir, 1 << 20);
        cache.writeImage(KEY, new Stored(ImageFormat.PNG, png, AT));
        cache.writeImage(KEY, new Stored(ImageFormat.JPEG, jpeg, AT + 1));
        assertEquals(size(dir), cache.bytes());
        assertArrayEquals(jpeg, cache.readImage(KEY).bytes());
        assertEquals(List.of(PreviewDiskCache.stem(KEY) + ".img"), names(dir));
    }

    @Test
    void openingRemovesTemporaryFilesAndCountsOnlyEntries() throws IOException {
        Files.write(dir.resolve(".tmp-1234"), new byte[5000]);
        Files.write(dir.resolve("README"), new byte[100]);
        PreviewDiskCache cache = PreviewDiskCache.open(dir, 1 << 20);
        assertFalse(Files.exists(dir.resolve(".tmp-1234")));
        assertEquals(0, cache.bytes());
        cache.writeImage(KEY, new Stored(ImageFormat.PNG, png, AT));
        assertEquals(size(dir) - 100, cache.bytes());
    }

    @Test
    void aFileOfAnotherKeyOrFormatIsDiscarded() throws IOException {
        PreviewDiskCache cache = PreviewDiskCache.open(dir, 1 << 20);
        cache.writeImage(OTHER, new Stored(ImageFormat.PNG, png, AT));
        Path file = dir.resolve(PreviewDiskCache.stem(KEY) + ".img");
        Files.copy(dir.resolve(PreviewDiskCache.stem(OTHER) + ".img"), file);
        PreviewDiskCache reopened = PreviewDiskCache.open(dir, 1 << 20);
        assertNull(reopened.readImage(KEY), "a file under this key's name that names another key");
        assertFalse(Files.exists(file));
        assertEquals(size(dir), reopened.bytes());

        // a file that says PNG but holds a JPEG
        reopened.writeImage(KEY, new Stored(ImageFormat.PNG, jpeg, AT));
        assertNull(reopened.readImage(KEY));
        assertFalse(Files.exists(file));
        assertNotNull(reopened.readImage(OTHER));
    }

    @Test
    void pastTheBoundTheLeastRecentlyWrittenGo() throws IOException {
        long bound = 64 * 1024;
        PreviewDiskCache cache = PreviewDiskCache.open(dir, bound);
        List<PreviewKey> keys = Stream.of("a", "b", "c", "d")
                .map(id -> new PreviewKey("youtube", 0, List.of(id))).toList();
        for (int i = 0; i < keys.size(); i++) {
            cache.writeImage(keys.get(i), new Stored(ImageFormat.PNG, png, AT));
            // modification times a minute apart, whatever the file system's resolution
            Path file = dir.resolve(PreviewDiskCache.stem(keys.get(i)) + ".img");
            Files.setLastModifiedTime(file, FileTime.fromMillis(AT + i * 60_000L));
        }
        assertTrue(png.length * 4L > bound, "four stills are over the bound");
        assertTrue(cache.bytes() <= bound, cache.bytes() + " bytes");
        assertEquals(size(dir), cache.bytes());
        assertNull(cache.readImage(keys.get(0)), "the oldest went");
        assertNotNull(cache.readImage(keys.get(3)), "the newest stays");
    }

    @Test
    void aFailingDiskCostsOnlyPersistence() throws IOException {
        Path folder = dir.resolve("cache");
        PreviewDiskCache cache = PreviewDiskCache.open(folder, 1 << 20);
        Files.delete(folder);
        Files.writeString(folder, "now a file");
        cache.writeImage(KEY, new Stored(ImageFormat.PNG, png, AT));
        cache.writeMetadata(KEY, new StoredMetadata("t", AT));
        assertNull(cache.readImage(KEY));
        assertNull(cache.readMetadata(KEY));
        assertEquals(0, cache.bytes());
    }
}

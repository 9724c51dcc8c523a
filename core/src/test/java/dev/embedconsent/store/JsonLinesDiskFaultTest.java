package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.JsonLinesConsentStore.Durability;
import dev.embedconsent.testing.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JSON Lines store on a disk that fills up or turns read-only while four threads append: every failed append is a
 * {@link StoreException}, the chain verifies while the disk is still full, once space is back appends succeed on the
 * same open store, and afterwards every acknowledged record is in the chain exactly once. The disk is a
 * {@link FaultyFileSystem} (short writes, then "No space left on device"; "Read-only file system"), and, where the
 * test runs as root and may mount, a real tmpfs of 256 KB that is then grown with a remount.
 */
class JsonLinesDiskFaultTest {

    private static final int THREADS = 4;

    private Path realDir;

    @BeforeEach
    void createDirectory() throws IOException {
        realDir = Files.createTempDirectory("embed-consent-faults");
    }

    @AfterEach
    void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(realDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFullDiskLosesNothingAcknowledgedAndTheStoreRecoversWithoutReopening(Durability durability)
            throws Exception {
        FaultyFileSystem disk = FaultyFileSystem.over(realDir, 40 * 1024);
        Path dir = disk.root().resolve("consent");
        Appends appends = new Appends();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withDurability(durability)
                .withSegmentSize(16 * 1024).build()) {
            appends.run(store, () -> appends.failed.get() >= 60);
            assertTrue(disk.failures() > 0 && disk.shortWrites() > 0, "the disk refused writes and cut some short: "
                    + disk.failures() + " refused, " + disk.shortWrites() + " short");
            assertTrue(disk.used() <= disk.capacity(), "used " + disk.used());
            VerificationResult whileFull = JsonLinesConsentStore.verify(dir);
            assertTrue(whileFull.valid() && whileFull.note() == null, whileFull.describe());
            int beforeSpace = appends.acknowledged.size();

            disk.capacity(1 << 20);
            int failedBefore = appends.failed.get();
            appends.run(store, () -> appends.acknowledged.size() >= beforeSpace + 200);
            assertEquals(failedBefore, appends.failed.get(), "no append fails once space is back");
            assertTrue(store.verify().valid(), store.verify().describe());
        }
        appends.checkAllFound(dir, "full disk, " + durability);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aReadOnlyDiskLosesNothingAcknowledgedAndTheStoreRecoversWithoutReopening(Durability durability)
            throws Exception {
        FaultyFileSystem disk = FaultyFileSystem.over(realDir, 1L << 30);
        Path dir = disk.root().resolve("consent");
        Appends appends = new Appends();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir).withDurability(durability)
                .withSegmentSize(16 * 1024).build()) {
            appends.run(store, () -> appends.acknowledged.size() >= 100);
            // Turned read-only while the threads append, so writes, fsyncs and head writes are caught midway.
            AtomicBoolean toggled = new AtomicBoolean();
            appends.run(store, () -> {
                if (appends.acknowledged.size() >= 150 && toggled.compareAndSet(false, true)) {
                    disk.readOnly(true);
                }
                return appends.failed.get() >= 60;
            });
            assertTrue(disk.failures() > 0, "the disk refused writes");
            VerificationResult whileReadOnly = JsonLinesConsentStore.verify(dir);
            assertTrue(whileReadOnly.valid(), whileReadOnly.describe());

            disk.readOnly(false);
            int acknowledgedBefore = appends.acknowledged.size();
            int failedBefore = appends.failed.get();
            appends.run(store, () -> appends.acknowledged.size() >= acknowledgedBefore + 200);
            assertEquals(failedBefore, appends.failed.get(), "no append fails once the disk is writable");
            assertTrue(store.verify().valid(), store.verify().describe());
        }
        appends.checkAllFound(dir, "read-only disk, " + durability);
    }

    /** The same on a real tmpfs, where the kernel itself runs out of space; needs root and permission to mount. */
    @Test
    void aFullTmpfsLosesNothingAcknowledgedAndTheStoreRecoversWithoutReopening() throws Exception {
        Path mountPoint = Files.createDirectory(realDir.resolve("tmpfs"));
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=256k", "embed-consent-test", mountPoint.toString());
        if (mounted != null) {
            System.out.println("JsonLinesDiskFaultTest: skipping the tmpfs case, cannot mount here (" + mounted
                    + "); the faulty file system cases cover it");
            return;
        }
        try {
            Path dir = mountPoint.resolve("consent");
            Appends appends = new Appends();
            try (JsonLinesConsentStore store = JsonLinesConsentStore.builder(dir)
                    .withDurability(Durability.GROUP_COMMIT).withSegmentSize(32 * 1024).build()) {
                appends.run(store, () -> appends.failed.get() >= 60);
                VerificationResult whileFull = JsonLinesConsentStore.verify(dir);
                assertTrue(whileFull.valid() && whileFull.note() == null, whileFull.describe());
                int beforeSpace = appends.acknowledged.size();
                assertTrue(beforeSpace > 100, "acknowledged before the tmpfs filled: " + beforeSpace);

                String grown = run("mount", "-o", "remount,size=4m", mountPoint.toString());
                assertEquals(null, grown, "growing the tmpfs");
                int failedBefore = appends.failed.get();
                appends.run(store, () -> appends.acknowledged.size() >= beforeSpace + 200);
                assertEquals(failedBefore, appends.failed.get(), "no append fails once space is back");
            }
            appends.checkAllFound(dir, "full tmpfs, GROUP_COMMIT");
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    /** Runs a command; {@code null} if it succeeded, else what it said. */
    private static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }

    /** Appends from {@link #THREADS} threads, keeping what was acknowledged and what was attempted. */
    private static final class Appends {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<String> attempted = ConcurrentHashMap.newKeySet();
        final AtomicInteger failed = new AtomicInteger();

        /** Appends until {@code done}; at most 60 s. */
        void run(JsonLinesConsentStore store, BooleanSupplier done) throws InterruptedException {
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> unexpected = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    SubjectId subject = SubjectId.random();
                    while (!stop.get()) {
                        var draft = Drafts.draft(subject);
                        attempted.add(draft.recordId());
                        try {
                            String id = store.append(draft).recordId();
                            assertEquals(draft.recordId(), id);
                            acknowledged.add(id);
                        } catch (StoreException e) {
                            failed.incrementAndGet();
                        } catch (Throwable e) {
                            synchronized (unexpected) {
                                unexpected.add(e);
                            }
                            return;
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), unexpected, "only StoreException may come out of append");
            assertTrue(done.getAsBoolean(), "not done within 60 s: " + acknowledged.size() + " acknowledged, "
                    + failed.get() + " failed");
        }

        /** Reopens {@code dir} (recovery runs), verifies it, and finds every acknowledged record exactly once. */
        void checkAllFound(Path dir, String what) {
            VerificationResult offline = JsonLinesConsentStore.verify(dir);
            assertTrue(offline.valid(), offline.describe());
            Map<String, Integer> found = new HashMap<>();
            try (JsonLinesConsentStore reopened = JsonLinesConsentStore.open(dir)) {
                reopened.forEach(e -> found.merge(e.recordId(), 1, Integer::sum));
                assertTrue(reopened.verify().valid(), reopened.verify().describe());
            }
            int foundAcknowledged = 0;
            for (String id : acknowledged) {
                assertEquals(1, found.getOrDefault(id, 0), "acknowledged record " + id + " stored once");
                foundAcknowledged++;
            }
            for (String id : found.keySet()) {
                assertTrue(attempted.contains(id), "a record nobody appended: " + id);
            }
            System.out.printf("JsonLinesDiskFaultTest (%s): %d acknowledged, %d found of them, %d appends refused, "
                    + "%d records in the chain%n", what, acknowledged.size(), foundAcknowledged, failed.get(),
                    found.size());
        }
    }
}

package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.SubjectId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends in a loop and is killed with SIGKILL; every record it acknowledged must be there on reopen,
 * the chain must verify, and appends must continue. Three rounds in one directory, the last with group commit.
 */
class JsonLinesCrashIT {

    @TempDir
    Path dir;

    @Test
    void acknowledgedRecordsSurviveSigkill() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        long expectedEntries = 0;
        List<String[]> rounds = List.of(new String[] {"FSYNC_EACH", "1"}, new String[] {"FSYNC_EACH", "3"},
                new String[] {"GROUP_COMMIT", "6"});
        for (String[] round : rounds) {
            Set<String> acked = runAndKill(round[0], round[1]);
            assertTrue(acked.size() >= 100, "child acknowledged only " + acked.size() + " records");
            acknowledged.addAll(acked);
            VerificationResult beforeReopen = JsonLinesConsentStore.verify(dir);
            assertTrue(beforeReopen.valid(), "right after SIGKILL: " + beforeReopen.describe());
            try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
                Set<String> stored = new HashSet<>();
                store.forEach(e -> stored.add(e.recordId()));
                Set<String> missing = new HashSet<>(acknowledged);
                missing.removeAll(stored);
                assertEquals(Set.of(), missing, "acknowledged records lost after SIGKILL");
                VerificationResult result = store.verify();
                assertTrue(result.valid(), result.describe());
                assertTrue(result.entries() >= expectedEntries + acked.size());
                store.append(Drafts.draft(SubjectId.random()));
                expectedEntries = store.verify().entries();
            }
            VerificationResult offline = JsonLinesConsentStore.verify(dir);
            assertTrue(offline.valid(), offline.describe());
        }
    }

    private Set<String> runAndKill(String durability, String threads) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile(dir.getParent(), "child", ".out");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, CrashAppender.class.getName(),
                dir.toString(), durability, threads).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(output).startsWith("OPEN\n") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            StoreException locked = assertThrows(StoreException.class, () -> JsonLinesConsentStore.open(dir));
            assertTrue(locked.getMessage().contains("in use by another process"), locked.getMessage());
            while (acks(output).size() < 300 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "child was not killed by SIGKILL");
        return acks(output);
    }

    private static Set<String> acks(Path output) throws IOException {
        Set<String> acked = new HashSet<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            if (line.startsWith("ACK ") && line.length() == 26) {
                acked.add(line.substring(4));
            }
        }
        return acked;
    }
}

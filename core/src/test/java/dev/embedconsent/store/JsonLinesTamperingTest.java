package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.SubjectId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering with a closed JSON Lines store is found by {@code verify}, naming the record. */
class JsonLinesTamperingTest {

    @TempDir
    Path dir;

    private final List<String> ids = new ArrayList<>();
    private Path segment;

    @BeforeEach
    void tenRecords() {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            for (int i = 0; i < 10; i++) {
                ids.add(store.append(Drafts.draft(SubjectId.random())).recordId());
            }
        }
        segment = dir.resolve("consent-000001.jsonl");
        VerificationResult intact = JsonLinesConsentStore.verify(dir);
        assertTrue(intact.valid(), intact.describe());
        assertEquals(10, intact.entries());
    }

    @Test
    void editingOneByteIsDetected() throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int lineStart = nthLineStart(bytes, 4);
        String line = lines().get(4);
        int at = lineStart + line.indexOf("\"Google Ireland") + 1;
        bytes[at] = (byte) 'H';
        Files.write(segment, bytes);
        assertBroken(ids.get(4), "hash does not match");
    }

    @Test
    void editingOneByteOfTheHashIsDetected() throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int lineStart = nthLineStart(bytes, 6);
        String line = lines().get(6);
        int at = lineStart + line.lastIndexOf("\"}") - 1;
        bytes[at] = (byte) (bytes[at] == 'a' ? 'b' : 'a');
        Files.write(segment, bytes);
        assertBroken(ids.get(6), "hash does not match");
    }

    @Test
    void changingOnlyWhitespaceIsDetected() throws IOException {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("\"gpc\":false", "\"gpc\": false"));
        write(lines);
        assertBroken(ids.get(2), "canonical");
    }

    @Test
    void deletingALineIsDetected() throws IOException {
        List<String> lines = lines();
        lines.remove(3);
        write(lines);
        assertBroken(ids.get(4), "previousHash");
    }

    @Test
    void swappingTwoLinesIsDetected() throws IOException {
        List<String> lines = lines();
        String third = lines.get(3);
        lines.set(3, lines.get(7));
        lines.set(7, third);
        write(lines);
        assertBroken(ids.get(7), "previousHash");
    }

    @Test
    void truncatingInsideALineIsDetected() throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        assertBroken(ids.get(9), "incomplete last line");
    }

    @Test
    void truncatingWholeLinesIsDetectedThroughTheChainHead() throws IOException {
        List<String> lines = lines();
        write(lines.subList(0, 7));
        assertBroken(ids.get(9), "only 7 are present");
    }

    @Test
    void truncatedStoreRefusesToOpenRatherThanLoseTheGap() throws IOException {
        write(lines().subList(0, 7));
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> JsonLinesConsentStore.open(dir));
        assertTrue(e.getMessage().contains("only 7 are present"), e.getMessage());
    }

    @Test
    void editedStoreRefusesToOpenNamingTheRecord() throws IOException {
        List<String> lines = lines();
        lines.remove(3);
        write(lines);
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> JsonLinesConsentStore.open(dir));
        assertTrue(e.getMessage().contains(ids.get(4)), e.getMessage());
    }

    private void assertBroken(String expectedId, String problem) {
        VerificationResult result = JsonLinesConsentStore.verify(dir);
        assertFalse(result.valid(), "tampering not detected");
        assertEquals(expectedId, result.badRecordId(), result.describe());
        assertTrue(result.describe().contains(problem), result.describe());
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.writeString(segment, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static int nthLineStart(byte[] bytes, int n) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            while (bytes[start] != '\n') {
                start++;
            }
            start++;
        }
        return start;
    }
}

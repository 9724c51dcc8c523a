package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the provider JSON reader (Jazzer). Seeds in {@code ProviderJsonFuzzTestInputs/} (the
 * built-in catalogue and small variants); a plain test run replays them, {@code JAZZER_FUZZ=1} fuzzes. Any bytes given
 * to {@link ProviderCatalogue.Builder#load} either give a catalogue or fail with the documented
 * {@link ProviderDefinitionException} naming the source and carrying a message, never another exception; and what
 * loads, loads the same way twice.
 */
@Tag("fuzz")
class ProviderJsonFuzzTest {
    private static final String SOURCE = "fuzz.json";

    @FuzzTest(maxDuration = "15s")
    void badProviderFilesFailWithTheDocumentedException(FuzzedDataProvider data) {
        boolean builtIns = data.consumeBoolean();
        byte[] json = data.consumeRemainingAsBytes();
        List<Provider> first;
        try {
            first = load(json, builtIns);
        } catch (ProviderDefinitionException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank(), "an empty message");
            assertEquals(SOURCE, e.source(), () -> "the error names another source: " + e.getMessage());
            assertTrue(e.getMessage().contains(SOURCE), () -> "the message does not name the file: " + e.getMessage());
            return;
        }
        List<Provider> second = load(json, builtIns);
        assertEquals(first.stream().map(Provider::id).toList(), second.stream().map(Provider::id).toList());
        for (Provider p : first) {
            assertNotNull(p.id());
        }
    }

    private static List<Provider> load(byte[] json, boolean builtIns) {
        ProviderCatalogue.Builder builder = ProviderCatalogue.builder();
        if (builtIns) {
            builder.addBuiltIns();
        }
        return builder.load(SOURCE, new ByteArrayInputStream(json)).build().all();
    }
}

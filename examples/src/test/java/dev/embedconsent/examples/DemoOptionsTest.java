package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoOptionsTest {

    @Test
    void defaults() {
        DemoOptions options = DemoOptions.parse(List.of(), Map.of());
        assertEquals(new DemoOptions("127.0.0.1", 8080, Path.of("embed-consent-data")), options);
    }

    @Test
    void portFromEnvironmentUnlessGiven() {
        assertEquals(9000, DemoOptions.parse(List.of(), Map.of("PORT", "9000")).port());
        assertEquals(9100, DemoOptions.parse(List.of("--port", "9100"), Map.of("PORT", "9000")).port());
    }

    @Test
    void allOptions() {
        DemoOptions options = DemoOptions.parse(List.of("--data", "/tmp/x", "--host", "0.0.0.0", "--port", "0"),
                Map.of());
        assertEquals(new DemoOptions("0.0.0.0", 0, Path.of("/tmp/x")), options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "65536", ""})
    void badPortsAreRejectedByName(String port) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(List.of("--port", port), Map.of()));
        assertTrue(e.getMessage().startsWith("--port"), e.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(List.of(), Map.of("PORT", port.isEmpty() ? "x" : port)));
        assertTrue(env.getMessage().startsWith("PORT"), env.getMessage());
    }

    @Test
    void unknownMissingAndRepeatedOptionsAreErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--verbose"), Map.of()))
                .getMessage().contains("unknown argument '--verbose'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--data"), Map.of()))
                .getMessage().contains("--data needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(List.of("--port", "1", "--port", "2"), Map.of()))
                .getMessage().contains("--port given twice"));
    }
}

package dev.embedconsent.internal;

import java.nio.file.Path;

/** Where the shared html5lib test data lives (system property {@code embedconsent.shared.dir}). */
final class TestData {
    private TestData() {}

    static Path sharedDir() {
        return Path.of(System.getProperty("embedconsent.shared.dir", "../../shared"));
    }
}

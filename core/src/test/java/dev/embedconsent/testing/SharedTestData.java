package dev.embedconsent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The public html5lib suites in the shared test data next to the repository (system property
 * {@code embedconsent.shared.dir}, set by the build to {@code ../shared}). They are read from there and never copied
 * into the repository. In a user's clone without them the tests that need them skip with a message; with {@code CI}
 * set they fail instead, so CI can never silently stop checking the tokenizer.
 */
public final class SharedTestData {
    private SharedTestData() {}

    /** A folder of the html5lib suites, e.g. {@code tokenizer} or {@code tree-construction}; it may be absent. */
    public static Path html5lib(String suite) {
        return Path.of(System.getProperty("embedconsent.shared.dir", "../../shared"))
                .resolve("testdata/html5lib-tests").resolve(suite);
    }

    /**
     * That folder; when it is absent, skips the calling test with a message, or fails it when {@code CI} is set.
     */
    public static Path requireHtml5lib(String suite) {
        Path dir = html5lib(suite);
        if (!Files.isDirectory(dir)) {
            String message = "html5lib " + suite + " tests not found at " + dir.toAbsolutePath().normalize()
                    + " (set -Dembedconsent.shared.dir)";
            if (System.getenv("CI") != null) {
                Assertions.fail("CI is set but " + message);
            }
            Assumptions.abort("skipping (CI unset): " + message);
        }
        return dir;
    }
}

package dev.embedconsent.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * axe-core, the accessibility engine, installed from npm into {@code target/npm} on first use
 * ({@code npm install --prefix target/npm axe-core@VERSION}); nothing is committed. The version comes from the
 * {@code axe-core.version} property of the examples pom. Without {@code npm}, the calling test is skipped locally
 * and fails when {@code CI} is set.
 */
final class AxeCore {
    private AxeCore() {}

    /** The source of {@code axe.min.js}, ready to inject into a page. */
    static String source() throws IOException, InterruptedException {
        String version = System.getProperty("embedconsent.axe.version", "4.14.1");
        Path prefix = Path.of(System.getProperty("embedconsent.npm.dir", "target/npm")).toAbsolutePath();
        Path script = prefix.resolve("node_modules/axe-core/axe.min.js");
        Path installed = prefix.resolve("node_modules/axe-core/package.json");
        if (!Files.isRegularFile(script) || !Files.readString(installed).contains("\"version\": \"" + version + "\"")) {
            install(prefix, version);
        }
        return Files.readString(script, StandardCharsets.UTF_8);
    }

    private static void install(Path prefix, String version) throws IOException, InterruptedException {
        List<String> command = List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                "--no-save", "--loglevel=error", "axe-core@" + version);
        Process process;
        try {
            Files.createDirectories(prefix);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            String message = "npm is needed to install axe-core (apt-get install -y npm): " + e.getMessage();
            if (System.getenv("CI") != null) {
                Assertions.fail("CI is set but " + message);
            }
            Assumptions.abort("skipping accessibility test (CI unset): " + message);
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}

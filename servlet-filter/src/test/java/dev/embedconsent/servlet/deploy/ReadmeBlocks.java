package dev.embedconsent.servlet.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Code blocks of the repository's README.md, so that the deployment tests run them as written. */
final class ReadmeBlocks {
    /** The data directory the README's examples name; tests put a temporary directory in its place. */
    static final String README_DATA_DIR = "/var/lib/embed-consent";

    private ReadmeBlocks() {}

    /** The first {@code ```xml} block after the line that starts with {@code marker}. */
    static String xmlAfter(String marker) throws IOException {
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        int at = -1;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
            if (i == 0 || text.charAt(i - 1) == '\n') {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalStateException(readme + " has no line starting with " + marker);
        }
        int open = text.indexOf("```xml\n", at);
        int close = text.indexOf("\n```", open + 7);
        if (open < 0 || close < 0) {
            throw new IllegalStateException(readme + " has no ```xml block after " + marker);
        }
        return text.substring(open + 7, close + 1);
    }

    /** That block with {@code dataDirectory} in place of {@link #README_DATA_DIR}, which it must name. */
    static String xmlAfter(String marker, Path dataDirectory) throws IOException {
        String block = xmlAfter(marker);
        if (!block.contains(README_DATA_DIR)) {
            throw new IllegalStateException("the README block after " + marker + " no longer names "
                    + README_DATA_DIR + ":\n" + block);
        }
        return block.replace(README_DATA_DIR, dataDirectory.toString());
    }
}

package dev.embedconsent.html;

import dev.embedconsent.testing.SharedTestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The {@code #data} documents of the html5lib tree-construction corpus, read from the shared test data. */
final class Html5libCorpus {
    private Html5libCorpus() {}

    static final String SUITE = "tree-construction";

    static Path treeConstructionDir() {
        return SharedTestData.html5lib(SUITE);
    }

    static boolean available() {
        return Files.isDirectory(treeConstructionDir());
    }

    /** Every {@code #data} section of every {@code .dat} file (not the {@code scripted} folder). */
    static List<String> documents() {
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(treeConstructionDir())) {
            for (Path file : files.filter(p -> p.toString().endsWith(".dat")).sorted().toList()) {
                docs.addAll(parse(Files.readString(file, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    private static List<String> parse(String dat) {
        List<String> docs = new ArrayList<>();
        String[] lines = dat.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].equals("#data")) {
                continue;
            }
            StringBuilder data = new StringBuilder();
            int j = i + 1;
            while (j < lines.length && !lines[j].equals("#errors") && !lines[j].startsWith("#document")) {
                if (j > i + 1) {
                    data.append('\n');
                }
                data.append(lines[j]);
                j++;
            }
            docs.add(data.toString());
            i = j;
        }
        return docs;
    }
}

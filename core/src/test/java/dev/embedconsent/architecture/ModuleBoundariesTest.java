package dev.embedconsent.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package boundaries of {@code embed-consent-core}, checked on the compiled classes: the module exports exactly
 * the public packages, {@code internal} at most to the servlet filter, and no two packages depend on each other in a
 * cycle (as {@code jdeps} reads the byte code), so the layering in the README holds.
 */
class ModuleBoundariesTest {
    private static final Path CLASSES = Path.of("target/classes");
    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.embedconsent\\.[\\w.]+)\\s+->\\s+(dev\\.embedconsent\\.[\\w.]+)\\s");

    @Test
    void exportsThePublicPackagesAndKeepsInternalToTheLibrary() throws IOException {
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        assertEquals("dev.embedconsent.core", module.name());
        Set<String> toEveryone = new TreeSet<>();
        for (ModuleDescriptor.Exports export : module.exports()) {
            if (export.isQualified()) {
                assertEquals("dev.embedconsent.internal", export.source(), "only internal has a qualified export");
                assertEquals(Set.of("dev.embedconsent.servlet"), export.targets());
            } else {
                toEveryone.add(export.source());
            }
        }
        assertEquals(Set.of("dev.embedconsent.consent", "dev.embedconsent.html", "dev.embedconsent.placeholder",
                "dev.embedconsent.preview", "dev.embedconsent.provider", "dev.embedconsent.record",
                "dev.embedconsent.store"), toEveryone);
        assertTrue(module.opens().isEmpty(), "no package is open to reflection");
    }

    @Test
    void packagesDependOnEachOtherWithoutCycles(@TempDir Path copy) throws IOException {
        Map<String, Set<String>> edges = packageDependencies(copy);
        assertTrue(edges.getOrDefault("dev.embedconsent.html", Set.of()).contains("dev.embedconsent.provider"),
                () -> "jdeps output not understood: " + edges);
        List<String> cycle = findCycle(edges);
        assertTrue(cycle.isEmpty(), () -> "package cycle: " + String.join(" -> ", cycle) + "\nall edges: " + edges);
    }

    @Test
    void theRecordModelDependsOnNoOtherPackageOfTheLibrary(@TempDir Path copy) throws IOException {
        Map<String, Set<String>> edges = packageDependencies(copy);
        assertEquals(Set.of(), edges.getOrDefault("dev.embedconsent.record", Set.of()));
        assertEquals(Set.of(), edges.getOrDefault("dev.embedconsent.internal", Set.of()).stream()
                .filter(p -> !p.equals("dev.embedconsent.internal")).collect(Collectors.toSet()),
                "internal is the bottom layer");
    }

    /**
     * Package-level dependencies between {@code dev.embedconsent} packages, from {@code jdeps -verbose:package}. The
     * classes are copied without {@code module-info.class}, so jdeps reads them as plain classes and needs none of
     * the module's dependencies.
     */
    private static Map<String, Set<String>> packageDependencies(Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                if (file.getFileName().toString().equals("module-info.class")) {
                    continue;
                }
                Path target = copy.resolve(CLASSES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                copy.toString());
        assertEquals(0, exit, () -> "jdeps failed: " + err);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        return edges;
    }

    /** One cycle in the graph, as the packages along it, or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> edges) {
        Set<String> done = new TreeSet<>();
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = walk(start, edges, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> walk(String node, Map<String, Set<String>> edges, Deque<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>();
            boolean on = false;
            for (String p : (Iterable<String>) path::descendingIterator) {
                on |= p.equals(node);
                if (on) {
                    cycle.add(p);
                }
            }
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.push(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            List<String> cycle = walk(next, edges, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.pop();
        done.add(node);
        return List.of();
    }

    @Test
    void cycleFinderFindsACycleAndNoneInALayering() {
        assertEquals(List.of("a", "b", "c", "a"), findCycle(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"),
                "c", Set.of("a")))));
        assertEquals(List.of(), findCycle(Map.of("a", Set.of("b", "c"), "b", Set.of("c"))));
    }
}

package dev.embedconsent.servlet.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * A WAR file as a user would build one, written by the test with {@code java.util.jar}: a {@code WEB-INF/web.xml}, a
 * static page, and in {@code WEB-INF/lib} the freshly packaged servlet-filter jar with its runtime dependencies
 * (system properties {@code embedconsent.filter.jar} and {@code embedconsent.war.lib}, set by the build).
 */
final class TestWar {
    /** The page every test WAR serves at {@code /index.html}: one YouTube embed. */
    static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Delegation visit</title></head>
            <body>
            <h1>Delegation visit</h1>
            <p>The delegation's visit on video:</p>
            <iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"
                    title="Delegation visit" allowfullscreen></iframe>
            </body>
            </html>
            """;

    private final String name;
    private final StringBuilder webXmlBody = new StringBuilder();
    private String webAppAttributes = "";
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<Path> extraLibraries = new ArrayList<>();

    private TestWar(String name) {
        this.name = name;
    }

    /** A WAR deployed at {@code /name}, serving {@link #PAGE}. */
    static TestWar named(String name) {
        return new TestWar(name);
    }

    /** Appends XML inside {@code <web-app>}. */
    TestWar webXml(String xml) {
        webXmlBody.append(xml.strip()).append('\n');
        return this;
    }

    /** Adds a {@code <context-param>}. */
    TestWar contextParam(String name, String value) {
        return webXml("<context-param><param-name>" + name + "</param-name><param-value>" + value
                + "</param-value></context-param>");
    }

    /** Extra attributes of the {@code <web-app>} element, e.g. {@code metadata-complete="true"}. */
    TestWar webAppAttributes(String attributes) {
        webAppAttributes = " " + attributes.strip();
        return this;
    }

    /** A file of the WAR, e.g. a class under {@code WEB-INF/classes}. */
    TestWar file(String path, byte[] content) {
        entries.put(path, content.clone());
        return this;
    }

    /** Another jar in {@code WEB-INF/lib}. */
    TestWar library(Path jar) {
        extraLibraries.add(jar);
        return this;
    }

    String name() {
        return name;
    }

    String webXml() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"%s>
                %s</web-app>
                """.formatted(webAppAttributes, webXmlBody);
    }

    /** Writes {@code name.war} into {@code directory} and returns it. */
    Path writeTo(Path directory) throws IOException {
        Path war = directory.resolve(name + ".war");
        try (OutputStream file = Files.newOutputStream(war); JarOutputStream out = new JarOutputStream(file)) {
            put(out, "WEB-INF/web.xml", webXml().getBytes(StandardCharsets.UTF_8));
            put(out, "index.html", PAGE.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                put(out, entry.getKey(), entry.getValue());
            }
            for (Path jar : libraries()) {
                put(out, "WEB-INF/lib/" + jar.getFileName(), Files.readAllBytes(jar));
            }
        }
        return war;
    }

    private List<Path> libraries() {
        List<Path> jars = new ArrayList<>();
        jars.add(filterJar());
        try (Stream<Path> runtime = Files.list(warLib())) {
            runtime.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jars.addAll(extraLibraries);
        return jars;
    }

    /** {@code target/embed-consent-servlet-filter-*.jar}, packaged before failsafe runs. */
    static Path filterJar() {
        return existing("embedconsent.filter.jar");
    }

    /** The filter jar's runtime dependencies, copied by the build into {@code target/war-lib}. */
    static Path warLib() {
        return existing("embedconsent.war.lib");
    }

    static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " = " + value + " does not name an "
                    + "existing file: run these tests through Maven's failsafe (mvn verify), which packages the jar, "
                    + "copies its dependencies and unpacks the containers first");
        }
        return Path.of(value);
    }

    private static void put(JarOutputStream out, String path, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(path));
        out.write(content);
        out.closeEntry();
    }
}

package dev.embedconsent.servlet.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tomcat 11 from its distribution zip ({@code embedconsent.tomcat.home}), started with {@code catalina.sh run} on a
 * {@code CATALINA_BASE} of its own: the distribution's {@code conf} with the HTTP port changed and the shutdown port
 * off, and the test's WARs in {@code webapps}, deployed by the host at startup.
 */
final class StandaloneTomcat extends StandaloneContainer {
    private final Path home = TestWar.existing("embedconsent.tomcat.home");

    StandaloneTomcat(Path base) {
        super(base);
    }

    @Override
    String name() {
        return "tomcat";
    }

    @Override
    List<String> prepare(int port, List<Path> wars) throws Exception {
        Path conf = base().resolve("conf");
        Files.createDirectories(conf);
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, conf.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path serverXml = conf.resolve("server.xml");
        String server = Files.readString(serverXml);
        String changed = server.replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"")
                .replace("autoDeploy=\"true\"", "autoDeploy=\"false\"");
        if (changed.equals(server) || !changed.contains("port=\"" + port + "\"") || changed.contains("8005")) {
            throw new IllegalStateException("server.xml of " + home + " does not look as expected: " + serverXml);
        }
        Files.writeString(serverXml, changed);
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base().resolve(dir));
        }
        for (Path war : wars) {
            Files.copy(war, base().resolve("webapps").resolve(war.getFileName()));
        }
        return List.of("sh", home.resolve("bin/catalina.sh").toString(), "run");
    }

    @Override
    Map<String, String> startEnvironment() {
        return Map.of(
                "CATALINA_HOME", home.toString(),
                "CATALINA_BASE", base().toString(),
                "JAVA_HOME", System.getProperty("java.home"),
                "CATALINA_OPTS", String.join(" ", JVM_OPTIONS));
    }
}

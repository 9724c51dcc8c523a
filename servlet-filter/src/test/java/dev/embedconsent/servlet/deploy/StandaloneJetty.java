package dev.embedconsent.servlet.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jetty 12 from {@code jetty-home} ({@code embedconsent.jetty.home}), started with {@code java -jar start.jar} on a
 * {@code jetty.base} of its own, made by Jetty's own {@code --add-modules=http,ee10-deploy}: the deployment scanner
 * deploys the test's WARs from {@code webapps} as {@code ee10} web applications at startup (unpacked into the base's
 * {@code work}).
 */
final class StandaloneJetty extends StandaloneContainer {
    private final Path home = TestWar.existing("embedconsent.jetty.home");

    StandaloneJetty(Path base) {
        super(base);
    }

    @Override
    String name() {
        return "jetty";
    }

    @Override
    List<String> prepare(int port, List<Path> wars) throws Exception {
        run(List.of(java(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base(), "--add-modules=http,ee10-deploy"));
        Files.createDirectories(base().resolve("work"));
        Path webapps = base().resolve("webapps");
        Files.createDirectories(webapps);
        for (Path war : wars) {
            Files.copy(war, webapps.resolve(war.getFileName()));
        }
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base(), "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        return command;
    }

    @Override
    Map<String, String> startEnvironment() {
        return Map.of();
    }
}

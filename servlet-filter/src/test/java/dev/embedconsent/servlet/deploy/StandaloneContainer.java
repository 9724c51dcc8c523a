package dev.embedconsent.servlet.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A servlet container distribution (unpacked by the build into {@code target/containers}) started as its own process
 * from a fresh base directory, deploying WAR files the way the container deploys them from its {@code webapps}
 * folder. {@link #close()} stops the process (and any process it started), also when a test failed.
 */
abstract class StandaloneContainer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(120);

    /** Options of every container JVM: small, and quick to start on a shared two-core machine. */
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path base;
    private final Path console;
    private Process process;
    private int port;

    StandaloneContainer(Path base) {
        this.base = base;
        this.console = base.resolve("console.log");
    }

    /** {@code tomcat} or {@code jetty}. */
    abstract String name();

    /** Prepares {@link #base()} to listen on {@code port} and deploy {@code wars}; returns the start command. */
    abstract List<String> prepare(int port, List<Path> wars) throws Exception;

    /** Environment variables the start command needs besides the test's {@code environment}. */
    abstract Map<String, String> startEnvironment();

    Path base() {
        return base;
    }

    /**
     * Deploys the WARs, starts the container with these extra environment variables and waits until each WAR's
     * {@code /index.html} answers; returns the server's base URI (without a context path).
     */
    URI start(List<Path> wars, Map<String, String> environment) throws Exception {
        port = freePort();
        List<String> command = prepare(port, wars);
        ProcessBuilder builder = new ProcessBuilder(command).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(console.toFile());
        builder.environment().putAll(startEnvironment());
        builder.environment().putAll(environment);
        process = builder.start();
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        List<String> waiting = new ArrayList<>();
        for (Path war : wars) {
            waiting.add(war.getFileName().toString().replaceFirst("\\.war$", ""));
        }
        while (!waiting.isEmpty()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue() + " before deploying "
                        + waiting + "; its output:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " did not deploy " + waiting + " within " + STARTUP
                        + "; its output:\n" + log());
            }
            if (answers(uri.resolve(waiting.get(0) + "/index.html"))) {
                waiting.remove(0);
            } else {
                Thread.sleep(200);
            }
        }
        return uri;
    }

    private boolean answers(URI page) throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Everything the container printed so far (its console: stdout and stderr). */
    String log() throws IOException {
        return Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a short command of the container's own (setting up a base directory) and fails with its output. */
    void run(List<String> command) throws IOException, InterruptedException {
        Path output = base.resolve("setup.log");
        Process setup = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!setup.waitFor(60, TimeUnit.SECONDS)) {
            setup.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        if (setup.exitValue() != 0) {
            throw new IllegalStateException(command + " exited with " + setup.exitValue() + ":\n"
                    + Files.readString(output));
        }
    }

    @Override
    public void close() throws Exception {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }
}

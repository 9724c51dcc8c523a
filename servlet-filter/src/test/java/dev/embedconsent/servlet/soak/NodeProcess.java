package dev.embedconsent.servlet.soak;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One {@link SoakNode} JVM: started, SIGKILLed, started again on the same port. Each start writes the node's stdout
 * and stderr to files of their own in the log directory ({@code a-1.out}, {@code a-1.err}, then {@code a-2.*}), so
 * nothing blocks on a full pipe and every run can be read afterwards.
 */
final class NodeProcess implements AutoCloseable {
    private final String name;
    private final String schema;
    private final String key;
    private final Path logDirectory;
    private volatile @Nullable Process process;
    private volatile int port;
    private volatile boolean serving;
    private int starts;

    NodeProcess(String name, String schema, String key, Path logDirectory) {
        this.name = name;
        this.schema = schema;
        this.key = key;
        this.logDirectory = logDirectory;
    }

    String name() {
        return name;
    }

    /** Whether it serves: started and not killed since. The load sends requests only to serving nodes. */
    boolean serving() {
        return serving;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the JVM (on its earlier port after the first start) and waits until it says it serves. */
    synchronized void start(Duration timeout) throws IOException, InterruptedException {
        starts++;
        Path out = logDirectory.resolve(name + "-" + starts + ".out");
        Path err = logDirectory.resolve(name + "-" + starts + ".err");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
                SoakNode.class.getName(), Integer.toString(port), schema, name))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put(SoakNode.KEY_VARIABLE, key);
        Process started = builder.start();
        process = started;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            int at = text.indexOf(SoakNode.READY);
            if (at >= 0 && text.indexOf('\n', at) > 0) {
                port = Integer.parseInt(text.substring(at + SoakNode.READY.length(), text.indexOf('\n', at)).trim());
                serving = true;
                return;
            }
            if (!started.isAlive()) {
                throw new IllegalStateException("node " + name + " exited with " + started.exitValue()
                        + " before it served; see " + err.toAbsolutePath());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + name + " did not serve within " + timeout + "; see "
                        + err.toAbsolutePath());
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux); returns the exit status, 137 for a killed JVM. */
    synchronized int kill() throws InterruptedException {
        serving = false;
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("node " + name + " is not running");
        }
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + name + " did not die within 30 s of SIGKILL");
        }
        return p.exitValue();
    }

    /** Kills the JVM if it runs; always called at the end, also when the test failed. */
    @Override
    public void close() throws InterruptedException {
        serving = false;
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

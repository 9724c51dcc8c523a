package dev.embedconsent.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one URL with a fixed number of keep-alive connections, closed loop (each connection sends its next request
 * when the last response is read), for a warm-up and then a measured period.
 */
interface LoadGenerator {

    /**
     * What one measured period gave. Latencies in milliseconds; {@code NaN} when the generator does not tell.
     * {@code serverCpuMicros}: CPU time of this JVM (the server: container, filter, JIT and GC threads) per response
     * in the measured period, in microseconds; {@code NaN} when the client runs in this JVM too.
     */
    record Result(double perSecond, double p50, double p99, double p999, long responses, long errors,
            long bodyBytes, double serverCpuMicros) {}

    /** CPU time of this whole process so far, in nanoseconds; -1 when the platform does not tell. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Drives {@code path}, each request with the header line {@code header} too unless it is null. */
    Result run(int port, String path, String header, int connections, int warmupSeconds, int seconds)
            throws IOException, InterruptedException;

    String describe();

    /** Whether Debian's {@code wrk} is on the PATH. */
    static boolean wrkAvailable() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * N threads, each holding one keep-alive connection ({@link Http1Connection}), recording every response's
     * latency into an array of its own; latencies of responses completed in the measured period count. An error
     * (I/O, or a status other than 200) is counted and the connection reopened.
     */
    final class Java implements LoadGenerator {
        @Override
        public String describe() {
            return "java (one keep-alive connection per thread, in the server's JVM)";
        }

        @Override
        public Result run(int port, String path, String header, int connections, int warmupSeconds, int seconds)
                throws InterruptedException {
            byte[] request = Http1Connection.request(path, header);
            long start = System.nanoTime();
            long measureFrom = start + warmupSeconds * 1_000_000_000L;
            long measureTo = measureFrom + seconds * 1_000_000_000L;
            Worker[] workers = new Worker[connections];
            Thread[] threads = new Thread[connections];
            for (int i = 0; i < connections; i++) {
                workers[i] = new Worker(port, request, measureFrom, measureTo);
                threads[i] = new Thread(workers[i], "load-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
            long responses = 0;
            long errors = 0;
            long bodyBytes = -1;
            for (int i = 0; i < connections; i++) {
                threads[i].join();
                responses += workers[i].count;
                errors += workers[i].errors;
                bodyBytes = Math.max(bodyBytes, workers[i].bodyBytes);
            }
            long[] all = new long[(int) responses];
            int at = 0;
            for (Worker w : workers) {
                System.arraycopy(w.latencies, 0, all, at, w.count);
                at += w.count;
            }
            Arrays.sort(all);
            return new Result(responses / (double) seconds, percentile(all, 0.50), percentile(all, 0.99),
                    percentile(all, 0.999), responses, errors, bodyBytes, Double.NaN);
        }

        static double percentile(long[] sortedNanos, double q) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6;
        }

        private static final class Worker implements Runnable {
            private final int port;
            private final byte[] request;
            private final long measureFrom;
            private final long measureTo;
            long[] latencies = new long[1 << 14];
            int count;
            long errors;
            long bodyBytes = -1;

            Worker(int port, byte[] request, long measureFrom, long measureTo) {
                this.port = port;
                this.request = request;
                this.measureFrom = measureFrom;
                this.measureTo = measureTo;
            }

            @Override
            public void run() {
                Http1Connection c = null;
                while (true) {
                    long begin = System.nanoTime();
                    if (begin >= measureTo) {
                        break;
                    }
                    try {
                        if (c == null) {
                            c = new Http1Connection("127.0.0.1", port);
                        }
                        c.exchange(request);
                        long end = System.nanoTime();
                        boolean counted = end >= measureFrom && end < measureTo;
                        if (c.status != 200) {
                            if (counted) {
                                errors++;
                            }
                        } else if (counted) {
                            record(end - begin);
                            bodyBytes = c.bodyBytes;
                        }
                        if (c.closing) {
                            c.close();
                            c = null;
                        }
                    } catch (IOException e) {
                        long end = System.nanoTime();
                        if (end >= measureFrom && end < measureTo) {
                            errors++;
                        }
                        closeQuietly(c);
                        c = null;
                    }
                }
                closeQuietly(c);
            }

            private void record(long nanos) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = nanos;
            }

            private static void closeQuietly(Http1Connection c) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing a broken connection
                    }
                }
            }
        }
    }

    /**
     * Debian's {@code wrk --latency} in its own process: one run for the warm-up (discarded), one measured. Its
     * threads are {@code min(connections, cores)}; it reports p50 and p99, not p99.9.
     */
    final class Wrk implements LoadGenerator {
        private static final Pattern PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(\\w+),");
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
        private static final Pattern SOCKET_ERRORS =
                Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

        @Override
        public String describe() {
            return "wrk (" + version() + "), " + threads(Integer.MAX_VALUE) + " threads, its own process";
        }

        private static int threads(int connections) {
            return Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
        }

        private static String version() {
            try {
                Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return out.lines().findFirst().orElse("?").replaceAll("\\s+Copyright.*", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "?";
            }
        }

        @Override
        public Result run(int port, String path, String header, int connections, int warmupSeconds, int seconds)
                throws IOException, InterruptedException {
            String url = "http://127.0.0.1:" + port + path;
            if (warmupSeconds > 0) {
                wrk(url, header, connections, warmupSeconds);
            }
            long cpuBefore = processCpuNanos();
            String out = wrk(url, header, connections, seconds);
            long cpuAfter = processCpuNanos();
            double perSecond = Double.parseDouble(group(PER_SECOND, out, 1));
            long responses = Long.parseLong(group(REQUESTS, out, 1));
            long errors = 0;
            Matcher non2xx = NON_2XX.matcher(out);
            if (non2xx.find()) {
                errors += Long.parseLong(non2xx.group(1));
            }
            Matcher socket = SOCKET_ERRORS.matcher(out);
            if (socket.find()) {
                for (int g = 1; g <= 4; g++) {
                    errors += Long.parseLong(socket.group(g));
                }
            }
            // wrk is its own process: this JVM's CPU time in the run is the server's (a few ms of wrk's start-up and
            // exit fall outside the responses counted, so the figure errs on the high side for both sides alike)
            double cpu = cpuBefore < 0 || responses == 0 ? Double.NaN : (cpuAfter - cpuBefore) / 1e3 / responses;
            return new Result(perSecond, latency(out, "50%"), latency(out, "99%"), Double.NaN, responses, errors,
                    -1, cpu);
        }

        private static String wrk(String url, String header, int connections, int seconds)
                throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("wrk", "--latency", "-t",
                    String.valueOf(threads(connections)), "-c", String.valueOf(connections), "-d", seconds + "s",
                    "--timeout", "30s", "-H", "Accept: text/html"));
            if (header != null) {
                command.addAll(List.of("-H", header));
            }
            command.add(url);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (p.waitFor() != 0 || !out.contains("Requests/sec")) {
                throw new IOException("wrk failed: " + String.join(" ", command) + "\n" + out);
            }
            return out;
        }

        private static String group(Pattern pattern, String text, int group) throws IOException {
            Matcher m = pattern.matcher(text);
            if (!m.find()) {
                throw new IOException("unexpected wrk output (no " + pattern + "):\n" + text);
            }
            return m.group(group);
        }

        /** A line of the latency distribution, e.g. {@code 99%    5.12ms}, in milliseconds. */
        private static double latency(String out, String percent) throws IOException {
            Matcher m = Pattern.compile("\\s" + Pattern.quote(percent) + "\\s+([0-9.]+)(us|ms|s|m)\\b").matcher(out);
            if (!m.find()) {
                throw new IOException("unexpected wrk output (no " + percent + " latency):\n" + out);
            }
            double v = Double.parseDouble(m.group(1));
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "us" -> v / 1000;
                case "ms" -> v;
                case "s" -> v * 1000;
                default -> v * 60_000;
            };
        }
    }
}

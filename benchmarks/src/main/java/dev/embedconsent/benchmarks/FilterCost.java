package dev.embedconsent.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link FilterBenchmark}'s four paths timed interleaved in one JVM, for a ratio that survives a machine whose speed
 * changes in phases (a shared VM): after a warm-up, each round times one batch of every path, back to back, in an
 * order that rotates from round to round, and the ratio of the filter's added cost ({@code filtered - unfiltered})
 * to the bare {@code rewrite} is taken within each round. Prints the medians of the rounds as a Markdown table.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.embedconsent.benchmarks.FilterCost [--rounds 40] [--batch-ms 50] \
 *     [--warmup 10] [--pages embeds,plain] [--lengths declared,unknown] [--threads 1]
 * }</pre>
 *
 * JMH ({@code FilterBenchmark}) measures each path in a fork of its own, so a busy phase of the machine lands on one
 * path and not the others; here every round sees the same phase for all four. Batches are timed in the thread's CPU
 * time ({@code ThreadMXBean.getCurrentThreadCpuTime}), not wall-clock time, so time slices taken by other processes
 * on a shared machine do not count (their effect on caches still does). Allocation per operation is read from
 * {@code ThreadMXBean.getThreadAllocatedBytes}.
 */
public final class FilterCost {
    private static final String[] PATHS = {"unfiltered", "filtered", "rewrite", "rewriteChunked"};
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FilterCost() {}

    public static void main(String[] args) throws Exception {
        int rounds = 40;
        long batchMillis = 50;
        int warmupSeconds = 10;
        List<String> pages = List.of("embeds", "plain");
        int threads = 1;
        List<String> lengths = List.of("declared", "unknown");
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--batch-ms" -> batchMillis = Long.parseLong(value);
                case "--warmup" -> warmupSeconds = Integer.parseInt(value);
                case "--pages" -> pages = List.of(value.split(","));
                case "--threads" -> threads = Integer.parseInt(value);
                case "--lengths" -> lengths = List.of(value.split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "# FilterCost: %s %s, %d cores; %d s warm-up, %d rounds of %d ms batches%n",
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors(), warmupSeconds, rounds, batchMillis);
        System.out.println();
        System.out.println("| page (thread CPU time per response) | unfiltered µs | filtered µs | rewrite µs | rewriteChunked µs "
                + "| added = filtered - unfiltered µs | added / rewrite (median of rounds, IQR) "
                + "| added / rewriteChunked | B/op filtered - unfiltered | B/op rewrite |");
        System.out.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for (String page : pages) {
            for (String length : lengths) {
                runThreads(page, length, threads, rounds, batchMillis, warmupSeconds);
            }
        }
    }

    /**
     * One row, or with several threads at once (each its own filter and state, as concurrent requests in a
     * container) one row per thread: shows what sharing the cores and caches does to each response's CPU time.
     */
    private static void runThreads(String page, String length, int threads, int rounds, long batchMillis,
            int warmupSeconds) throws Exception {
        if (threads == 1) {
            run(page, length, rounds, batchMillis, warmupSeconds);
            return;
        }
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            running[t] = new Thread(() -> {
                try {
                    run(page, length, rounds, batchMillis, warmupSeconds);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "filter-cost-" + t);
            running[t].start();
        }
        for (Thread t : running) {
            t.join();
        }
    }

    private static void run(String page, String length, int rounds, long batchMillis, int warmupSeconds)
            throws Exception {
        FilterBenchmark b = new FilterBenchmark();
        b.page = page;
        b.length = length;
        b.setUp();
        try {
            long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                for (int p = 0; p < PATHS.length; p++) {
                    batch(b, p, 20);
                }
            }
            // Batch sizes so that each batch takes about batchMillis.
            int[] ops = new int[PATHS.length];
            for (int p = 0; p < PATHS.length; p++) {
                long t = THREADS.getCurrentThreadCpuTime();
                batch(b, p, 50);
                double perOp = Math.max(1, (THREADS.getCurrentThreadCpuTime() - t) / 50.0);
                ops[p] = (int) Math.max(10, batchMillis * 1e6 / perOp);
            }
            double[][] micros = new double[PATHS.length][rounds];
            double[] ratio = new double[rounds];
            double[] ratioChunked = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < PATHS.length; k++) {
                    int p = (k + r) % PATHS.length;
                    long t = THREADS.getCurrentThreadCpuTime();
                    batch(b, p, ops[p]);
                    micros[p][r] = (THREADS.getCurrentThreadCpuTime() - t) / 1e3 / ops[p];
                }
                double added = micros[1][r] - micros[0][r];
                ratio[r] = added / micros[2][r];
                ratioChunked[r] = added / micros[3][r];
            }
            long[] bytes = new long[PATHS.length];
            for (int p = 0; p < PATHS.length; p++) {
                bytes[p] = allocatedPerOp(b, p);
            }
            double unfiltered = median(micros[0]);
            double filtered = median(micros[1]);
            System.out.printf(Locale.ROOT, "| %s, %s length%s | %.2f | %.1f | %.1f | %.1f | %.1f | %.2f (%.2f-%.2f) | %.2f | %d | %d |%n",
                    page, length, Thread.currentThread().getName().startsWith("filter-cost-")
                            ? " (" + Thread.currentThread().getName() + ")" : "", unfiltered, filtered, median(micros[2]), median(micros[3]), filtered - unfiltered,
                    median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75), median(ratioChunked),
                    bytes[1] - bytes[0], bytes[2]);
        } finally {
            b.tearDown();
        }
    }

    private static int batch(FilterBenchmark b, int path, int n) throws Exception {
        int sink = 0;
        for (int i = 0; i < n; i++) {
            sink += switch (path) {
                case 0 -> b.unfiltered();
                case 1 -> b.filtered();
                case 2 -> b.rewrite();
                default -> b.rewriteChunked();
            };
        }
        if (sink == 42) {
            System.out.print("");
        }
        return sink;
    }

    private static long allocatedPerOp(FilterBenchmark b, int path) throws Exception {
        long id = Thread.currentThread().getId();
        int n = 200;
        batch(b, path, n);
        long before = THREADS.getThreadAllocatedBytes(id);
        batch(b, path, n);
        return (THREADS.getThreadAllocatedBytes(id) - before) / n;
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = (int) Math.ceil(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}

package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that leave in the middle of a large rewritten response ({@code /t/big}: 100 MB with an embed in every
 * megabyte), half with a normal close and half with a reset, and clients that read it very slowly (a 4 KB receive
 * window, 1 KB every 10 ms, for a second) and then leave, in a real container ({@code *IT} per container). After a
 * warm-up round and after 320 such clients, no request thread is left inside the filter or the application, the
 * container's threads grew by fewer than the 20 concurrent clients, and the heap after GC has not grown by more than a few
 * megabytes, so no thread or buffer is kept per client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientFaultsContract {
    private static final int CONCURRENT = 20;
    private static final long HEAP_SLACK = 8L << 20;

    private Path work;
    private ServletContainer container;
    private URI base;

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-clients-" + containerName());
        container = ServletContainer.named(containerName());
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(work.resolve("data"))
                .hmacKeys(FilterContainerContract.KEY)
                .rateLimit(RateLimit.OFF)
                .build();
        base = container.start(new TestSite(filter), FilterContainerContract.ERROR_PAGES, work.resolve("work"));
    }

    @AfterAll
    void stop() throws Exception {
        container.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void clientsThatLeaveMidResponseOrReadSlowlyLeakNoThreadOrBuffer() throws Exception {
        long started = System.nanoTime();
        round(40, 10);
        awaitNoRequestThreads();
        long heapBefore = heapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long directBefore = direct();

        int[] received = round(240, 80);
        List<String> stuck = awaitNoRequestThreads();
        long heapAfter = heapAfterGc();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long directAfter = direct();
        System.out.printf("ClientFaults (%s): 240 clients left mid-response, 80 read slowly (%d KB to %d KB "
                + "each); heap after GC %d -> %d KB, threads %d -> %d, direct buffers %d -> %d KB, %.1f s%n",
                containerName(), received[0] >> 10, received[1] >> 10, heapBefore >> 10, heapAfter >> 10,
                threadsBefore, threadsAfter, directBefore >> 10, directAfter >> 10,
                (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(), stuck, "request threads still inside the filter or the application");
        // The container's pool may grow by a thread per concurrent client; a leak would keep one per client (320).
        assertTrue(threadsAfter < threadsBefore + CONCURRENT, "threads " + threadsBefore + " -> " + threadsAfter);
        assertTrue(heapAfter - heapBefore < HEAP_SLACK, "heap after GC grew by " + (heapAfter - heapBefore));
        assertTrue(directAfter - directBefore < HEAP_SLACK, "direct buffers grew by " + (directAfter - directBefore));
    }

    /** Runs {@code leaving} clients that leave mid-response and {@code slow} slow readers; the least and most read. */
    private int[] round(int leaving, int slow) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < leaving + slow; i++) {
                int n = i;
                results.add(pool.submit(() -> n < leaving ? leave(n % 2 == 0, 64 * 1024 + n * 1024) : readSlowly()));
            }
            int[] minMax = {Integer.MAX_VALUE, 0};
            for (Future<Integer> result : results) {
                int bytes = result.get(60, TimeUnit.SECONDS);
                assertTrue(bytes > 16 * 1024, "the response started before the client left: " + bytes);
                minMax[0] = Math.min(minMax[0], bytes);
                minMax[1] = Math.max(minMax[1], bytes);
            }
            return minMax;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads {@code bytes} of the big page, then closes (with a reset if {@code reset}); how many it read. */
    private int leave(boolean reset, int bytes) throws IOException {
        try (Socket socket = connect(0)) {
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            return read(socket.getInputStream(), bytes, 0);
        }
    }

    /** Reads the big page 1 KB every 10 ms through a 4 KB window for a second, then closes; how many it read. */
    private int readSlowly() throws Exception {
        try (Socket socket = connect(4096)) {
            return read(socket.getInputStream(), 100 * 1024, 10);
        }
    }

    private Socket connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /t/big HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static int read(InputStream in, int bytes, long pauseMillis) throws IOException {
        byte[] buffer = new byte[pauseMillis > 0 ? 1024 : 16 * 1024];
        int total = 0;
        while (total < bytes) {
            int n = in.read(buffer, 0, Math.min(buffer.length, bytes - total));
            if (n < 0) {
                break;
            }
            total += n;
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return total;
    }

    /** Waits up to 15 s until no thread runs the filter or the test site; the stacks of those still there. */
    private static List<String> awaitNoRequestThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> busy;
        do {
            busy = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                boolean inRequest = Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(
                        "dev.embedconsent.servlet.") && !f.getClassName().contains("Contract")
                        && !f.getClassName().endsWith("IT"));
                if (inRequest) {
                    busy.add(e.getKey().getName() + " " + Arrays.toString(
                            Arrays.copyOf(e.getValue(), Math.min(8, e.getValue().length))));
                }
            }
            if (busy.isEmpty()) {
                return busy;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return busy;
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static long direct() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}

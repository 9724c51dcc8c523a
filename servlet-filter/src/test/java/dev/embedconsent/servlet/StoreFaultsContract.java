package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.store.JsonLinesConsentStore;
import dev.embedconsent.store.VerificationResult;
import dev.embedconsent.testing.FaultyFileSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The filter's JSON Lines store on a disk that fills up, then turns read-only, while visitors post consent from four
 * connections, in a real container ({@code *IT} per container). The disk is a {@link FaultyFileSystem} of 48 KB under
 * the filter's {@code data-dir}. Every post answers {@code 200} with its record or {@code 503} with a JSON error and
 * no consent cookie; pages keep rendering placeholders; once the disk takes writes again posts succeed without a
 * restart; after the container stops, the chain verifies and holds every acknowledged record exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreFaultsContract {
    private static final Pattern RECORD_ID = Pattern.compile("\"recordId\":\"([^\"]+)\"");
    private static final int CONNECTIONS = 4;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private Path work;
    private FaultyFileSystem disk;
    private Path data;
    private ServletContainer container;
    private URI base;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unavailable = new AtomicInteger();

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-faults-" + containerName());
        disk = FaultyFileSystem.over(Files.createDirectory(work.resolve("disk")), 48 * 1024);
        data = disk.root().resolve("data");
        container = ServletContainer.named(containerName());
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(data)
                .hmacKeys(FilterContainerContract.KEY)
                .rateLimit(RateLimit.OFF)
                .build();
        base = container.start(new TestSite(filter), FilterContainerContract.ERROR_PAGES, work.resolve("work"));
    }

    @AfterAll
    void stop() throws Exception {
        if (container != null) {
            container.close();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void consentPostsOnAFullThenReadOnlyDiskAnswer503AndLoseNothingAcknowledged() throws Exception {
        // Full disk: posts until the store has refused 30 of them.
        postUntil(() -> unavailable.get() >= 30);
        int fullRefused = unavailable.get();
        assertTrue(disk.failures() > 0, "the disk refused writes");
        HttpResponse<String> page = get("/t/writer");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("embed-consent"), "pages still get placeholders while the disk is full");
        VerificationResult whileFull = JsonLinesConsentStore.verify(data);
        assertTrue(whileFull.valid(), whileFull.describe());

        // Space is back: the same running filter records again.
        disk.capacity(1L << 30);
        int before = acknowledged.size();
        postUntil(() -> acknowledged.size() >= before + 100);
        assertEquals(fullRefused, unavailable.get(), "no 503 once space is back");

        // Read-only: turned while posts are under way.
        AtomicBoolean turned = new AtomicBoolean();
        int beforeReadOnly = acknowledged.size();
        postUntil(() -> {
            if (acknowledged.size() >= beforeReadOnly + 20 && turned.compareAndSet(false, true)) {
                disk.readOnly(true);
            }
            return unavailable.get() >= fullRefused + 30;
        });
        VerificationResult whileReadOnly = JsonLinesConsentStore.verify(data);
        assertTrue(whileReadOnly.valid(), whileReadOnly.describe());

        disk.readOnly(false);
        int refused = unavailable.get();
        int beforeWritable = acknowledged.size();
        postUntil(() -> acknowledged.size() >= beforeWritable + 100);
        assertEquals(refused, unavailable.get(), "no 503 once the disk is writable again");

        container.close();
        container = null;
        VerificationResult offline = JsonLinesConsentStore.verify(data);
        assertTrue(offline.valid(), offline.describe());
        Map<String, Integer> found = new HashMap<>();
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(data)) {
            store.forEach(e -> found.merge(e.recordId(), 1, Integer::sum));
        }
        int foundAcknowledged = 0;
        for (String id : acknowledged) {
            assertEquals(1, found.getOrDefault(id, 0), "acknowledged record " + id + " stored once");
            foundAcknowledged++;
        }
        System.out.printf("StoreFaults (%s): %d consent posts acknowledged, %d found of them, %d answered 503 "
                + "(%d on the full disk, %d read-only), %d records in the chain%n", containerName(),
                acknowledged.size(), foundAcknowledged, unavailable.get(), fullRefused, unavailable.get() - fullRefused,
                found.size());
    }

    /** Posts JSON grants from {@link #CONNECTIONS} threads until {@code done}; each answer must be 200 or 503. */
    private void postUntil(BooleanSupplier done) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> wrong = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CONNECTIONS; t++) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> response = grant();
                        String problem = check(response);
                        if (problem != null) {
                            synchronized (wrong) {
                                wrong.add(problem);
                            }
                            return;
                        }
                    } catch (Exception e) {
                        synchronized (wrong) {
                            wrong.add(e.toString());
                        }
                        return;
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean() && System.nanoTime() < deadline && threads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(1);
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), wrong);
        assertTrue(done.getAsBoolean(), "not done within 60 s: " + acknowledged.size() + " acknowledged, "
                + unavailable.get() + " answered 503");
    }

    /** Notes a 200's record or a 503; says what is wrong with any other answer. */
    private String check(HttpResponse<String> response) {
        String body = response.body();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 200) {
            Matcher id = RECORD_ID.matcher(body);
            if (!id.find()) {
                return "200 without a record: " + body;
            }
            acknowledged.add(id.group(1));
            return null;
        }
        if (response.statusCode() == 503) {
            if (!body.startsWith("{\"error\":\"store_unavailable\",\"message\":\"") || !type.startsWith(
                    "application/json")) {
                return "503 without the JSON error: " + type + " " + body;
            }
            boolean cookie = response.headers().allValues("Set-Cookie").stream()
                    .anyMatch(c -> c.startsWith("ec_consent="));
            if (cookie) {
                return "503 that sets the consent cookie: " + response.headers().map();
            }
            unavailable.incrementAndGet();
            return null;
        }
        return "unexpected " + response.statusCode() + ": " + body;
    }

    private HttpResponse<String> grant() throws Exception {
        String body = "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"provider\",\"page\":\"/t/writer\"}";
        return http.send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Sec-Fetch-Site", "same-origin")
                .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

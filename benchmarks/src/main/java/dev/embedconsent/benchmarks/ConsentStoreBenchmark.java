package dev.embedconsent.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.consent.ConsentState;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Consent stores: appends per second with an fsync (or commit) per record versus group commit, for JSON Lines and
 * PostgreSQL, 8 appending threads; and the latency of a consent-state look-up with and without the cache.
 *
 * <pre>{@code
 * mvn -q -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ConsentStoreBenchmark
 * eval "$(.ci/start-postgres)"   # for the PostgreSQL benchmarks; they fail fast without EMBEDCONSENT_PG_URL
 * }</pre>
 * The JSON Lines store writes to {@code java.io.tmpdir}; set {@code -Djava.io.tmpdir} to measure another disk.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class ConsentStoreBenchmark {

    private static final Provider YOUTUBE = new Provider("youtube", "YouTube", "Google Ireland Limited",
            "https://policies.google.com/privacy", List.of("Video playback", "Advertising"), List.of("IP address"),
            true, "2024-06-01", List.of("www.youtube.com"), List.of());

    static ConsentRecord.Draft draft(SubjectId subject) {
        Instant now = Instant.now();
        return new ConsentRecord.Draft(RecordFormat.newRecordId(), ConsentRecord.SCHEMA_VERSION, subject, "youtube",
                YOUTUBE.purposes(), YOUTUBE.recipient(), Decision.GIVEN, Scope.PROVIDER, YOUTUBE.noticeVersion(), "en",
                "/news/visit", ConsentMethod.FORM, false, now, now.plus(Duration.ofDays(182)));
    }

    static Path tempDirectory() throws IOException {
        return Files.createTempDirectory("ec-bench");
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A JSON Lines store in a fresh temporary directory. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class JsonLines {
        @Param({"FSYNC_EACH", "GROUP_COMMIT"})
        public String durability;
        Path dir;
        JsonLinesConsentStore store;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = tempDirectory();
            store = JsonLinesConsentStore.builder(dir)
                    .withDurability(JsonLinesConsentStore.Durability.valueOf(durability)).build();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            delete(dir);
        }
    }

    /** A fresh table on the PostgreSQL server named by EMBEDCONSENT_PG_URL, through a connection pool. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Postgres {
        @Param({"COMMIT_EACH", "GROUP_COMMIT"})
        public String durability;
        HikariDataSource pool;
        JdbcConsentStore store;

        @Setup(Level.Trial)
        public void open() {
            String url = System.getenv("EMBEDCONSENT_PG_URL");
            if (url == null) {
                throw new IllegalStateException("EMBEDCONSENT_PG_URL is not set; run eval \"$(.ci/start-postgres)\"");
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(System.getenv("EMBEDCONSENT_PG_USER"));
            config.setPassword(System.getenv("EMBEDCONSENT_PG_PASSWORD"));
            config.setMaximumPoolSize(8);
            pool = new HikariDataSource(config);
            String table = "ec_bench_" + RecordFormat.newRecordId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            store = JdbcConsentStore.builder(pool).withTableName(table)
                    .withDurability(JdbcConsentStore.Durability.valueOf(durability)).build();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            store.close();
            try (var c = pool.getConnection(); var st = c.createStatement()) {
                st.execute("DROP TABLE " + store.tableName() + ", " + store.tableName() + "_head");
            }
            pool.close();
        }
    }

    /**
     * A JSON Lines store with 20,000 subjects (3 records each) behind a service with or without its cache; every
     * subject is looked up once before measuring, so the cached variant measures hits and the other a warm page
     * cache.
     */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Lookups {
        @Param({"true", "false"})
        public boolean cache;
        Path dir;
        JsonLinesConsentStore store;
        ConsentService service;
        SubjectId[] subjects = new SubjectId[20_000];

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = tempDirectory();
            store = JsonLinesConsentStore.builder(dir).withDurability(JsonLinesConsentStore.Durability.GROUP_COMMIT)
                    .build();
            ConsentService.Builder builder = ConsentService.builder(store, id -> Optional.of(YOUTUBE));
            service = (cache ? builder.withCache("maximumSize=50000") : builder.withoutCache()).build();
            for (int i = 0; i < subjects.length; i++) {
                subjects[i] = SubjectId.random();
            }
            ExecutorService fillers = Executors.newFixedThreadPool(32);
            try {
                for (int round = 0; round < 3; round++) {
                    List<Future<ConsentRecord>> pending = new ArrayList<>();
                    for (SubjectId subject : subjects) {
                        pending.add(fillers.submit(() -> store.append(draft(subject))));
                    }
                    for (Future<ConsentRecord> f : pending) {
                        f.get();
                    }
                }
            } finally {
                fillers.shutdownNow();
            }
            for (SubjectId subject : subjects) {
                service.state(subject);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            delete(dir);
        }
    }

    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ConsentRecord jsonLinesAppend(JsonLines s) {
        return s.store.append(draft(SubjectId.random()));
    }

    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ConsentRecord postgresAppend(Postgres s) {
        return s.store.append(draft(SubjectId.random()));
    }

    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ConsentState stateLookup(Lookups s) {
        SubjectId subject = s.subjects[ThreadLocalRandom.current().nextInt(s.subjects.length)];
        return s.service.state(subject);
    }
}

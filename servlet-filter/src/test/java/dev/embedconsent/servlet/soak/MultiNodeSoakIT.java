package dev.embedconsent.servlet.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.VerificationResult;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Several nodes, one PostgreSQL (issue 13): three application nodes, each {@link SoakNode} in a JVM of its own
 * (Jetty 12 ee10, the filter on the PostgreSQL store through a HikariCP pool, the same cookie keys), share one fresh
 * schema. {@link SoakLoad} sends page views and consent posts from many simulated visitors at a steady rate, to the
 * serving nodes at random. In the middle, node {@code a} is SIGKILLed and started again on its port, and later
 * PostgreSQL is stopped, kept away for a few seconds and started again ({@code EMBEDCONSENT_PG_STOP}, then
 * {@code EMBEDCONSENT_PG_RESTART}). Meanwhile {@link WithdrawalProbe} measures how fast a withdrawal made on node
 * {@code a} takes effect on {@code b} and {@code c}.
 *
 * <p>Afterwards: every acknowledged consent post is in the table exactly once with its subject, provider and decision;
 * the table holds no more records than posts were sent; the chain verifies ({@link JdbcConsentStore#verify()}, which
 * {@code records --jdbc ... verify} runs); no request had a real error (see {@link SoakLoad}); pages rendered while
 * PostgreSQL was away; posts were acknowledged again after both faults. A block of figures is printed and written to
 * {@code target/soak/<schema>/summary.txt} next to the nodes' logs.
 *
 * <p>About 60 s of load by default (75 s with the nodes' start); longer by hand:
 * {@code -Dembedconsent.soak.seconds=600} (also {@code .visitors}, {@code .rate}, {@code .outage-seconds},
 * {@code .seed}). Needs {@code EMBEDCONSENT_PG_URL}, {@code _USER}, {@code _PASSWORD}, {@code _RESTART} and
 * {@code _STOP} (printed by {@code .ci/start-postgres}); skipped with a message without them, unless {@code CI} is set,
 * where it fails.
 */
class MultiNodeSoakIT {
    /** The cookie keys every node shares, from its environment, as the nodes of a real cluster share them. */
    private static final String KEY = "soak1:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM";
    private static final long SECONDS = Long.getLong("embedconsent.soak.seconds", 60);
    private static final int VISITORS = Integer.getInteger("embedconsent.soak.visitors", 48);
    private static final double RATE = Double.parseDouble(System.getProperty("embedconsent.soak.rate", "150"));
    private static final long OUTAGE_SECONDS = Long.getLong("embedconsent.soak.outage-seconds", 5);
    private static final long SEED = Long.getLong("embedconsent.soak.seed", System.currentTimeMillis());
    /** Share of requests that are consent posts; the rest are page views. */
    private static final double POST_SHARE = 0.2;
    private static final Duration NODE_START = Duration.ofSeconds(90);
    /** The least load after PostgreSQL is back. */
    private static final Duration RECOVERY = Duration.ofSeconds(8);

    private final List<NodeProcess> nodes = new ArrayList<>();
    private String url;
    private String user;
    private String password;
    private String restartCommand;
    private String stopCommand;
    private String schema;
    private volatile boolean databaseStopped;
    private boolean passed;
    private Thread killNodesOnExit;
    private double nodesStartSeconds;

    @Test
    void threeNodesOnOnePostgresKeepEveryAcknowledgedConsentThroughANodeKillAndADatabaseRestart() throws Exception {
        requireEnvironment();
        assertTrue(ConsentService.DEFAULT_CACHE_SPEC.contains("expireAfterWrite="
                + WithdrawalProbe.STATE_CACHE_LIFETIME.toSeconds() + "s"), "the withdrawal bound this test checks is "
                + "the state cache's lifetime: " + ConsentService.DEFAULT_CACHE_SPEC);
        assertTrue(SECONDS >= 50, "embedconsent.soak.seconds must be at least 50: the withdrawal probe takes up to "
                + "32 s before the node is killed");
        schema = "ec_soak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path logs = Path.of("target", "soak", schema);
        Files.createDirectories(logs);
        sql("CREATE SCHEMA " + schema);
        killNodesOnExit = new Thread(this::killNodes, "soak-kill-nodes");
        Runtime.getRuntime().addShutdownHook(killNodesOnExit);
        for (String name : List.of("a", "b", "c")) {
            nodes.add(new NodeProcess(name, schema, KEY, logs));
        }
        long starting = System.nanoTime();
        startAll();
        nodesStartSeconds = (System.nanoTime() - starting) / 1e9;

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long origin = System.nanoTime();
        long loadNanos = TimeUnit.SECONDS.toNanos(SECONDS);
        FaultTimeline faults = new FaultTimeline(origin);
        SoakLoad load = new SoakLoad(http, nodes, faults, VISITORS, RATE, POST_SHARE, SEED);
        NodeProcess victim = nodes.get(0);
        CompletableFuture<WithdrawalProbe.Result> probe = new CompletableFuture<>();
        Thread prober = new Thread(() -> {
            try {
                Thread.sleep(1000);
                probe.complete(new WithdrawalProbe(load).run(victim, nodes.subList(1, 3)));
            } catch (Throwable e) {
                probe.completeExceptionally(e);
            }
        }, "soak-withdrawal-probe");
        prober.setDaemon(true);
        int killedExit;
        long loadEnd;
        load.start();
        try {
            prober.start();

            sleepUntil(origin + (long) (loadNanos * 0.55));
            int kill = faults.nodeKilled(victim.name(), System.nanoTime());
            killedExit = victim.kill();
            Thread.sleep(1000);
            victim.start(NODE_START);
            faults.nodeServing(kill, System.nanoTime());

            sleepUntil(origin + (long) (loadNanos * 0.75));
            databaseStopped = true;
            int outage = faults.databaseStopping(System.nanoTime());
            shell(stopCommand);
            Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS));
            shell(restartCommand);
            long back = System.nanoTime();
            faults.databaseBack(outage, back);
            databaseStopped = false;

            // on a slow machine the faults come late; the load still goes on for a while after the last
            sleepUntil(Math.max(origin + loadNanos, back + RECOVERY.toNanos()));
        } finally {
            load.stop();
            loadEnd = System.nanoTime();
        }
        String withdrawal;
        Throwable probeFailure = null;
        try {
            WithdrawalProbe.Result result = probe.get(60, TimeUnit.SECONDS);
            withdrawal = "the visitor's new cookie got the placeholder on a, b and c at once; the older cookie on a at "
                    + "once, on " + result.describe() + " (bound " + WithdrawalProbe.STATE_CACHE_LIFETIME.toSeconds()
                    + " s, the state cache)";
        } catch (ExecutionException e) {
            probeFailure = e.getCause();
            withdrawal = "FAILED: " + e.getCause().getMessage();
        }

        Verification stored = verify(load);
        double seconds = (loadEnd - origin) / 1e9;
        String summary = summary(load, faults, stored, seconds, killedExit, withdrawal);
        System.out.println(summary);
        Files.writeString(logs.resolve("summary.txt"), summary, StandardCharsets.UTF_8);

        if (probeFailure != null) {
            throw new AssertionError(probeFailure.getMessage() + " (node logs in " + logs.toAbsolutePath() + ")",
                    probeFailure);
        }
        assertEquals(0, load.errorCount(), "requests with real errors; first ones: " + load.errorExamples
                + "; node logs in " + logs.toAbsolutePath());
        assertEquals(137, killedExit, "node a ended by SIGKILL");
        assertTrue(stored.missing.isEmpty(), "acknowledged records missing from the table: " + stored.missing);
        assertTrue(stored.mismatched.isEmpty(), "acknowledged records stored with another subject, provider or "
                + "decision: " + stored.mismatched);
        assertEquals(stored.rows, stored.distinctIds, "a record id is stored more than once");
        long unacknowledgedPosts = load.postsSent.sum() - load.acknowledged.size();
        assertTrue(stored.unacknowledged <= unacknowledgedPosts, stored.unacknowledged + " records stored that were "
                + "not acknowledged, but only " + unacknowledgedPosts + " posts went unacknowledged");
        assertTrue(stored.chain.valid(), stored.chain.describe());
        assertEquals(stored.rows, stored.chain.entries(), "the chain holds every row");
        assertTrue(load.acknowledged.size() >= SECONDS, "at least one consent post a second was acknowledged");
        assertTrue(load.pageViews.sum() >= 2 * SECONDS, "at least two page views a second rendered");
        assertTrue(load.whileAwayWithoutConsent.count() > 0 && load.whileAwayWithConsent.count() > 0,
                "pages were requested while PostgreSQL was away, by visitors with and without consent");
        // A page never waits for the store longer than the look-up wait (1 s): a consenting visitor whose state a
        // node has not cached gets placeholders instead of a page held until the database is back.
        assertTrue(load.whileAwayWithConsent.percentile(100) < 4000 && load.whileAwayWithoutConsent.percentile(100)
                < 4000, "page views while PostgreSQL was away took at most 4 s: with consent max "
                + load.whileAwayWithConsent.percentile(100) + " ms, without "
                + load.whileAwayWithoutConsent.percentile(100) + " ms");
        FaultTimeline.Window outage = faults.databaseWindows().get(0);
        FaultTimeline.Window down = faults.nodeWindows().get(0);
        assertTrue(load.acknowledged.values().stream().anyMatch(a -> a.sentAt() > outage.to()),
                "consent posts sent after PostgreSQL came back were acknowledged");
        assertTrue(load.acknowledged.values().stream().anyMatch(a -> a.node().equals(victim.name())
                && a.sentAt() > down.to()), "the restarted node acknowledged consent posts sent to it");
        passed = true;
    }

    /** What the table holds against what was acknowledged. */
    private static final class Verification {
        long rows;
        long distinctIds;
        long unacknowledged;
        final List<String> missing = new ArrayList<>();
        final List<String> mismatched = new ArrayList<>();
        VerificationResult chain;
    }

    private Verification verify(SoakLoad load) throws SQLException {
        Verification v = new Verification();
        String table = schema + ".consent_records";
        Map<String, ConsentRecord> stored = new HashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT record_id) FROM " + table)) {
                rs.next();
                v.rows = rs.getLong(1);
                v.distinctIds = rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT record_id, entry FROM " + table)) {
                while (rs.next()) {
                    if (RecordFormat.parse(rs.getString(2)) instanceof ConsentRecord record) {
                        stored.put(rs.getString(1), record);
                    }
                }
            }
        }
        for (SoakLoad.Ack ack : load.acknowledged.values()) {
            ConsentRecord record = stored.get(ack.recordId());
            if (record == null) {
                v.missing.add(ack.recordId());
            } else if (!record.subject().value().equals(ack.subject()) || !record.provider().equals(ack.provider())
                    || !record.decision().jsonName().equals(ack.decision())) {
                v.mismatched.add(ack.recordId());
            }
        }
        v.unacknowledged = stored.keySet().stream().filter(id -> !load.acknowledged.containsKey(id)).count();
        try (JdbcConsentStore store = JdbcConsentStore.builder(url, user, password).withTableName(table)
                .withoutSchemaCreation().build()) {
            v.chain = store.verify();
        }
        return v;
    }

    private String summary(SoakLoad load, FaultTimeline faults, Verification stored, double seconds, int killedExit,
            String withdrawal) {
        long acknowledged = load.acknowledged.size();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "MultiNodeSoakIT: 3 nodes (Jetty 12 ee10, one JVM each) on one "
                + "PostgreSQL, %.0f s of load, %d visitor slots at %.0f requests/s (%.0f%% consent posts), seed %d%n",
                seconds, VISITORS, RATE, POST_SHARE * 100, SEED));
        s.append(String.format(Locale.ROOT, "  visitors: %,d%n", load.visitors.sum()));
        s.append(String.format(Locale.ROOT, "  acknowledged records: %,d; records found: %,d of them, each once "
                + "(table: %,d records, %,d distinct ids; %,d not acknowledged: posts cut off by the faults)%n",
                acknowledged, acknowledged - stored.missing.size(), stored.rows, stored.distinctIds,
                stored.unacknowledged));
        s.append("  chain: ").append(stored.chain.describe()).append(" (JdbcConsentStore.verify, as records --jdbc "
                + "... verify runs it)\n");
        s.append(String.format(Locale.ROOT, "  consent posts: %,d sent, %,d acknowledged = %.1f/s; latency p50 %.1f "
                + "ms, p99 %.1f ms, max %.0f ms%n", load.postsSent.sum(), acknowledged, acknowledged / seconds,
                load.postLatency.percentile(50), load.postLatency.percentile(99), load.postLatency.percentile(100)));
        s.append(String.format(Locale.ROOT, "  page views: %,d rendered right = %.1f/s; latency p50 %.1f ms, p99 %.1f "
                + "ms, max %.0f ms%n", load.pageViews.sum(), load.pageViews.sum() / seconds,
                load.pageLatency.percentile(50), load.pageLatency.percentile(99), load.pageLatency.percentile(100)));
        s.append(String.format(Locale.ROOT, "  while PostgreSQL was away: %,d page views of visitors who had allowed "
                + "nothing (p99 %.0f ms, max %.0f ms), %,d of visitors who had allowed an embed (p99 %.0f ms, max %.0f "
                + "ms), %,d consent posts%n", load.whileAwayWithoutConsent.count(),
                load.whileAwayWithoutConsent.percentile(99), load.whileAwayWithoutConsent.percentile(100),
                load.whileAwayWithConsent.count(), load.whileAwayWithConsent.percentile(99),
                load.whileAwayWithConsent.percentile(100), load.postsWhileDatabaseAway.sum()));
        long warm = faults.origin() + TimeUnit.SECONDS.toNanos(5);
        long firstFault = faults.nodeWindows().get(0).from();
        s.append(String.format(Locale.ROOT, "  latency from 5 s to the first fault (%s): page views p50 %.1f ms, p99 "
                + "%.1f ms; consent posts p50 %.1f ms, p99 %.1f ms%n", faults.at(firstFault),
                load.pageLatency.percentile(50, warm, firstFault), load.pageLatency.percentile(99, warm, firstFault),
                load.postLatency.percentile(50, warm, firstFault), load.postLatency.percentile(99, warm, firstFault)));
        s.append(String.format(Locale.ROOT, "  answers per second, by 5 s of load: %s%n", throughput(load, seconds)));
        s.append(String.format(Locale.ROOT, "  nodes: the three started in %.1f s, side by side%n", nodesStartSeconds));
        for (FaultTimeline.Window w : faults.nodeWindows()) {
            s.append("  fault: ").append(w.what()).append(" at ").append(faults.at(w.from())).append(" (exit ")
                    .append(killedExit).append("), serving again at ").append(faults.at(w.to())).append('\n');
        }
        for (FaultTimeline.Window w : faults.databaseWindows()) {
            s.append("  fault: ").append(w.what()).append(" from ").append(faults.at(w.from())).append(" to ")
                    .append(faults.at(w.to())).append(" (stop, ").append(OUTAGE_SECONDS)
                    .append(" s away, start)\n");
        }
        s.append("  withdrawal on node a: ").append(withdrawal).append('\n');
        s.append("  expected: ").append(counts(load.expected)).append('\n');
        s.append("  errors: ").append(counts(load.errors)).append('\n');
        return s.toString();
    }

    private static String throughput(SoakLoad load, double seconds) {
        List<String> windows = new ArrayList<>();
        for (long from = 0; from + 5 <= Math.round(seconds); from += 5) {
            long answered = 0;
            for (long second = from; second < from + 5; second++) {
                LongAdder count = load.answeredPerSecond.get(second);
                answered += count == null ? 0 : count.sum();
            }
            windows.add(Long.toString(Math.round(answered / 5.0)));
        }
        return String.join(" ", windows);
    }

    private static String counts(Map<String, LongAdder> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        return counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().sum())
                .collect(Collectors.joining("; "));
    }

    private void startAll() throws Exception {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (NodeProcess node : nodes) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    node.start(NODE_START);
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "soak-start-" + node.name());
            starter.start();
            started.add(done);
        }
        for (CompletableFuture<Void> done : started) {
            try {
                done.get();
            } catch (ExecutionException e) {
                throw new AssertionError("a node did not start: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        killNodes();
        if (killNodesOnExit != null) {
            Runtime.getRuntime().removeShutdownHook(killNodesOnExit);
        }
        if (databaseStopped) {
            shell(restartCommand);
            databaseStopped = false;
        }
        if (passed) {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } else if (schema != null) {
            System.out.println("MultiNodeSoakIT: kept schema " + schema + " and the node logs in target/soak/"
                    + schema);
        }
    }

    private void killNodes() {
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requireEnvironment() {
        url = System.getenv("EMBEDCONSENT_PG_URL");
        user = System.getenv("EMBEDCONSENT_PG_USER");
        password = System.getenv("EMBEDCONSENT_PG_PASSWORD");
        restartCommand = System.getenv("EMBEDCONSENT_PG_RESTART");
        stopCommand = System.getenv("EMBEDCONSENT_PG_STOP");
        List<String> missing = new ArrayList<>();
        for (String name : List.of("EMBEDCONSENT_PG_URL", "EMBEDCONSENT_PG_RESTART", "EMBEDCONSENT_PG_STOP")) {
            String value = System.getenv(name);
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail("CI is set but " + String.join(", ", missing) + " is not: start PostgreSQL with "
                    + "eval \"$(.ci/start-postgres)\" before mvn verify");
        }
        String why = "skipping MultiNodeSoakIT: " + String.join(", ", missing) + " not set (and CI is not set); run "
                + "eval \"$(.ci/start-postgres)\" to enable it";
        System.out.println(why);
        Assumptions.abort(why);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static void shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "did not finish within 2 minutes: " + command);
        assertEquals(0, p.exitValue(), "failed: " + command + "\n" + output);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }
}

package dev.embedconsent.servlet.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The visitors of the soak: {@code slots} threads, each one visitor after another (a visitor makes 5 to 40 requests,
 * then a new one with no cookies takes its place), together at a steady {@code rate} of requests per second across the
 * serving nodes, each request to a node picked at random (a load balancer without sticky sessions). A request is a
 * page view ({@code GET /news/N}) or, with {@code postShare}, a consent post (JSON, same-origin headers as a browser
 * sends them): a grant, or the withdrawal of a provider the visitor allowed.
 *
 * <p>Every answer is judged as it arrives. Real errors: a page that is not {@code 200}, arrives cut off, shows an
 * embed both live and as a placeholder or neither, or shows an embed live that the visitor never allowed (or
 * withdrew); an embed the visitor allowed behind its placeholder while PostgreSQL is up (on any node: a node whose
 * cached state is older than the visitor's cookie reads the store again); a post answered other than {@code 200}
 * with its record, or than {@code 503 store_unavailable} while PostgreSQL was away; any failed exchange with a node
 * that was not killed meanwhile. Expected: requests in flight to a node when it was SIGKILLed, {@code 503
 * store_unavailable} while PostgreSQL was away, an allowed embed behind its placeholder while PostgreSQL was away,
 * or after a post of the visitor that got no answer (it may have been recorded all the same).
 */
final class SoakLoad {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    private static final int PAGES = 20;
    private static final int EXAMPLES = 20;

    /** One acknowledged consent post: {@code 200} with this record id, for a post sent at {@code sentAt}. */
    record Ack(String recordId, String subject, String provider, String decision, String node, long sentAt) {
    }

    /** One request and its outcome: a response, or the exception that ended it. */
    record Exchange(long start, long end, @Nullable HttpResponse<String> response, @Nullable Exception failure) {
        long nanos() {
            return end - start;
        }
    }

    private final HttpClient http;
    private final List<NodeProcess> nodes;
    private final FaultTimeline faults;
    private final int slots;
    private final double rate;
    private final double postShare;
    private final long seed;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
    final LongAdder visitors = new LongAdder();
    final LongAdder pageViews = new LongAdder();
    /** Page views that overlapped PostgreSQL's absence, by visitors who had allowed nothing and by the others. */
    final Latencies whileAwayWithoutConsent = new Latencies();
    final Latencies whileAwayWithConsent = new Latencies();
    final LongAdder postsSent = new LongAdder();
    final LongAdder postsWhileDatabaseAway = new LongAdder();
    final Map<String, LongAdder> expected = new ConcurrentSkipListMap<>();
    final Map<String, LongAdder> errors = new ConcurrentSkipListMap<>();
    final ConcurrentLinkedQueue<String> errorExamples = new ConcurrentLinkedQueue<>();
    /** Answers (any outcome) per second since the load started, for the throughput over time. */
    final Map<Long, LongAdder> answeredPerSecond = new ConcurrentSkipListMap<>();
    final Latencies pageLatency = new Latencies();
    final Latencies postLatency = new Latencies();

    SoakLoad(HttpClient http, List<NodeProcess> nodes, FaultTimeline faults, int slots, double rate, double postShare,
            long seed) {
        this.http = http;
        this.nodes = List.copyOf(nodes);
        this.faults = faults;
        this.slots = slots;
        this.rate = rate;
        this.postShare = postShare;
        this.seed = seed;
    }

    void start() {
        for (int i = 0; i < slots; i++) {
            long slotSeed = seed * 1_000_003L + i;
            Thread thread = new Thread(() -> runSlot(new Random(slotSeed)), "soak-visitor-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops sending; waits for the requests under way (each ends within {@link #REQUEST_TIMEOUT}). */
    void stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(REQUEST_TIMEOUT.toMillis() + 5000);
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop");
            }
        }
    }

    private void runSlot(Random random) {
        long interval = (long) (slots / rate * 1e9);
        long next = System.nanoTime() + (long) (random.nextDouble() * interval);
        SoakVisitor visitor = new SoakVisitor();
        int left = 0;
        while (!stopping) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            // steady pacing: after a slow answer the visitor goes on from now, it does not catch up in a burst
            next = Math.max(next + (long) (interval * (0.5 + random.nextDouble())), System.nanoTime());
            if (left == 0) {
                visitor = new SoakVisitor();
                visitors.increment();
                left = 5 + random.nextInt(36);
            }
            left--;
            NodeProcess node = pick(random);
            try {
                if (random.nextDouble() < postShare) {
                    post(visitor, node, random);
                } else {
                    pageView(visitor, node, random);
                }
            } catch (RuntimeException e) {
                error("driver: " + e.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private NodeProcess pick(Random random) {
        List<NodeProcess> serving = new ArrayList<>(nodes.size());
        for (NodeProcess node : nodes) {
            if (node.serving()) {
                serving.add(node);
            }
        }
        if (serving.isEmpty()) {
            throw new IllegalStateException("no node serves");
        }
        return serving.get(random.nextInt(serving.size()));
    }

    private void pageView(SoakVisitor visitor, NodeProcess node, Random random) {
        Exchange x = exchange(visitor, page(node, "/news/" + (1 + random.nextInt(PAGES))).build());
        HttpResponse<String> response = x.response();
        if (response == null) {
            failed("page view", node, x);
            return;
        }
        pageLatency.add(x);
        boolean databaseAway = faults.databaseAwayDuring(x.start(), x.end());
        if (databaseAway) {
            boolean allowedSome = SoakPage.EMBEDS.stream().anyMatch(e -> visitor.granted(e.provider()));
            (allowedSome ? whileAwayWithConsent : whileAwayWithoutConsent).add(x);
        }
        if (response.statusCode() != 200) {
            error("page view answered " + response.statusCode(), node.name() + ": " + abbreviate(response.body()));
            return;
        }
        if (judge(visitor, new SoakPage(response.body()), x, databaseAway, node)) {
            pageViews.increment();
        }
    }

    /** Judges a page against what the visitor allowed; true when it is right. */
    private boolean judge(SoakVisitor visitor, SoakPage page, Exchange x, boolean databaseAway, NodeProcess node) {
        if (!page.complete()) {
            error("page view: page cut off", node.name());
            return false;
        }
        boolean right = true;
        for (SoakPage.Embed embed : SoakPage.EMBEDS) {
            boolean live = page.live(embed);
            if (live == page.placeholder(embed)) {
                error("page view: " + embed.provider() + (live ? " both live and a placeholder" : " neither live nor "
                        + "a placeholder"), node.name());
                right = false;
            } else if (live && !visitor.granted(embed.provider())) {
                error("page view: " + embed.provider() + " live for a visitor who did not allow it (LEAK)",
                        node.name() + ", subject " + visitor.subject());
                right = false;
            } else if (!live && visitor.granted(embed.provider())) {
                if (databaseAway) {
                    expected("page view: consented embed behind its placeholder while PostgreSQL was away");
                } else if (faults.databaseRecovering(x.start(), STORE_RECOVERY)) {
                    expected("page view: consented embed behind its placeholder while the store reconnected");
                } else if (visitor.unsure(embed.provider())) {
                    expected("page view: consented embed behind its placeholder after a post whose answer was lost");
                } else {
                    error("page view: consented embed behind its placeholder with PostgreSQL up",
                            node.name() + ", " + embed.provider() + ", subject " + visitor.subject());
                    right = false;
                }
            }
        }
        return right;
    }

    private void post(SoakVisitor visitor, NodeProcess node, Random random) {
        SoakPage.Embed embed = SoakPage.EMBEDS.get(random.nextInt(SoakPage.EMBEDS.size()));
        String decision = visitor.granted(embed.provider()) && random.nextDouble() < 0.6 ? "withdraw" : "grant";
        postsSent.increment();
        Exchange x = exchange(visitor, consentPost(node, embed.provider(), decision,
                "/news/" + (1 + random.nextInt(PAGES))));
        HttpResponse<String> response = x.response();
        if (response == null || response.statusCode() != 200) {
            visitor.postUnanswered(embed.provider());
        }
        if (response == null) {
            failed("consent post", node, x);
            return;
        }
        postLatency.add(x);
        boolean databaseAway = faults.databaseAwayDuring(x.start(), x.end());
        if (databaseAway) {
            postsWhileDatabaseAway.increment();
        }
        int status = response.statusCode();
        if (status == 200) {
            String problem = acknowledge(visitor, node, embed.provider(), decision, x);
            if (problem != null) {
                error("consent post: " + problem, node.name() + ": " + abbreviate(response.body()));
            }
        } else if (status == 503 && storeUnavailable(response)) {
            if (databaseAway) {
                expected("consent post: 503 store_unavailable while PostgreSQL was away");
            } else {
                error("consent post: 503 store_unavailable with PostgreSQL up", node.name());
            }
        } else {
            error("consent post answered " + status, node.name() + ": " + abbreviate(response.body()));
        }
    }

    /**
     * Records an acknowledged post and updates the visitor from its answer; returns what is wrong with the answer, or
     * null.
     */
    @Nullable String acknowledge(SoakVisitor visitor, NodeProcess node, String provider, String decision, Exchange x) {
        HttpResponse<String> response = x.response();
        JsonNode answer = json.readTree(response.body());
        String recordId = answer.path("recordId").asString("");
        String subject = answer.path("subject").asString("");
        String recorded = answer.path("decision").asString("");
        if (recordId.isEmpty() || subject.isEmpty()) {
            return "200 without recordId or subject";
        }
        if (!provider.equals(answer.path("provider").asString(""))
                || !recorded.equals(decision.equals("grant") ? "given" : "withdrawn")) {
            return "200 for another provider or decision";
        }
        if (visitor.subject() != null && !subject.equals(visitor.subject())) {
            return "200 for another subject";
        }
        if (response.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("ec_consent="))) {
            return "200 without a consent cookie";
        }
        Ack ack = new Ack(recordId, subject, provider, recorded, node.name(), x.start());
        if (acknowledged.putIfAbsent(recordId, ack) != null) {
            return "record id " + recordId + " acknowledged twice";
        }
        Set<String> granted = new HashSet<>();
        for (Map.Entry<String, JsonNode> entry : answer.path("state").properties()) {
            if (entry.getValue().path("granted").asBoolean(false)) {
                granted.add(entry.getKey());
            }
        }
        if (granted.contains(provider) != recorded.equals("given")) {
            return "200 whose state does not hold the decision";
        }
        visitor.absorb(response);
        visitor.acknowledged(subject, granted);
        return null;
    }

    private boolean storeUnavailable(HttpResponse<String> response) {
        try {
            return "store_unavailable".equals(json.readTree(response.body()).path("error").asString(""))
                    && response.headers().allValues("Set-Cookie").stream()
                            .noneMatch(c -> c.startsWith("ec_consent="));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void failed(String what, NodeProcess node, Exchange x) {
        if (faults.killedDuring(node.name(), x.start(), x.end())) {
            expected(what + ": in flight to a node when it was SIGKILLed");
        } else {
            error(what + ": " + x.failure().getClass().getSimpleName(), node.name() + ": " + x.failure());
        }
    }

    static HttpRequest.Builder page(NodeProcess node, String path) {
        return HttpRequest.newBuilder(node.base().resolve(path)).timeout(REQUEST_TIMEOUT).GET();
    }

    /** A consent post as the activation script sends it from a page of the site. */
    static HttpRequest consentPost(NodeProcess node, String provider, String decision, String page) {
        URI base = node.base();
        return HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Origin", base.toString())
                .header("Sec-Fetch-Site", "same-origin")
                .POST(BodyPublishers.ofString("{\"provider\":\"" + provider + "\",\"decision\":\"" + decision
                        + "\",\"scope\":\"provider\",\"page\":\"" + page + "\"}"))
                .build();
    }

    /** Sends {@code request} with the visitor's cookies; the visitor keeps the cookies of a page view's answer. */
    Exchange exchange(SoakVisitor visitor, HttpRequest request) {
        HttpRequest.Builder withCookies = HttpRequest.newBuilder(request, (name, value) -> true);
        String cookies = visitor.cookieHeader();
        if (cookies != null) {
            withCookies.header("Cookie", cookies);
        }
        long start = System.nanoTime();
        HttpResponse<String> response = null;
        Exception failure = null;
        try {
            response = http.send(withCookies.build(), BodyHandlers.ofString());
            if (request.method().equals("GET")) {
                visitor.absorb(response);
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        long end = System.nanoTime();
        answeredPerSecond.computeIfAbsent((end - faults.origin()) / 1_000_000_000L, k -> new LongAdder()).increment();
        return new Exchange(start, end, response, failure);
    }

    private void expected(String kind) {
        expected.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private void error(String kind, String detail) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (errorExamples.size() < EXAMPLES) {
            errorExamples.add(kind + " (" + detail + ")");
        }
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static String abbreviate(String body) {
        String flat = body.replaceAll("\\s+", " ");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
    }

    /** Latencies of one kind of request, in nanoseconds, with when each request started. Thread-safe. */
    /** How long after PostgreSQL is back a node may still render placeholders for a consenting visitor. */
    static final Duration STORE_RECOVERY = Duration.ofSeconds(5);

    static final class Latencies {
        private record Sample(long start, long nanos) {
        }

        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

        void add(Exchange x) {
            samples.add(new Sample(x.start(), x.nanos()));
        }

        /** The nearest-rank percentile in milliseconds, e.g. {@code percentile(99)}; 0 with no values. */
        double percentile(double p) {
            return percentile(p, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** The percentile of the requests that started from {@code from} to before {@code to}. */
        double percentile(double p, long from, long to) {
            long[] sorted = samples.stream().filter(s -> s.start() >= from && s.start() < to)
                    .mapToLong(Sample::nanos).toArray();
            if (sorted.length == 0) {
                return 0;
            }
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
        }

        int count() {
            return samples.size();
        }
    }
}

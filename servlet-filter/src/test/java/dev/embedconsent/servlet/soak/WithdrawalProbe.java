package dev.embedconsent.servlet.soak;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How fast a withdrawal made on one node takes effect on the others, measured next to the load. One visitor allows
 * YouTube on node A; nodes B and C render the video for it (which puts the visitor's state into their state caches);
 * then it withdraws on A. Checked:
 * <ul>
 *   <li>with the cookie the withdrawal answered, every node shows the placeholder at once (the cookie no longer
 *       holds the grant);</li>
 *   <li>with a copy of the cookie from before the withdrawal (as the visitor still holds it when the withdrawal or an
 *       erasure was made elsewhere, e.g. by the site through the consent API), A shows the placeholder at once (its
 *       write invalidated its cache), and B and C as soon as their state cache entry expires: within
 *       {@link SoakLoad#STATE_CACHE_LIFETIME}, the bound {@code ConsentService} documents for writes made through
 *       other instances; measured by polling every 250 ms;</li>
 *   <li>and it stays that way.</li>
 * </ul>
 */
final class WithdrawalProbe {
    /** The state cache's lifetime, {@code expireAfterWrite} of {@code ConsentService.DEFAULT_CACHE_SPEC}. */
    static final Duration STATE_CACHE_LIFETIME = Duration.ofSeconds(30);
    /** Time for the look-up that filled a cache entry, and for scheduling. */
    static final Duration SLACK = Duration.ofSeconds(2);
    private static final SoakPage.Embed YOUTUBE = SoakPage.EMBEDS.get(0);
    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * The outcome: for each other node, whether the older cookie still showed the video right after the withdrawal,
     * and after how many seconds it showed the placeholder.
     */
    record Result(Map<String, Boolean> staleAtFirst, Map<String, Double> blockedAfterSeconds) {
        String describe() {
            return blockedAfterSeconds.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "node %s after %.1f s%s", e.getKey(),
                            e.getValue(), staleAtFirst.get(e.getKey()) ? "" : " (at once)"))
                    .collect(Collectors.joining(", "));
        }
    }

    private final SoakLoad load;

    WithdrawalProbe(SoakLoad load) {
        this.load = load;
    }

    Result run(NodeProcess a, List<NodeProcess> others) throws InterruptedException {
        SoakVisitor visitor = new SoakVisitor();
        decide(visitor, a, "grant");
        SoakVisitor before = visitor.copy();
        for (NodeProcess node : others) {
            check(view(before, node).live(YOUTUBE), "the grant made on node " + a.name() + " shows the video on node "
                    + node.name());
        }
        long withdrawn = decide(visitor, a, "withdraw");
        List<NodeProcess> all = new ArrayList<>(others);
        all.add(0, a);
        for (NodeProcess node : all) {
            check(!view(visitor, node).live(YOUTUBE), "with the cookie its withdrawal answered, the visitor gets the "
                    + "placeholder on node " + node.name() + " at once");
        }
        check(!view(before, a).live(YOUTUBE), "with the older cookie, node " + a.name() + ", which recorded the "
                + "withdrawal, shows the placeholder at once");

        long bound = STATE_CACHE_LIFETIME.plus(SLACK).toNanos();
        Map<String, Boolean> staleAtFirst = new LinkedHashMap<>();
        Map<String, Double> blockedAfter = new LinkedHashMap<>();
        while (blockedAfter.size() < others.size()) {
            for (NodeProcess node : others) {
                if (blockedAfter.containsKey(node.name())) {
                    continue;
                }
                SoakLoad.Exchange x = load.exchange(before, SoakLoad.page(node, "/news/1").build());
                boolean live = page(x, node).live(YOUTUBE);
                staleAtFirst.putIfAbsent(node.name(), live);
                if (!live) {
                    blockedAfter.put(node.name(), Math.max(0, x.start() - withdrawn) / 1e9);
                } else {
                    check(x.start() - withdrawn <= bound, "the withdrawal made on node " + a.name() + " takes effect "
                            + "on node " + node.name() + " for the older cookie within "
                            + STATE_CACHE_LIFETIME.toSeconds() + " s (the state cache's lifetime) + "
                            + SLACK.toSeconds() + " s");
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        Thread.sleep(1000);
        for (NodeProcess node : others) {
            check(!view(before, node).live(YOUTUBE), "the withdrawal stays in effect on node " + node.name());
        }
        return new Result(staleAtFirst, blockedAfter);
    }

    /** Posts a decision for YouTube, which must be acknowledged; returns when the answer arrived. */
    private long decide(SoakVisitor visitor, NodeProcess node, String decision) {
        load.postsSent.increment();
        SoakLoad.Exchange x = load.exchange(visitor, SoakLoad.consentPost(node, YOUTUBE.provider(), decision,
                "/news/1"));
        HttpResponse<String> response = x.response();
        check(response != null && response.statusCode() == 200, "the probe's " + decision + " on node " + node.name()
                + " is acknowledged: " + (response == null ? x.failure() : response.statusCode() + " "
                + response.body()));
        String problem = load.acknowledge(visitor, node, YOUTUBE.provider(), decision, x);
        check(problem == null, "the probe's " + decision + " answer: " + problem);
        return x.end();
    }

    private SoakPage view(SoakVisitor visitor, NodeProcess node) {
        return page(load.exchange(visitor, SoakLoad.page(node, "/news/1").build()), node);
    }

    private static SoakPage page(SoakLoad.Exchange x, NodeProcess node) {
        HttpResponse<String> response = x.response();
        check(response != null && response.statusCode() == 200, "the probe's page view on node " + node.name()
                + " answers 200: " + (response == null ? x.failure() : response.statusCode()));
        SoakPage page = new SoakPage(response.body());
        check(page.complete(), "the probe's page from node " + node.name() + " arrived whole");
        return page;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("withdrawal probe: expected: " + what);
        }
    }
}

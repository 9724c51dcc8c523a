package dev.embedconsent.servlet.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the soak's faults happened, on the {@link System#nanoTime()} clock: which node was SIGKILLed when and when it
 * served again, and when PostgreSQL was away. The load asks it whether a failed request met a fault (an expected
 * failure) or not (a real error). Thread-safe.
 */
final class FaultTimeline {

    /** A window from {@code from} to {@code to}; {@code to} is {@link Long#MAX_VALUE} while it lasts. */
    record Window(String what, long from, long to) {
        boolean overlaps(long start, long end) {
            return start <= to && end >= from;
        }
    }

    private final long origin;
    private final List<Window> nodeKills = new ArrayList<>();
    private final List<String> killedNodes = new ArrayList<>();
    private final List<Window> databaseAway = new ArrayList<>();

    FaultTimeline(long origin) {
        this.origin = origin;
    }

    long origin() {
        return origin;
    }

    synchronized int nodeKilled(String node, long at) {
        nodeKills.add(new Window("node " + node + " SIGKILLed", at, Long.MAX_VALUE));
        killedNodes.add(node);
        return nodeKills.size() - 1;
    }

    synchronized void nodeServing(int kill, long at) {
        Window w = nodeKills.get(kill);
        nodeKills.set(kill, new Window(w.what(), w.from(), at));
    }

    synchronized int databaseStopping(long at) {
        databaseAway.add(new Window("PostgreSQL away", at, Long.MAX_VALUE));
        return databaseAway.size() - 1;
    }

    synchronized void databaseBack(int outage, long at) {
        Window w = databaseAway.get(outage);
        databaseAway.set(outage, new Window(w.what(), w.from(), at));
    }

    /**
     * Whether {@code node} was down (killed and not yet serving again) at some time while a request to it ran from
     * {@code start} to {@code end}: it was in flight at the kill, or it picked the node just before the kill.
     */
    synchronized boolean killedDuring(String node, long start, long end) {
        for (int i = 0; i < nodeKills.size(); i++) {
            if (killedNodes.get(i).equals(node) && nodeKills.get(i).overlaps(start, end)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request from {@code start} to {@code end} met PostgreSQL away. */
    synchronized boolean databaseAwayDuring(long start, long end) {
        for (Window w : databaseAway) {
            if (w.overlaps(start, end)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a request that started at {@code start} began within {@code grace} after PostgreSQL came back: a node's
     * store may still be in its retry back-off (up to 2 s) and its pool reconnecting, and a page does not wait for
     * that longer than the consent look-up wait (1 s).
     */
    synchronized boolean databaseRecovering(long start, Duration grace) {
        for (Window w : databaseAway) {
            if (w.to() != Long.MAX_VALUE && start >= w.to() && start - w.to() < grace.toNanos()) {
                return true;
            }
        }
        return false;
    }

    synchronized List<Window> databaseWindows() {
        return List.copyOf(databaseAway);
    }

    synchronized List<Window> nodeWindows() {
        return List.copyOf(nodeKills);
    }

    /** Seconds since the load started, for the summary. */
    String at(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", (nanos - origin) / 1e9);
    }
}

package dev.embedconsent.servlet.soak;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * One simulated visitor, as a browser keeps it: its cookies (set and deleted by the nodes' {@code Set-Cookie}), and
 * what the visitor was last told it allowed: the providers {@code granted} in the state of the last acknowledged
 * consent post, each with the time of the acknowledgement that granted it. Used by one thread at a time.
 */
final class SoakVisitor {
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, Long> grantedAt = new HashMap<>();
    private @Nullable String subject;

    /** The {@code Cookie} header to send, or null when the visitor holds no cookie. */
    @Nullable String cookieHeader() {
        if (cookies.isEmpty()) {
            return null;
        }
        StringJoiner header = new StringJoiner("; ");
        cookies.forEach((name, value) -> header.add(name + "=" + value));
        return header.toString();
    }

    /** Keeps the cookies a response sets; {@code Max-Age=0} deletes one. */
    void absorb(HttpResponse<?> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).trim();
            if (header.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, pair.substring(eq + 1).trim());
            }
        }
    }

    /** Takes the state an acknowledged post answered: {@code granted} now, acknowledged at {@code ackedAt}. */
    void acknowledged(String subject, Set<String> granted, long ackedAt) {
        this.subject = subject;
        grantedAt.keySet().retainAll(granted);
        for (String provider : granted) {
            grantedAt.putIfAbsent(provider, ackedAt);
        }
    }

    @Nullable String subject() {
        return subject;
    }

    boolean granted(String provider) {
        return grantedAt.containsKey(provider);
    }

    /** When the acknowledgement that granted {@code provider} arrived ({@link System#nanoTime()}). */
    long grantedAt(String provider) {
        Long at = grantedAt.get(provider);
        if (at == null) {
            throw new IllegalStateException(provider + " is not granted");
        }
        return at;
    }

    /** A copy of this visitor's cookie jar as another browser would hold it (same subject, same cookies). */
    SoakVisitor copy() {
        SoakVisitor copy = new SoakVisitor();
        copy.cookies.putAll(cookies);
        copy.grantedAt.putAll(grantedAt);
        copy.subject = subject;
        return copy;
    }
}

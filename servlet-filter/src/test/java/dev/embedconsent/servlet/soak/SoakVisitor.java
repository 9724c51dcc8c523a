package dev.embedconsent.servlet.soak;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * One simulated visitor, as a browser keeps it: its cookies (set and deleted by the nodes' {@code Set-Cookie}), and
 * what the visitor was last told it allowed: the providers {@code granted} in the state of the last acknowledged
 * consent post. A post that got no answer (cut off by a fault) may still have been recorded, so its provider is
 * {@linkplain #unsure(String) unsure} until the next acknowledged post answers the whole state again. Used by one
 * thread at a time.
 */
final class SoakVisitor {
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Set<String> granted = new HashSet<>();
    private final Set<String> unsure = new HashSet<>();
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

    /** Takes the state an acknowledged post answered: the providers {@code granted} now. */
    void acknowledged(String subject, Set<String> granted) {
        this.subject = subject;
        this.granted.clear();
        this.granted.addAll(granted);
        unsure.clear();
    }

    /** A post for {@code provider} got no acknowledgement, but may have been recorded. */
    void postUnanswered(String provider) {
        unsure.add(provider);
    }

    boolean unsure(String provider) {
        return unsure.contains(provider);
    }

    @Nullable String subject() {
        return subject;
    }

    boolean granted(String provider) {
        return granted.contains(provider);
    }

    /** A copy of this visitor's cookie jar as another browser would hold it (same subject, same cookies). */
    SoakVisitor copy() {
        SoakVisitor copy = new SoakVisitor();
        copy.cookies.putAll(cookies);
        copy.granted.addAll(granted);
        copy.unsure.addAll(unsure);
        copy.subject = subject;
        return copy;
    }
}

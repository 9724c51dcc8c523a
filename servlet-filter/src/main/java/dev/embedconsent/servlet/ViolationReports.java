package dev.embedconsent.servlet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the violation reports that browsers post to {@code {base}/csp-report} for the {@link FramePolicy}, and tells
 * the site owner which frame hosts slipped past the rewriter: one {@code WARNING} per host (at most
 * {@value #MAX_HOSTS} remembered, so a flood of made-up hosts cannot grow memory), and at most
 * {@value #MAX_WARNINGS_PER_MINUTE} such warnings a minute, so a flood cannot fill the log either; the hosts left
 * out are counted in one line when the next minute starts. Two formats:
 * <pre>{@code
 * application/csp-report     {"csp-report":{"document-uri":"https://site/news?id=1",
 *                              "blocked-uri":"https://videos.example.org/w/1","effective-directive":"frame-src",
 *                              "disposition":"enforce"}}
 * application/reports+json   [{"type":"csp-violation","body":{"documentURL":"https://site/news",
 *                              "blockedURL":"https://videos.example.org/w/1","effectiveDirective":"frame-src",
 *                              "disposition":"report"}}]
 * }</pre>
 * Only {@code frame-src} and {@code child-src} violations of http(s) URLs count; anything else in a well-formed body
 * is ignored. Nothing about the client is read, and a document's query string is never logged. Thread-safe.
 */
final class ViolationReports {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_HOSTS = 1000;
    static final int MAX_WARNINGS_PER_MINUTE = 20;
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int MAX_LOGGED_PATH = 200;
    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());

    private final JsonMapper json;
    private final Cache<String, Boolean> logged = Caffeine.newBuilder().maximumSize(MAX_HOSTS).build();
    private long windowStart = System.nanoTime();
    private int warningsInWindow;
    private int suppressed;

    ViolationReports(JsonMapper json) {
        this.json = json;
    }

    /** One frame violation: the blocked host, the document's path, and {@code enforce} or {@code report}. */
    record Violation(String host, String documentPath, String disposition) {}

    /**
     * Reads a report body of {@code application/csp-report} (else {@code application/reports+json}) and logs the
     * frame hosts not logged before.
     *
     * @throws IllegalArgumentException if the body is not JSON of the expected shape (an object, or an array)
     */
    void accept(boolean legacy, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
        List<Violation> found = new ArrayList<>();
        if (legacy) {
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("an application/csp-report body must be a JSON object");
            }
            JsonNode report = root.get("csp-report");
            if (report != null && report.isObject()) {
                String directive = text(report, "effective-directive");
                violation(text(report, "blocked-uri"), directive != null ? directive
                        : text(report, "violated-directive"), text(report, "document-uri"),
                        text(report, "disposition"), found);
            }
        } else {
            if (root == null || !root.isArray()) {
                throw new IllegalArgumentException("an application/reports+json body must be a JSON array");
            }
            for (int i = 0; i < root.size(); i++) {
                JsonNode report = root.get(i);
                JsonNode b = report.isObject() && "csp-violation".equals(text(report, "type"))
                        ? report.get("body") : null;
                if (b != null && b.isObject()) {
                    violation(text(b, "blockedURL"), text(b, "effectiveDirective"), text(b, "documentURL"),
                            text(b, "disposition"), found);
                }
            }
        }
        for (Violation v : found) {
            if (logged.getIfPresent(v.host()) == null && mayWarn(System.nanoTime())
                    && logged.asMap().putIfAbsent(v.host(), Boolean.TRUE) == null) {
                LOG.log(Level.WARNING, "embed-consent: the Content-Security-Policy {0} a frame from {1} on {2}. "
                        + "A frame the rewriter turned into a placeholder shows once the visitor allows it; a frame "
                        + "inserted by script needs a provider (providers-file) or its host in trusted-hosts. "
                        + "Logged once per host.",
                        "enforce".equals(v.disposition()) ? "blocked" : "reported", v.host(), v.documentPath());
            }
        }
    }

    /** Whether one more warning fits this minute; reports, once a minute is over, how many did not. */
    synchronized boolean mayWarn(long now) {
        if (now - windowStart >= MINUTE_NANOS) {
            if (suppressed > 0) {
                LOG.log(Level.WARNING, "embed-consent: {0} further frame hosts in Content-Security-Policy reports were "
                        + "not logged (at most {1} a minute)", suppressed, MAX_WARNINGS_PER_MINUTE);
            }
            windowStart = now;
            warningsInWindow = 0;
            suppressed = 0;
        }
        if (warningsInWindow < MAX_WARNINGS_PER_MINUTE) {
            warningsInWindow++;
            return true;
        }
        suppressed++;
        return false;
    }

    private static void violation(@Nullable String blocked, @Nullable String directive, @Nullable String document,
            @Nullable String disposition, List<Violation> found) {
        if (blocked == null || directive == null) {
            return;
        }
        String name = directive.strip().split("\\s+")[0];
        if (!name.equals("frame-src") && !name.equals("child-src")) {
            return;
        }
        URI uri = uri(blocked);
        String scheme = uri == null ? null : uri.getScheme();
        String host = uri == null ? null : uri.getHost();
        if (host == null || scheme == null
                || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
            return;
        }
        URI page = document == null ? null : uri(document);
        String path = page == null || page.getRawPath() == null ? "(unknown page)" : page.getRawPath();
        found.add(new Violation(host.toLowerCase(Locale.ROOT),
                path.length() > MAX_LOGGED_PATH ? path.substring(0, MAX_LOGGED_PATH) + "…" : path,
                "enforce".equals(disposition) ? "enforce" : "report"));
    }

    private static @Nullable URI uri(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}

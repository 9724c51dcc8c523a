package dev.embedconsent.servlet;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.TrustedHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The filter's own Content-Security-Policy for rewritten pages (option {@code csp}), a backstop for frames that the
 * rewriter never saw, such as those a script inserts after load. It is sent as an additional header, so the
 * application's own policy still applies in full (a browser enforces every policy it gets; a second one can only
 * narrow):
 * <pre>{@code
 * Content-Security-Policy: frame-src 'self' https://youtube.com https://*.youtube.com https://*.example.org
 *     https://videos.example.net; child-src 'self' blob: https:; report-uri /embed-consent/csp-report
 * }</pre>
 * ({@code -Report-Only} under {@code csp=report}). {@code frame-src} lists {@code 'self'}, every host of every
 * provider in the catalogue ({@code https} only; a host covered by another's {@code *.} pattern is left out), the
 * trusted hosts, and the hosts of the {@code host:<host>} ids the visitor consented to (from the signed cookie,
 * including a "load once" grant for this page). The header goes out before the page is rewritten, so it cannot name
 * the unknown hosts this page is about to turn into placeholders; see the README, "Content-Security-Policy
 * backstop". {@code child-src} is for engines that ignore {@code frame-src}: listing the hosts a second time would
 * double a header of about 6 KB (containers accept 8 KB of headers by default), so it only keeps them to
 * {@code https:}, and allows {@code blob:} because it is also the fallback for workers. IPv6 hosts cannot be written
 * in a source expression and are left out. {@code object-src} is not touched.
 *
 * <p>Reports go to {@code report-uri} only. With a {@code report-to} directive (and its {@code Reporting-Endpoints}
 * header) Chromium ignores {@code report-uri} and sends through the Reporting API instead, which batches reports;
 * in {@code CspBrowserIT} none had arrived after 100 seconds, while {@code report-uri} alone arrived at once.
 * Firefox and Safari only use {@code report-uri}. The endpoint still reads {@code application/reports+json}, for a
 * site that names it in its own {@code Reporting-Endpoints}. Thread-safe, immutable.
 */
final class FramePolicy {
    /** Path of the report endpoint under the base path. */
    static final String REPORT_PATH = "/csp-report";
    static final String CHILD_SRC = "child-src 'self' blob: https:";
    private static final Pattern HOST_PATTERN = Pattern.compile("(\\*\\.)?[a-z0-9.-]+");
    /**
     * The longest value this class writes, so that a visitor who allowed many unknown hosts cannot push the response
     * headers past the container's limit (8 KB by default in Jetty and Tomcat); hosts beyond it stay out of the policy.
     */
    static final int MAX_VALUE_LENGTH = 7 * 1024;

    private final String headerName;
    private final Set<String> wildcardBases;
    private final Set<String> sources;
    private final String tail;
    private final String fixedValue;

    private FramePolicy(CspMode mode, List<String> hosts, String reportUri) {
        this.headerName = mode == CspMode.ENFORCE ? "Content-Security-Policy" : "Content-Security-Policy-Report-Only";
        this.wildcardBases = new HashSet<>();
        for (String host : hosts) {
            if (host.startsWith("*.")) {
                wildcardBases.add(host.substring(2));
            }
        }
        this.sources = new LinkedHashSet<>();
        sources.add("'self'");
        for (String host : hosts) {
            add(sources, host);
        }
        this.tail = "; " + CHILD_SRC + "; report-uri " + reportUri;
        this.fixedValue = "frame-src " + String.join(" ", sources) + tail;
    }

    /**
     * The policy for this catalogue and these trusted hosts, reporting to {@code reportUri} (the context path, base
     * path and {@value #REPORT_PATH}); {@code mode} is {@link CspMode#REPORT} or {@link CspMode#ENFORCE}.
     */
    static FramePolicy of(CspMode mode, ProviderCatalogue catalogue, TrustedHosts trusted, String reportUri) {
        List<String> hosts = new ArrayList<>();
        for (Provider provider : catalogue.all()) {
            hosts.addAll(provider.hosts());
        }
        hosts.addAll(trusted.patterns());
        return new FramePolicy(mode, hosts, uriReference(reportUri));
    }

    /** {@code Content-Security-Policy} or {@code Content-Security-Policy-Report-Only}. */
    String headerName() {
        return headerName;
    }

    /**
     * The policy for a visitor who consented to these providers (the unknown hosts among them are added); a page gets it as an
     * additional header, next to any the application sets.
     */
    String value(Set<String> consentedProviders) {
        Set<String> extra = new TreeSet<>();
        for (String id : consentedProviders) {
            if (id.startsWith(Provider.HOST_PREFIX)) {
                add(extra, id.substring(Provider.HOST_PREFIX.length()));
            }
        }
        extra.removeAll(sources);
        if (extra.isEmpty()) {
            return fixedValue;
        }
        StringBuilder value = new StringBuilder("frame-src ").append(String.join(" ", sources));
        int budget = MAX_VALUE_LENGTH - fixedValue.length();
        for (String source : extra) {
            budget -= source.length() + 1;
            if (budget < 0) {
                break;
            }
            value.append(' ').append(source);
        }
        return value.append(tail).toString();
    }

    /** Whether the application setting this header would replace ours, so ours must be added again. */
    boolean isOwnHeader(String name) {
        return name.equalsIgnoreCase(headerName);
    }

    /** Adds {@code https://host} unless another source's {@code *.} pattern covers it or it cannot be written. */
    private void add(Set<String> out, String host) {
        if (!HOST_PATTERN.matcher(host).matches()) {
            return;
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (wildcardBases.contains(name.substring(dot + 1))) {
                return;
            }
        }
        out.add("https://" + host);
    }

    /**
     * A path as a URI reference that cannot end a directive or a policy: {@code ;}, {@code ,}, quotes, spaces,
     * controls and non-ASCII are percent-encoded.
     */
    static String uriReference(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\' || c == '\'') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}

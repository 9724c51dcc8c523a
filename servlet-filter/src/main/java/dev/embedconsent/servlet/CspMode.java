package dev.embedconsent.servlet;

import java.util.Locale;
import java.util.Objects;

/**
 * Whether rewritten pages carry the filter's own {@code Content-Security-Policy} backstop, which limits the frames a
 * page may load to {@code 'self'}, the trusted hosts, the catalogue's provider hosts and the unknown hosts the
 * visitor consented to (see {@code FramePolicy}). Option {@code csp}:
 * <pre>{@code
 * EmbedConsentFilter.builder().csp(CspMode.REPORT)      // or option("csp", "report"), init-param csp=report
 * }</pre>
 */
public enum CspMode {
    /** No header (the default). */
    OFF,
    /** {@code Content-Security-Policy-Report-Only}: nothing is blocked, violations are reported. */
    REPORT,
    /** {@code Content-Security-Policy}: frames from other hosts are blocked, and reported. */
    ENFORCE;

    /** {@code off}, {@code report} or {@code enforce}, in any case. */
    public static CspMode parse(String text) {
        Objects.requireNonNull(text, "csp");
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "report" -> REPORT;
            case "enforce" -> ENFORCE;
            default -> throw new IllegalArgumentException("csp '" + text + "' must be off, report or enforce");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.embedconsent.servlet;

import java.time.Duration;
import java.util.Objects;

/**
 * A token-bucket limit for the consent endpoints, per client: {@code burst} requests at once, refilled at
 * {@code burst} tokens per {@code period}. Written {@code 30/1m} (the default: a person clicking through a page never
 * notices, a script is held to one request every two seconds) or {@code off}.
 *
 * @param burst bucket capacity, at least 1; {@code 0} means no limit
 * @param period time to refill a full bucket
 */
public record RateLimit(int burst, Duration period) {
    public static final RateLimit DEFAULT = new RateLimit(30, Duration.ofMinutes(1));
    public static final RateLimit OFF = new RateLimit(0, Duration.ofMinutes(1));

    public RateLimit {
        Objects.requireNonNull(period, "period");
        if (burst < 0) {
            throw new IllegalArgumentException("rate limit burst must be >= 0, was " + burst);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit period must be positive, was " + period);
        }
    }

    public boolean enabled() {
        return burst > 0;
    }

    /** Parses {@code 30/1m}, {@code 100/10s}, {@code 5/PT1H} or {@code off}. */
    public static RateLimit parse(String text) {
        String value = text.strip();
        if (value.equalsIgnoreCase("off")) {
            return OFF;
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(
                    "rate-limit '" + text + "' must look like 30/1m (burst/refill period) or off");
        }
        int burst;
        try {
            burst = Integer.parseInt(value.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate-limit '" + text + "': burst is not a whole number", e);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("rate-limit '" + text + "': burst must be at least 1 (or use off)");
        }
        return new RateLimit(burst, OptionValues.parseDuration("rate-limit", value.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return enabled() ? burst + "/" + period : "off";
    }
}

package dev.embedconsent.servlet;

import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.provider.TrustedHosts;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks the text of filter options (init-params and the {@code config} spec string): durations, periods,
 * booleans, lists, cookie keys, {@code env:NAME} secrets and trusted hosts. Every error names the option and says
 * what a valid value looks like.
 *
 * <pre>{@code
 * OptionValues.parsePeriod("consent-lifetime", "90d");     // P90D
 * OptionValues.parseBoolean("block-unknown-frames", "no"); // IllegalArgumentException: ... must be true or false
 * }</pre>
 */
final class OptionValues {
    private OptionValues() {}

    /**
     * A JDBC URL fit for a log: its parameters ({@code ?password=..}, {@code ;password=..}) and user info
     * ({@code //user:secret@host}) may hold a password and are replaced by {@code …}.
     */
    static String redacted(String jdbcUrl) {
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';'}) {
            int i = jdbcUrl.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        String head = jdbcUrl.substring(0, cut);
        int authority = head.indexOf("//");
        int at = head.lastIndexOf('@');
        if (authority >= 0 && at > authority) {
            head = head.substring(0, authority + 2) + "…@" + head.substring(at + 1);
        }
        return cut < jdbcUrl.length() ? head + jdbcUrl.charAt(cut) + "…" : head;
    }

    /** {@code 180d}, {@code 12h}, {@code 30m}, {@code 10s}, {@code 500ms} or ISO-8601 ({@code P180D}, {@code PT1H}). */
    static Duration parseDuration(String option, String text) {
        return parseDuration(option, text, false);
    }

    /** As {@link #parseDuration(String, String)}; with {@code allowOff}, {@code off} or {@code 0} is zero. */
    static Duration parseDuration(String option, String text, boolean allowOff) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (allowOff && (value.equals("off") || value.equals("0"))) {
            return Duration.ZERO;
        }
        try {
            if (value.startsWith("p")) {
                return positive(option, text, Duration.parse(value.toUpperCase(Locale.ROOT)));
            }
            if (value.endsWith("ms")) {
                return positive(option, text, Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            switch (value.charAt(value.length() - 1)) {
                case 'd': return positive(option, text, Duration.ofDays(amount));
                case 'h': return positive(option, text, Duration.ofHours(amount));
                case 'm': return positive(option, text, Duration.ofMinutes(amount));
                case 's': return positive(option, text, Duration.ofSeconds(amount));
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException
                | ArithmeticException e) {
            // falls through to the error below (ArithmeticException: too long for a Duration, such as 1e17d)
        }
        throw new IllegalArgumentException(option + " '" + text
                + "' is not a duration; write e.g. 180d, 12h, 30m, 10s, 500ms or P180D" + (allowOff ? ", or off" : ""));
    }

    /**
     * A size in bytes: a number with an optional unit {@code B}, {@code KB}, {@code MB} or {@code GB} (powers of 1024;
     * {@code KiB}, {@code MiB}, {@code GiB} mean the same), e.g. {@code 32MB}, {@code 512 KB}; with
     * {@code allowOff}, {@code off} or {@code 0} is 0.
     */
    static long parseSize(String option, String text, boolean allowOff) {
        String value = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        if (allowOff && (value.equals("off") || value.equals("0"))) {
            return 0;
        }
        int unit = 0;
        while (unit < value.length() && Character.isDigit(value.charAt(unit))) {
            unit++;
        }
        long factor;
        switch (value.substring(unit)) {
            case "", "b" -> factor = 1;
            case "k", "kb", "kib" -> factor = 1024L;
            case "m", "mb", "mib" -> factor = 1024L * 1024;
            case "g", "gb", "gib" -> factor = 1024L * 1024 * 1024;
            default -> factor = -1;
        }
        if (unit > 0 && unit <= 12 && factor > 0) {
            try {
                long size = Math.multiplyExact(Long.parseLong(value.substring(0, unit)), factor);
                if (size > 0) {
                    return size;
                }
            } catch (ArithmeticException e) {
                // too large for a long (17179869185GB would wrap around to 1GB): the error below
            }
        }
        throw new IllegalArgumentException(option + " '" + text + "' is not a size; write e.g. 32MB, 512KB or 1GB"
                + (allowOff ? ", or off" : ""));
    }

    private static Duration positive(String option, String text, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(option + " '" + text + "' must be positive");
        }
        return duration;
    }

    /** Checks {@code id:secret,id:secret}; returns it unchanged. */
    static String checkKeys(String spec) {
        int count = 0;
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                try {
                    CookieKey.parse(part.strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("hmac-key: " + e.getMessage(), e);
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("hmac-key is empty; give id:base64url-secret[,id:secret...]");
        }
        return spec;
    }

    /** ISO-8601 period ({@code P6M}, {@code P180D}) or days ({@code 90d}). */
    static Period parsePeriod(String option, String text) {
        String value = text.strip();
        Period period;
        try {
            period = value.toLowerCase(Locale.ROOT).endsWith("d") && !value.toUpperCase(Locale.ROOT).startsWith("P")
                    ? Period.ofDays(Integer.parseInt(value.substring(0, value.length() - 1)))
                    : Period.parse(value.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a period; write e.g. P6M, P180D or 90d", e);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(option + " '" + text + "' must be positive");
        }
        return period;
    }

    static String resolveSecret(String option, String text) {
        if (!text.startsWith("env:")) {
            return text;
        }
        String name = text.substring(4);
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " refers to environment variable " + name + ", which is not set");
        }
        return value;
    }

    static TrustedHosts parseTrustedHosts(String value) {
        try {
            return TrustedHosts.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trusted-hosts: " + e.getMessage(), e);
        }
    }

    /** {@code on} or {@code off} (also {@code true} or {@code false}). */
    static boolean parseOnOff(String option, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException(option + " must be on or off, got '" + value + "'");
        };
    }

    static boolean parseBoolean(String option, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option + " '" + value + "' must be true or false");
        };
    }

    static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }
}

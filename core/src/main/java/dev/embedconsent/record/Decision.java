package dev.embedconsent.record;

import java.util.Locale;

/**
 * What a visitor decided about one provider. {@link #EXPIRED} is never sent by a visitor: it is how a
 * {@link #GIVEN} decision reads once its expiry has passed or the provider's notice version has changed.
 */
public enum Decision {
    GIVEN,
    WITHDRAWN,
    REFUSED,
    EXPIRED;

    /** The lowercase name used in records, JSON and cookies, e.g. {@code given}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@link #jsonName()}; also accepts the HTTP verbs {@code grant}, {@code withdraw} and {@code refuse}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Decision fromJson(String value) {
        switch (value) {
            case "given": case "grant": return GIVEN;
            case "withdrawn": case "withdraw": return WITHDRAWN;
            case "refused": case "refuse": return REFUSED;
            case "expired": return EXPIRED;
            default:
                throw new IllegalArgumentException(
                        "unknown decision '" + value + "'; expected given|withdrawn|refused|expired");
        }
    }
}

package dev.embedconsent.record;

import java.util.Locale;

/**
 * How far a decision reaches. {@link #ONCE} ("load once") covers a single activation and is recorded as proof,
 * but never becomes standing consent; {@link #PROVIDER} ("always allow") covers every embed of that provider until
 * it is withdrawn or expires.
 */
public enum Scope {
    ONCE,
    PROVIDER;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Scope fromJson(String value) {
        switch (value) {
            case "once": return ONCE;
            case "provider": return PROVIDER;
            default:
                throw new IllegalArgumentException("unknown scope '" + value + "'; expected once|provider");
        }
    }
}

package dev.embedconsent.internal;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The "each option once" rule every builder of this library follows: setting an option a second time is an error
 * that names the builder and the option, instead of a silent last-one-wins. Claim an option once its value has been
 * validated, so that a rejected value can be corrected on the same builder.
 *
 * <pre>{@code
 * private final SetOnce options = new SetOnce("JsonLinesConsentStore.Builder");
 *
 * public Builder durability(Durability durability) {
 *     Objects.requireNonNull(durability, "durability");
 *     options.claim("durability");
 *     this.durability = durability;
 *     return this;
 * }
 * }</pre>
 */
public final class SetOnce {
    private final String builder;
    private final Set<String> claimed = new HashSet<>();

    public SetOnce(String builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * Records that {@code option} is being set.
     *
     * @throws IllegalStateException if it was set before
     */
    public void claim(String option) {
        if (!claimed.add(option)) {
            throw new IllegalStateException(builder + " option \"" + option + "\" was already set; set each option once");
        }
    }

    /** Whether {@code option} has been set. */
    public boolean isSet(String option) {
        return claimed.contains(option);
    }
}

package dev.embedconsent.provider;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The attributes of one start tag as a browser sees them: names lowercased, character references in values
 * decoded, and only the first of duplicated names kept.
 */
public interface Attributes {
    /** The decoded value of the attribute with this lowercase name, or {@code null} when absent. */
    @Nullable String get(String lowercaseName);

    /** The attribute names in source order, lowercased. */
    List<String> names();

    default boolean has(String lowercaseName) {
        return get(lowercaseName) != null;
    }
}

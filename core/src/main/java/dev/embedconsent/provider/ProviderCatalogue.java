package dev.embedconsent.provider;

import dev.embedconsent.html.Attributes;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, thread-safe set of providers, built once and shared.
 *
 * <pre>{@code
 * ProviderCatalogue catalogue = ProviderCatalogue.builtIn();
 * ProviderCatalogue mine = ProviderCatalogue.builder().addBuiltIns().load(Path.of("providers.json")).build();
 * }</pre>
 */
public final class ProviderCatalogue {

    public static ProviderCatalogue builtIn() {
        throw new UnsupportedOperationException("in progress");
    }

    public Optional<Provider> get(String id) {
        throw new UnsupportedOperationException("in progress");
    }

    public List<Provider> all() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * The provider that claims this start tag, or {@code null}. Called by the rewriter for every start tag, so it
     * must be fast and allocation-free when nothing matches.
     *
     * @param element lowercase element name
     * @param attributes the tag's decoded attributes
     */
    public @Nullable EmbedMatch match(String element, Attributes attributes) {
        throw new UnsupportedOperationException("in progress");
    }
}

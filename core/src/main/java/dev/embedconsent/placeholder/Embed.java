package dev.embedconsent.placeholder;

import dev.embedconsent.provider.Provider;
import org.jspecify.annotations.Nullable;

/**
 * What the placeholder needs to know about one matched embed. All strings are decoded text, not markup; the renderer
 * escapes them.
 *
 * @param index 1-based position among the page's placeholders; makes element ids unique within the page
 * @param provider who receives the data
 * @param element lowercase element name of the original
 * @param url the URL the original would load
 * @param title the original's {@code title} (or {@code aria-label}, {@code alt}), if any
 * @param width the original's {@code width} attribute, if any
 * @param height the original's {@code height} attribute, if any
 * @param language a two-letter language code, already resolved
 * @param returnPath the page's path, posted back as {@code return}
 */
public record Embed(
        int index,
        Provider provider,
        String element,
        String url,
        @Nullable String title,
        @Nullable String width,
        @Nullable String height,
        String language,
        String returnPath) {}

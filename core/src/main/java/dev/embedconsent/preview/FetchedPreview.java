package dev.embedconsent.preview;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A preview still fetched from a provider, its bytes checked to be an image of {@code format}.
 *
 * @param format what the bytes are, judged by the bytes themselves
 * @param image the image as the provider sent it
 * @param title the provider's title of the content (from its oEmbed answer), plain text, or null
 */
public record FetchedPreview(ImageFormat format, byte[] image, @Nullable String title) {
    public FetchedPreview {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(image, "image");
    }
}

package dev.embedconsent.preview;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The raster formats a preview image may have, recognised by their leading bytes only: a provider's
 * {@code Content-Type} is not trusted, and SVG (which can carry script) or anything else is not an image here.
 *
 * <pre>{@code
 * ImageFormat format = ImageFormat.detect(body).orElseThrow();   // e.g. JPEG
 * response.setContentType(format.mediaType());                    // "image/jpeg"
 * }</pre>
 */
public enum ImageFormat {
    JPEG("image/jpeg", "jpg"),
    PNG("image/png", "png"),
    GIF("image/gif", "gif"),
    WEBP("image/webp", "webp"),
    AVIF("image/avif", "avif");

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final String mediaType;
    private final String extension;

    ImageFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The media type to serve the image with, such as {@code image/webp}. */
    public String mediaType() {
        return mediaType;
    }

    /** The usual file name extension, without the dot, such as {@code jpg}. */
    public String extension() {
        return extension;
    }

    /**
     * The format whose signature {@code bytes} starts with: JPEG {@code FF D8 FF}; the 8-byte PNG signature;
     * {@code GIF87a} or {@code GIF89a}; WebP {@code RIFF....WEBP}; AVIF, an ISO-BMFF {@code ftyp} box at offset 4
     * that names {@code avif} or {@code avis} as its major or a compatible brand. Empty for anything else, also for
     * a signature cut short.
     */
    public static Optional<ImageFormat> detect(byte[] bytes) {
        if (startsWith(bytes, 0, JPEG_MAGIC)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0, PNG_MAGIC)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0, ascii("GIF87a")) || startsWith(bytes, 0, ascii("GIF89a"))) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) {
            return Optional.of(WEBP);
        }
        return isAvif(bytes) ? Optional.of(AVIF) : Optional.empty();
    }

    /** Box: 32-bit size, "ftyp", major brand, minor version, then compatible brands up to the end of the box. */
    private static boolean isAvif(byte[] bytes) {
        if (bytes.length < 16 || !startsWith(bytes, 4, ascii("ftyp"))) {
            return false;
        }
        long size = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
                | (bytes[3] & 0xff);
        if (size < 16 || size % 4 != 0 || size > bytes.length) {
            return false;
        }
        for (int brand = 8; brand + 4 <= size; brand += brand == 8 ? 8 : 4) { // skips the minor version at 12
            if (startsWith(bytes, brand, ascii("avif")) || startsWith(bytes, brand, ascii("avis"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        return bytes.length >= offset + prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package dev.embedconsent.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFormatTest {

    /** A real 2×2 image written by the JDK's encoder for {@code format} ("png", "jpeg", "gif"). */
    static byte[] image(String format) throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An ISO-BMFF ftyp box: size, "ftyp", major brand, minor version 0, compatible brands. */
    private static byte[] ftyp(String major, String... compatible) {
        int size = 16 + 4 * compatible.length;
        return bytes("\0\0\0" + (char) size + "ftyp" + major + "\0\0\0\0" + String.join("", compatible)
                + "\0\0\0\u0008mdat");
    }

    @Test
    void detectsRealImagesWrittenByTheJdk() throws IOException {
        assertEquals(Optional.of(ImageFormat.PNG), ImageFormat.detect(image("png")));
        assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.detect(image("jpeg")));
        assertEquals(Optional.of(ImageFormat.GIF), ImageFormat.detect(image("gif")));
    }

    @Test
    void detectsGif87a() {
        assertEquals(Optional.of(ImageFormat.GIF), ImageFormat.detect(bytes("GIF87a\u0002\0\u0002\0")));
        assertEquals(Optional.empty(), ImageFormat.detect(bytes("GIF88a\u0002\0\u0002\0")));
    }

    @Test
    void detectsWebpByItsRiffHeader() {
        assertEquals(Optional.of(ImageFormat.WEBP), ImageFormat.detect(bytes("RIFF\u0024\0\0\0WEBPVP8 ")));
        assertEquals(Optional.empty(), ImageFormat.detect(bytes("RIFF\u0024\0\0\0WAVEfmt ")));
    }

    @Test
    void detectsAvifByMajorOrCompatibleBrand() {
        assertEquals(Optional.of(ImageFormat.AVIF), ImageFormat.detect(ftyp("avif", "mif1", "miaf")));
        assertEquals(Optional.of(ImageFormat.AVIF), ImageFormat.detect(ftyp("avis", "msf1")));
        assertEquals(Optional.of(ImageFormat.AVIF), ImageFormat.detect(ftyp("mif1", "miaf", "avif")));
        assertEquals(Optional.empty(), ImageFormat.detect(ftyp("isom", "iso2", "mp41")), "an MP4 video");
        assertEquals(Optional.empty(), ImageFormat.detect(ftyp("heic", "mif1", "heic")), "HEIC is not AVIF");
    }

    @Test
    void avifBrandsCountOnlyInsideTheFtypBox() {
        // the box is 16 bytes (no compatible brands); "avif" right after it belongs to the next box
        byte[] box = bytes("\0\0\0\u0010ftypmif1\0\0\0\0avif\0\0\0\0");
        assertEquals(Optional.empty(), ImageFormat.detect(box));
        // the minor version is not a brand
        assertEquals(Optional.empty(), ImageFormat.detect(bytes("\0\0\0\u0014ftypmif1avifmiaf")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "<!DOCTYPE html><html><body>not an image</body></html>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "{\"type\":\"video\",\"thumbnail_url\":\"https://i.vimeocdn.com/x.jpg\"}",
        "\u00ff\u00d8",
        "\u0089PNG\r\n\u001a",
        "GIF8",
        "RIFF\u0024\0\0\0WEB",
        "\0\0\0\u0018ftypavif"})
    void anythingElseIsNoImage(String content) {
        assertEquals(Optional.empty(), ImageFormat.detect(bytes(content)));
    }

    @Test
    void truncatedRealImagesAreRecognisedOnlyWithTheirWholeSignature() throws IOException {
        byte[] png = image("png");
        assertEquals(Optional.of(ImageFormat.PNG), ImageFormat.detect(Arrays.copyOf(png, 8)));
        assertEquals(Optional.empty(), ImageFormat.detect(Arrays.copyOf(png, 7)));
        byte[] avif = ftyp("avif", "mif1");
        assertEquals(Optional.empty(), ImageFormat.detect(Arrays.copyOf(avif, 19)), "box cut short");
    }

    @Test
    void mediaTypesAndExtensions() {
        assertEquals("image/jpeg", ImageFormat.JPEG.mediaType());
        assertEquals("jpg", ImageFormat.JPEG.extension());
        assertEquals("image/png", ImageFormat.PNG.mediaType());
        assertEquals("image/gif", ImageFormat.GIF.mediaType());
        assertEquals("image/webp", ImageFormat.WEBP.mediaType());
        assertEquals("webp", ImageFormat.WEBP.extension());
        assertEquals("image/avif", ImageFormat.AVIF.mediaType());
        assertEquals("avif", ImageFormat.AVIF.extension());
    }
}

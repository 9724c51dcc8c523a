package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** UTF-16 to WTF-8 and back loses nothing, whatever the code units and however the bytes are split. */
class Utf16TranscoderTest {
    @Test
    void roundTripsArbitraryCodeUnitsInArbitraryChunks() {
        Random random = new Random(42);
        for (int run = 0; run < 500; run++) {
            boolean bigEndian = random.nextBoolean();
            byte[] utf16 = new byte[random.nextInt(200) * 2];
            for (int i = 0; i < utf16.length; i += 2) {
                int unit = random.nextInt(4) == 0 ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x10000);
                utf16[i] = (byte) (bigEndian ? unit >> 8 : unit);
                utf16[i + 1] = (byte) (bigEndian ? unit : unit >> 8);
            }
            byte[] wtf8 = convert(Utf16Transcoder.toWtf8(bigEndian), utf16, random);
            assertArrayEquals(utf16, convert(Utf16Transcoder.fromWtf8(bigEndian), wtf8, random));
        }
    }

    @Test
    void wellFormedTextBecomesUtf8() {
        String text = "a\u00E9\u20AC😀";
        byte[] wtf8 = convert(Utf16Transcoder.toWtf8(false), text.getBytes(StandardCharsets.UTF_16LE), new Random(1));
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), wtf8);
    }

    private static byte[] convert(Utf16Transcoder transcoder, byte[] in, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[Utf16Transcoder.maxOutput(in.length)];
        int i = 0;
        while (i < in.length) {
            int n = Math.min(in.length - i, 1 + random.nextInt(7));
            out.write(buffer, 0, transcoder.convert(in, i, n, buffer));
            i += n;
        }
        out.write(buffer, 0, transcoder.finish(buffer));
        return out.toByteArray();
    }
}

package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EncodingWriterTest {
    @Test
    void encodesOnceWithTheGivenCharsetAcrossBufferBoundaries() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("ä€\uD83D\uDE00x");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodingWriter writer = new EncodingWriter(out, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i += 7) {
            writer.write(text.substring(i, Math.min(text.length(), i + 7)));
        }
        writer.end();
        assertArrayEquals(text.toString().getBytes(StandardCharsets.UTF_8), out.toByteArray());
    }

    @Test
    void unmappableCharactersBecomeTheReplacement() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodingWriter writer = new EncodingWriter(out, StandardCharsets.ISO_8859_1);
        writer.write("a€b");
        writer.end();
        assertEquals("a?b", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void drainWritesWithoutFlushingAndDiscardDrops() throws IOException {
        AtomicInteger flushes = new AtomicInteger();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        };
        EncodingWriter writer = new EncodingWriter(out, StandardCharsets.UTF_8);
        writer.write("kept");
        writer.drain();
        writer.write("dropped");
        writer.discard();
        writer.write("!");
        writer.end();
        assertEquals("kept!", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(0, flushes.get());
        writer.flush();
        assertEquals(1, flushes.get());
    }
}

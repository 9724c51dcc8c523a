package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LookaheadBuffersTest {

    @Test
    void aBufferGivenBackServesTheNextTake() {
        LookaheadBuffers buffers = new LookaheadBuffers(1024);
        byte[] first = buffers.take();
        assertEquals(1024, first.length);
        buffers.give(first);
        assertSame(first, buffers.take());
        assertNotSame(first, buffers.take(), "a buffer is handed out once");
    }

    @Test
    void aBufferOfAnotherSizeIsNotKept() {
        LookaheadBuffers buffers = new LookaheadBuffers(1024);
        byte[] other = new byte[512];
        buffers.give(other);
        assertEquals(1024, buffers.take().length);
    }

    @Test
    void atMostOneMegabyteIsHeld() {
        LookaheadBuffers buffers = new LookaheadBuffers(512 * 1024);
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(buffers.take());
        }
        taken.forEach(buffers::give);
        int kept = 0;
        for (int i = 0; i < 5; i++) {
            byte[] b = buffers.take();
            if (taken.stream().anyMatch(t -> t == b)) {
                kept++;
            }
        }
        assertEquals(2, kept);
    }

    /** A reused buffer still holds the last page's bytes; only what this page wrote may reach its container. */
    @Test
    void aShortPageAfterALongOneGetsOnlyItsOwnBytes() throws IOException {
        LookaheadBuffers buffers = new LookaheadBuffers(64);
        ByteArrayOutputStream firstOut = new ByteArrayOutputStream();
        LookaheadSink first = new LookaheadSink(buffers, (whole, length) -> firstOut);
        byte[] page = "a page that fills most of the look-ahead buffer".getBytes(StandardCharsets.US_ASCII);
        first.write(page);
        first.end();
        assertArrayEquals(page, firstOut.toByteArray());

        ByteArrayOutputStream secondOut = new ByteArrayOutputStream();
        long[] committed = {-2};
        LookaheadSink second = new LookaheadSink(buffers, (whole, length) -> {
            committed[0] = whole ? length : -1;
            return secondOut;
        });
        second.write('x');
        second.write("yz".getBytes(StandardCharsets.US_ASCII), 0, 2);
        second.end();
        assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), secondOut.toByteArray());
        assertEquals(3, committed[0]);
    }

    @Test
    void aPageLongerThanTheLookAheadStreamsAndFreesItsBuffer() throws IOException {
        LookaheadBuffers buffers = new LookaheadBuffers(16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LookaheadSink sink = new LookaheadSink(buffers, (whole, length) -> {
            assertFalse(whole);
            return out;
        });
        sink.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        byte[] held = buffers.take();
        buffers.give(held);
        sink.write("abcdefghij".getBytes(StandardCharsets.US_ASCII));
        assertTrue(sink.streamed());
        sink.write('!');
        sink.end();
        assertEquals("0123456789abcdefghij!", out.toString(StandardCharsets.US_ASCII));
    }
}

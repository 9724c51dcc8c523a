package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the encoding sniffer (Jazzer). Seeds in {@code CharsetSnifferFuzzTestInputs/}; a plain
 * test run replays them, {@code JAZZER_FUZZ=1} fuzzes. Properties, for any bytes and any transport charset: no
 * exception; a BOM is reported exactly when the page starts with one and then wins; a known transport charset wins
 * over the page; only the first {@value CharsetSniffer#PRESCAN_BYTES} bytes matter; what the page declares is never
 * an encoding the tokenizer cannot read byte-wise (UTF-16, UTF-32); "not declared" means windows-1252; and any label,
 * however odd, gives a charset or null, never an exception.
 */
@Tag("fuzz")
class CharsetSnifferFuzzTest {
    private static final List<@Nullable Charset> TRANSPORTS = Arrays.asList(null, StandardCharsets.UTF_8,
            StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16LE, Charset.forName("Shift_JIS"),
            Charset.forName("UTF-32"));

    @FuzzTest(maxDuration = "15s")
    void sniffingIsTotalAndLooksOnlyAtThePrescan(FuzzedDataProvider data) {
        Charset transport = TRANSPORTS.get(data.consumeInt(0, TRANSPORTS.size() - 1));
        String label = data.consumeString(40);
        byte[] page = data.consumeRemainingAsBytes();

        Charset labelled = CharsetSniffer.forLabel(label);
        if (labelled != null) {
            assertFalse(labelled.name().startsWith("UTF-32"), () -> "UTF-32 from label " + label);
        }

        for (int length : new int[] {page.length, Math.min(page.length, 3), Math.min(page.length, 100)}) {
            check(page, length, transport);
        }
    }

    private static void check(byte[] page, int length, @Nullable Charset transport) {
        CharsetSniffer.Result result = CharsetSniffer.sniff(page, length, transport);
        String what = "transport " + transport + ", " + length + " bytes: "
                + new String(page, 0, length, StandardCharsets.ISO_8859_1);
        assertNotNull(result.charset(), what);

        int bom = bomLength(page, length);
        assertEquals(bom, result.bomLength(), () -> "BOM length; " + what);
        if (bom > 0) {
            assertTrue(result.declared(), what);
            return;
        }
        Charset fromTransport = transport == null ? null : CharsetSniffer.forLabel(transport.name());
        if (fromTransport != null) {
            assertEquals(fromTransport, result.charset(), () -> "transport charset must win; " + what);
            assertTrue(result.declared(), what);
            return;
        }
        if (!result.declared()) {
            assertEquals(CharsetSniffer.WINDOWS_1252, result.charset(), () -> "undeclared default; " + what);
        }
        assertTrue(CharsetSniffer.isAsciiCompatible(result.charset()),
                () -> "a page declared " + result.charset() + ", which cannot be read byte-wise; " + what);
        assertFalse(result.charset().name().startsWith("UTF-32"), what);

        // Only the prescan window counts: change every byte after it and the answer stays.
        if (length > CharsetSniffer.PRESCAN_BYTES) {
            byte[] other = page.clone();
            for (int i = CharsetSniffer.PRESCAN_BYTES; i < length; i++) {
                other[i] = (byte) ~other[i];
            }
            assertEquals(result, CharsetSniffer.sniff(other, length, transport), () -> "looked past the prescan; "
                    + what);
            assertEquals(result, CharsetSniffer.sniff(page, CharsetSniffer.PRESCAN_BYTES, transport),
                    () -> "prescan window; " + what);
        }
    }

    private static int bomLength(byte[] b, int n) {
        if (n >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return 3;
        }
        if (n >= 2 && (((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF)
                || ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE))) {
            return 2;
        }
        return 0;
    }
}

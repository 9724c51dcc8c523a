package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ViolationReportsTest {
    private final ViolationReports reports = new ViolationReports(JsonMapper.builder().build());

    @Test
    void aFloodOfReportsIsLoggedAtABoundedRate() {
        long start = System.nanoTime();
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (reports.mayWarn(start + i)) {
                allowed++;
            }
        }
        assertEquals(ViolationReports.MAX_WARNINGS_PER_MINUTE, allowed);
        assertFalse(reports.mayWarn(start + 59_000_000_000L), "still the same minute");
        assertTrue(reports.mayWarn(start + 61_000_000_000L), "a new minute");
    }

    @Test
    void manyMadeUpHostsInOneBodyAreReadWithoutError() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 150; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"csp-violation\",\"body\":{\"blockedURL\":\"https://h")
                    .append(i).append(".example/\",\"effectiveDirective\":\"frame-src\",\"documentURL\":\"https://s/p\","
                            + "\"disposition\":\"enforce\"}}");
        }
        reports.accept(false, body.append(']').toString().getBytes(StandardCharsets.UTF_8));
        assertFalse(reports.mayWarn(System.nanoTime()), "the minute's warnings were used up by that one body");
        assertThrows(IllegalArgumentException.class, () -> reports.accept(true, "[]".getBytes(StandardCharsets.UTF_8)));
    }
}

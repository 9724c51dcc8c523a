package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ClientRateLimiter limiter = new ClientRateLimiter(new RateLimit(30, Duration.ofMinutes(1)), nanos::get);

    @Test
    void burstThenRefillPerClient() {
        for (int i = 0; i < 30; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1"), "request " + i + " of the burst");
        }
        assertFalse(limiter.tryAcquire("192.0.2.1"));
        assertTrue(limiter.tryAcquire("192.0.2.2"), "another client has its own bucket");
        nanos.addAndGet(Duration.ofMillis(1900).toNanos());
        assertFalse(limiter.tryAcquire("192.0.2.1"), "one token takes two seconds");
        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        assertTrue(limiter.tryAcquire("192.0.2.1"));
        assertFalse(limiter.tryAcquire("192.0.2.1"));
    }

    @Test
    void offNeverLimits() {
        ClientRateLimiter off = new ClientRateLimiter(RateLimit.OFF, nanos::get);
        for (int i = 0; i < 1000; i++) {
            assertTrue(off.tryAcquire("192.0.2.1"));
        }
    }
}

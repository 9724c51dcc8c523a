package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void anIpv6ClientCannotEscapeByRotatingThroughItsPrefix() {
        for (int i = 0; i < 30; i++) {
            assertTrue(limiter.tryAcquire("2001:db8:1:2::" + Integer.toHexString(i + 1)), "request " + i);
        }
        assertFalse(limiter.tryAcquire("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertFalse(limiter.tryAcquire("[2001:0DB8:0001:0002:0:0:0:ffff%eth0]"));
        assertTrue(limiter.tryAcquire("2001:db8:1:3::1"), "the next /64 is another client");
    }

    @Test
    void clientPartOfAnAddress() {
        assertEquals("2001:db8:1:2", ClientRateLimiter.client("2001:db8:1:2::7"));
        assertEquals("2001:db8:0:0", ClientRateLimiter.client("2001:db8::"));
        assertEquals("0:0:0:0", ClientRateLimiter.client("::1"));
        assertEquals("2001:db8:1:2", ClientRateLimiter.client("2001:db8:1:2:3:4:5:6"));
        assertEquals("192.0.2.1", ClientRateLimiter.client("192.0.2.1"));
        assertEquals("::ffff:192.0.2.1", ClientRateLimiter.client("::ffff:192.0.2.1"),
                "IPv4 clients seen through IPv6 keep their own buckets");
        assertEquals("1:2:3", ClientRateLimiter.client("1:2:3"), "not an address: as given");
        assertEquals("1::2::3", ClientRateLimiter.client("1::2::3"));
    }

    @Test
    void offNeverLimits() {
        ClientRateLimiter off = new ClientRateLimiter(RateLimit.OFF, nanos::get);
        for (int i = 0; i < 1000; i++) {
            assertTrue(off.tryAcquire("192.0.2.1"));
        }
    }
}

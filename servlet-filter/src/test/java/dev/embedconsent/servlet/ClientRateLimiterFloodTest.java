package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Cache;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A flood of consent posts from 150,000 addresses (IPv4 and distinct IPv6 /64 prefixes) through the limiter's API: a
 * container test cannot fake that many client addresses, and the filter keys by the connection's address only (it
 * never trusts {@code X-Forwarded-For}). The limiter keeps at most 100,000 buckets, its heap after GC stays within
 * that bound's cost, and a client that comes afterwards is limited as before.
 */
class ClientRateLimiterFloodTest {
    private static final int ADDRESSES = 150_000;

    @Test
    void aFloodFromManyAddressesKeepsTheLimiterBounded() throws Exception {
        long heapBefore = heapAfterGc();
        ClientRateLimiter limiter = new ClientRateLimiter(new RateLimit(30, Duration.ofMinutes(1)), System::nanoTime);
        for (int i = 0; i < ADDRESSES; i++) {
            String address = i % 2 == 0
                    ? "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff)
                    : "2001:db8:" + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff) + "::1";
            assertTrue(limiter.tryAcquire(address), "the first post of a new address");
        }
        Cache<?, ?> buckets = buckets(limiter);
        buckets.cleanUp();
        long kept = buckets.estimatedSize();
        long heapAfter = heapAfterGc();
        System.out.printf("ClientRateLimiterFlood: %,d addresses, %,d buckets kept, heap after GC grew by %,d KB%n",
                ADDRESSES, kept, (heapAfter - heapBefore) >> 10);
        assertTrue(kept <= 100_000, "buckets kept: " + kept);
        assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew by " + (heapAfter - heapBefore));
        for (int i = 0; i < 30; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.77"), "request " + i + " of the burst after the flood");
        }
        assertFalse(limiter.tryAcquire("192.0.2.77"), "still limited after the flood");
    }

    /** The limiter's bucket cache; read by reflection so that the class needs no accessor for tests. */
    private static Cache<?, ?> buckets(ClientRateLimiter limiter) throws ReflectiveOperationException {
        Field field = ClientRateLimiter.class.getDeclaredField("buckets");
        field.setAccessible(true);
        return (Cache<?, ?>) field.get(limiter);
    }

    private static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}

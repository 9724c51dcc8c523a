package dev.embedconsent.servlet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * A token bucket per client for the consent endpoints. Clients are keyed by a salted SHA-256 of their address (the
 * salt is random per start), so no IP address is ever kept, not even in memory. Buckets idle for a full refill period
 * are dropped (a full bucket is the same as no bucket); at most 100,000 are kept.
 */
final class ClientRateLimiter {
    private final RateLimit limit;
    private final LongSupplier nanoTime;
    private final byte[] salt = new byte[16];
    private final double tokensPerNano;
    private final Cache<String, Bucket> buckets;

    ClientRateLimiter(RateLimit limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.nanoTime = nanoTime;
        new SecureRandom().nextBytes(salt);
        this.tokensPerNano = limit.burst() / (double) limit.period().toNanos();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(limit.period().plus(Duration.ofSeconds(1)))
                .build();
    }

    /** Takes one token for this client; false when the bucket is empty. */
    boolean tryAcquire(String clientAddress) {
        if (!limit.enabled()) {
            return true;
        }
        Bucket bucket = buckets.get(key(clientAddress), k -> new Bucket(limit.burst(), nanoTime.getAsLong()));
        return bucket.take(nanoTime.getAsLong());
    }

    /** Seconds until one token is back, for {@code Retry-After}. */
    long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(1 / tokensPerNano / 1e9));
    }

    private String key(String clientAddress) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            byte[] digest = sha.digest(clientAddress.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(limit.burst(), tokens + (now - last) * tokensPerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}

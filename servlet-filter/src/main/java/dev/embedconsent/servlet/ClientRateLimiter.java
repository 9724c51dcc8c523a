package dev.embedconsent.servlet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A token bucket per client for the consent endpoints. Clients are keyed by a salted SHA-256 of their address (the
 * salt is random per start), so no IP address is ever kept, not even in memory. An IPv6 client is keyed by its /64
 * prefix: a host is handed a whole /64 and could take a fresh address for every request. Buckets idle for a full
 * refill period are dropped (a full bucket is the same as no bucket); at most 100,000 are kept.
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
            byte[] digest = sha.digest(client(clientAddress).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * The part of an address that names one client: the /64 prefix of an IPv6 address, e.g. {@code 2001:db8:1:2}
     * for {@code 2001:db8:1:2::7}; anything else (IPv4, IPv4 inside IPv6, a name) as it is.
     */
    static String client(String address) {
        String a = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        String[] halves = a.split("::", -1);
        if (a.indexOf(':') < 0 || a.indexOf('.') >= 0 || halves.length > 2) {
            return address;
        }
        List<String> groups = new ArrayList<>(groups(halves[0]));
        if (halves.length == 2) {
            List<String> tail = groups(halves[1]);
            for (int missing = 8 - groups.size() - tail.size(); missing > 0; missing--) {
                groups.add("0");
            }
            groups.addAll(tail);
        }
        if (groups.size() != 8 || !groups.stream().allMatch(g -> g.matches("[0-9A-Fa-f]{1,4}"))) {
            return address;
        }
        return groups.subList(0, 4).stream().map(g -> Integer.toHexString(Integer.parseInt(g, 16)))
                .collect(Collectors.joining(":"));
    }

    private static List<String> groups(String part) {
        return part.isEmpty() ? List.of() : List.of(part.split(":", -1));
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

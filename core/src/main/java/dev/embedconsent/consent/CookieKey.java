package dev.embedconsent.consent;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A named HMAC-SHA256 key for the consent cookie. The id travels in the cookie so that, after a rotation, cookies
 * signed with the old key still verify. The secret is never printed.
 *
 * <pre>{@code
 * CookieKey key = CookieKey.parse("k2026:3q2-7w...");   // id ':' base64url secret (at least 32 bytes)
 * CookieKey fresh = CookieKey.generate("k2027");
 * String config = fresh.toConfig();                     // the same "id:secret" form
 * }</pre>
 */
public final class CookieKey {

    /** Shortest accepted secret: 256 bits, the HMAC-SHA256 block-size recommendation. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final byte[] secret;

    /**
     * @throws IllegalArgumentException if the id is not 1–16 base64url characters or the secret is shorter than
     *     32 bytes
     */
    public CookieKey(String id, byte[] secret) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("cookie key id must be 1-16 characters of [A-Za-z0-9_-], got '" + id
                    + "'");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("cookie key '" + id + "' has " + secret.length
                    + " bytes; at least " + MIN_SECRET_BYTES + " are required");
        }
        this.id = id;
        this.secret = secret.clone();
    }

    public static CookieKey generate(String id) {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new CookieKey(id, secret);
    }

    /**
     * Reads {@code id:base64url-secret}.
     *
     * @throws IllegalArgumentException if malformed (the message never contains the secret)
     */
    public static CookieKey parse(String config) {
        Objects.requireNonNull(config, "config");
        int colon = config.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("cookie key must look like 'id:base64url-secret'");
        }
        byte[] secret;
        try {
            secret = Base64.getUrlDecoder().decode(config.substring(colon + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cookie key '" + config.substring(0, colon)
                    + "': secret is not base64url", e);
        }
        return new CookieKey(config.substring(0, colon).trim(), secret);
    }

    public String id() {
        return id;
    }

    byte[] secret() {
        return secret.clone();
    }

    /**
     * A key for another purpose derived from this one (HMAC-SHA256 of the purpose under the secret), so that one
     * configured secret can sign other things, such as preview URLs, without a signature for one purpose ever
     * verifying for another. The secret itself never leaves this class.
     *
     * @param purpose a fixed label such as {@code "embed-consent preview v1"}
     * @return 32 bytes; the same for the same key and purpose
     */
    public byte[] derive(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /** {@code id:base64url-secret}, the form {@link #parse} reads. Treat the result as a secret. */
    public String toConfig() {
        return id + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof CookieKey && ((CookieKey) o).id.equals(id)
                && Arrays.equals(((CookieKey) o).secret, secret);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "CookieKey[" + id + "]";
    }
}

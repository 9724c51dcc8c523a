package dev.embedconsent.preview;

import dev.embedconsent.consent.CookieKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks preview keys with keys derived from the site's cookie keys ({@link CookieKey#derive}): the first
 * key signs, every key verifies, so a key rotation keeps the preview URLs of cached pages working. A signature is the
 * first 128 bits of an HMAC-SHA256, base64url.
 */
final class PreviewSigner {
    static final String PURPOSE = "embed-consent preview v1";
    private static final int SIGNATURE_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final List<SecretKeySpec> keys;

    private PreviewSigner(List<SecretKeySpec> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("previews need at least one signing key");
        }
        this.keys = List.copyOf(keys);
    }

    static PreviewSigner of(List<CookieKey> cookieKeys) {
        return new PreviewSigner(cookieKeys.stream()
                .map(key -> new SecretKeySpec(key.derive(PURPOSE), "HmacSHA256"))
                .toList());
    }

    String sign(PreviewKey key) {
        return B64.encodeToString(mac(keys.get(0), key));
    }

    /** Whether {@code signature} is a signature of {@code key} under any of the keys; compared in constant time. */
    boolean verify(PreviewKey key, String signature) {
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        // The last of the 22 characters carries 2 bits; the decoder ignores the other 4, so only the canonical
        // spelling counts, else one signature would have 16 accepted forms.
        if (given.length != SIGNATURE_BYTES || signature.length() != 22
                || !B64.encodeToString(given).equals(signature)) {
            return false;
        }
        boolean valid = false;
        for (SecretKeySpec spec : keys) {
            valid |= MessageDigest.isEqual(mac(spec, key), given);
        }
        return valid;
    }

    private static byte[] mac(SecretKeySpec spec, PreviewKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(spec);
            return Arrays.copyOf(mac.doFinal(key.path().getBytes(StandardCharsets.US_ASCII)), SIGNATURE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}

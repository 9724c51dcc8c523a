package dev.embedconsent.record;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pseudonymous visitor id: 128 random bits, base64url without padding (22 characters). It is never derived from
 * an IP address, a user agent or anything else about the visitor, so it identifies a browser only through the
 * cookie that carries it.
 *
 * <pre>{@code
 * SubjectId id = SubjectId.random();                 // e.g. "q3Zx0Jc9m1VtE2yQmW8u1g"
 * Optional<SubjectId> back = SubjectId.parse(text);  // empty for anything that is not 22 base64url chars
 * }</pre>
 *
 * @param value the 22-character base64url text
 */
public record SubjectId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @throws IllegalArgumentException if {@code value} is not 22 base64url characters encoding 16 bytes */
    public SubjectId {
        Objects.requireNonNull(value, "subject id");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "subject id must be 22 base64url characters (128 random bits), got '" + abbreviate(value) + "'");
        }
    }

    public static SubjectId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new SubjectId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The id in {@code text}, or empty if it is malformed; never throws. */
    public static Optional<SubjectId> parse(@org.jspecify.annotations.Nullable String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new SubjectId(text));
    }

    @Override
    public String toString() {
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}

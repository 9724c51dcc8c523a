package dev.embedconsent.consent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.SubjectId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Signs and reads the consent cookie. Thread-safe; its keys and settings are fixed, and it keeps the values it verified
 * in a bounded cache.
 *
 * <p>Wire format, version 1 (only cookie-safe characters, no quoting needed):
 * <pre>{@code
 * 1.<keyId>.<payload>.<signature>
 * payload   = base64url(UTF-8 lines: subject, expires (epoch seconds), then one line per decision:
 *             "<provider> <g|w|r> <url-encoded notice version> <expiry epoch seconds>")
 * signature = base64url(HMAC-SHA256(key, "1.<keyId>.<payload>"))
 * }</pre>
 *
 * <p>{@link #decode} never throws: a missing, malformed, oversized, expired, forged or unknown-key cookie is
 * {@link Optional#empty()}, which callers treat as "no consent". Signatures are compared, in their one canonical
 * spelling (no padding, unused bits zero), in constant time
 * ({@link MessageDigest#isEqual}). Key rotation: configure the new key to sign and keep the old one for verifying
 * until every cookie signed with it has expired.
 *
 * <pre>{@code
 * ConsentCookieCodec codec = ConsentCookieCodec.builder()
 *         .withKeys("k2:NEW_SECRET_B64URL,k1:OLD_SECRET_B64URL")   // first signs, all verify
 *         .build();
 * ConsentCookieCodec embedded = ConsentCookieCodec.builder().withKeyDirectory(Path.of("data")).build();
 * String value = codec.encode(consent.cookieFor(subject));
 * Optional<ConsentCookie> back = codec.decode(request.getCookie("ec_consent"));
 * }</pre>
 */
public final class ConsentCookieCodec {

    /** A name for the cookie that callers may use. */
    public static final String DEFAULT_COOKIE_NAME = "ec_consent";
    /** Longest value encoded or accepted: leaves room for the name and attributes within a 4096-byte cookie. */
    public static final int DEFAULT_MAX_LENGTH = 3800;
    /** File in the data directory that holds generated keys, one {@code id:secret} per line, first one signs. */
    public static final String KEY_FILE_NAME = "cookie-keys";

    private static final System.Logger LOG = System.getLogger(ConsentCookieCodec.class.getName());
    private static final String VERSION = "1";
    private static final long VERIFIED_CACHE_CHARS = 4L * 1024 * 1024;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final CookieKey signingKey;
    private final List<CookieKey> keys;
    private final Map<String, SecretKeySpec> verifying;
    private final Clock clock;
    private final int maxLength;
    /**
     * Cookie values whose signature was verified, with what they say: a visitor sends the same cookie with every
     * page, and its HMAC and parsing were the largest part of what the filter did for such a page besides the
     * rewrite. Keyed by the exact value, so only a value these keys signed is ever in it; times are checked on every
     * use. Bounded in characters, so cookies minted in bulk cannot take more than that.
     */
    private final Cache<String, ConsentCookie> verified = Caffeine.newBuilder()
            .maximumWeight(VERIFIED_CACHE_CHARS)
            .weigher((String value, ConsentCookie cookie) -> value.length() + 256)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    private ConsentCookieCodec(CookieKey signingKey, List<CookieKey> others, Clock clock, int maxLength) {
        this.signingKey = signingKey;
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        keys.put(signingKey.id(), spec(signingKey));
        for (CookieKey key : others) {
            SecretKeySpec previous = keys.putIfAbsent(key.id(), spec(key));
            if (previous != null && !key.equals(signingKey) && !MessageDigest.isEqual(previous.getEncoded(),
                    key.secret())) {
                throw new IllegalArgumentException("two different cookie keys share the id '" + key.id() + "'");
            }
        }
        this.verifying = Map.copyOf(keys);
        List<CookieKey> all = new ArrayList<>();
        all.add(signingKey);
        others.stream().filter(k -> !k.id().equals(signingKey.id())).forEach(all::add);
        this.keys = List.copyOf(all);
        this.clock = clock;
        this.maxLength = maxLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The signed cookie value.
     *
     * @throws IllegalArgumentException if the result would be longer than the size cap (too many decisions)
     */
    public String encode(ConsentCookie cookie) {
        Objects.requireNonNull(cookie, "cookie");
        StringBuilder text = new StringBuilder(256);
        text.append(cookie.subject().value()).append('\n').append(cookie.expires().getEpochSecond());
        for (CookieDecision d : cookie.decisions()) {
            text.append('\n').append(d.provider()).append(' ').append(d.decision().jsonName().charAt(0)).append(' ')
                    .append(URLEncoder.encode(d.noticeVersion(), StandardCharsets.UTF_8)).append(' ')
                    .append(d.expiry().getEpochSecond());
        }
        String signed = VERSION + "." + signingKey.id() + "." + B64.encodeToString(
                text.toString().getBytes(StandardCharsets.UTF_8));
        String value = signed + "." + B64.encodeToString(mac(verifying.get(signingKey.id()), signed));
        if (value.length() > maxLength) {
            throw new IllegalArgumentException("consent cookie would be " + value.length()
                    + " characters, more than the cap of " + maxLength + "; too many decisions");
        }
        return value;
    }

    /**
     * The signed value of {@code cookie}, or of as much of it as fits the size cap, for writing a cookie that must not
     * fail. Withdrawals are left out first: a cookie proves consent only by its grants, so a missing withdrawal changes
     * nothing. Then the grants that expire soonest, with a warning: those providers show their placeholder again,
     * while the store still holds every record.
     */
    public String encodeFitting(ConsentCookie cookie) {
        Objects.requireNonNull(cookie, "cookie");
        try {
            return encode(cookie);
        } catch (IllegalArgumentException tooLong) {
            List<CookieDecision> grants = new ArrayList<>();
            for (CookieDecision d : cookie.decisions()) {
                if (d.decision() == Decision.GIVEN) {
                    grants.add(d);
                }
            }
            grants.sort(Comparator.comparing(CookieDecision::expiry).reversed());
            for (int keep = grants.size(); keep >= 0; keep--) {
                ConsentCookie smaller = new ConsentCookie(cookie.subject(), grants.subList(0, keep), cookie.expires());
                String value = encodeOrNull(smaller);
                if (value != null) {
                    if (keep < grants.size()) {
                        LOG.log(Level.WARNING, "consent cookie for {0} holds {1} of {2} grants: more do not fit in "
                                + "{3} characters; the store keeps them all", cookie.subject().value(), keep,
                                grants.size(), maxLength);
                    }
                    return value;
                }
            }
            throw new IllegalStateException("a consent cookie without decisions is longer than " + maxLength, tooLong);
        }
    }

    private @Nullable String encodeOrNull(ConsentCookie cookie) {
        try {
            return encode(cookie);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The verified cookie, with decisions that have expired left out; empty for anything invalid. Never throws.
     */
    public Optional<ConsentCookie> decode(@Nullable String value) {
        try {
            return Optional.ofNullable(decodeOrNull(value));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "consent cookie rejected: {0}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The keys, the signing key first and then those that only verify; other parts of the site sign with keys
     * {@link CookieKey#derive derived} from them (preview URLs), so one rotation covers all.
     */
    public List<CookieKey> keys() {
        return keys;
    }

    /** Id of the key that signs new cookies. */
    public String signingKeyId() {
        return signingKey.id();
    }

    private @Nullable ConsentCookie decodeOrNull(@Nullable String value) {
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            return null;
        }
        ConsentCookie whole = verified.getIfPresent(value);
        if (whole == null) {
            whole = verifiedOrNull(value);
            if (whole == null) {
                return null;
            }
            verified.put(value, whole);
        }
        return current(whole, clock.instant());
    }

    /** The cookie as it is now: null once it expired, and without the decisions that expired. */
    private static @Nullable ConsentCookie current(ConsentCookie whole, Instant now) {
        if (!whole.expires().isAfter(now)) {
            return null;
        }
        List<CookieDecision> decisions = whole.decisions();
        for (CookieDecision decision : decisions) {
            if (!decision.expiry().isAfter(now)) {
                List<CookieDecision> standing = new ArrayList<>(decisions.size());
                for (CookieDecision d : decisions) {
                    if (d.expiry().isAfter(now)) {
                        standing.add(d);
                    }
                }
                return new ConsentCookie(whole.subject(), standing, whole.expires());
            }
        }
        return whole;
    }

    /** The signed cookie with every decision it carries, expired or not; null when it is not one these keys signed. */
    private @Nullable ConsentCookie verifiedOrNull(String value) {
        int lastDot = value.lastIndexOf('.');
        String[] head = value.substring(0, Math.max(lastDot, 0)).split("\\.", -1);
        if (lastDot <= 0 || head.length != 3 || !VERSION.equals(head[0])) {
            return null;
        }
        SecretKeySpec key = verifying.get(head[1]);
        if (key == null) {
            return null;
        }
        // The signature is compared as the canonical text: the decoder also takes '=' padding and ignores the unused
        // low bits of the last character, so comparing decoded bytes would accept several spellings of one cookie.
        byte[] expected = B64.encodeToString(mac(key, value.substring(0, lastDot)))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] actual = value.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            return null;
        }
        String[] lines = new String(B64D.decode(head[2]), StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 2) {
            return null;
        }
        Optional<SubjectId> subject = SubjectId.parse(lines[0]);
        Instant expires = Instant.ofEpochSecond(Long.parseLong(lines[1]));
        if (subject.isEmpty()) {
            return null;
        }
        List<CookieDecision> decisions = new ArrayList<>();
        Set<String> providers = new HashSet<>();
        for (int i = 2; i < lines.length; i++) {
            String[] parts = lines[i].split(" ", -1);
            if (parts.length != 4 || !providers.add(parts[0])) {
                return null;
            }
            Decision decision = decisionOf(parts[1]);
            Instant expiry = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (decision == null) {
                return null;
            }
            decisions.add(new CookieDecision(parts[0], decision, URLDecoder.decode(parts[2], StandardCharsets.UTF_8),
                    expiry));
        }
        return new ConsentCookie(subject.get(), decisions, expires);
    }

    private static @Nullable Decision decisionOf(String code) {
        switch (code) {
            case "g": return Decision.GIVEN;
            case "w": return Decision.WITHDRAWN;
            case "r": return Decision.REFUSED;
            default: return null;
        }
    }

    private static SecretKeySpec spec(CookieKey key) {
        return new SecretKeySpec(key.secret(), "HmacSHA256");
    }

    /** One HMAC engine per thread: looking one up costs more than the MAC of a cookie. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    });

    private static byte[] mac(SecretKeySpec key, String text) {
        try {
            Mac mac = MACS.get();
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HmacSHA256 key was refused", e);
        }
    }

    /**
     * Reads the keys in {@code directory}/{@value #KEY_FILE_NAME}, generating and saving one (owner-only
     * permissions where the file system supports them) if the file does not exist. Logs a warning when it
     * generates one, because several nodes serving one site must share the same key.
     *
     * @return the keys, the signing key first
     * @throws IllegalArgumentException if the file exists but is malformed
     * @throws java.io.UncheckedIOException if it cannot be read or written
     */
    public static List<CookieKey> loadOrGenerateKeys(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path file = directory.resolve(KEY_FILE_NAME);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(directory);
                CookieKey key = CookieKey.generate("k" + Long.toString(Instant.now().getEpochSecond(), 36));
                Path tmp = Files.createTempFile(directory, KEY_FILE_NAME, ".tmp");
                try {
                    restrictToOwner(tmp);
                    Files.writeString(tmp, key.toConfig() + "\n", StandardCharsets.US_ASCII);
                    Files.move(tmp, file);
                    LOG.log(Level.WARNING, "No consent cookie key configured; generated one in {0}. If several "
                            + "nodes serve this site they must all use the same key: copy this file to each node or "
                            + "configure the keys explicitly.", file);
                } catch (FileAlreadyExistsException raced) {
                    LOG.log(Level.DEBUG, "another process created {0} first; using its key", file);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            List<CookieKey> keys = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    keys.add(CookieKey.parse(line.trim()));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no cookie key; delete it to generate a new one");
            }
            return keys;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read or create the cookie key file " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            LOG.log(Level.DEBUG, "file system of {0} has no POSIX permissions", file);
        }
    }

    /**
     * Configures a {@link ConsentCookieCodec}; keys are required, given one way only. Each option may be set once.
     */
    public static final class Builder {
        private @Nullable List<CookieKey> keys;
        private @Nullable Clock clock;
        private int maxLength = -1;
        private final SetOnce options = new SetOnce("ConsentCookieCodec.Builder");

        private Builder() {
        }

        /** The signing key, then keys that still verify (after a rotation). */
        public Builder withKeys(CookieKey signing, CookieKey... verifyOnly) {
            Objects.requireNonNull(signing, "signing");
            options.claim("keys");
            List<CookieKey> list = new ArrayList<>();
            list.add(signing);
            for (CookieKey key : verifyOnly) {
                list.add(Objects.requireNonNull(key, "verification key"));
            }
            this.keys = list;
            return this;
        }

        /**
         * Keys as configuration text: {@code id:secret,id:secret}, the first one signs.
         *
         * @throws IllegalArgumentException if empty or malformed
         */
        public Builder withKeys(String spec) {
            Objects.requireNonNull(spec, "spec");
            List<CookieKey> list = new ArrayList<>();
            for (String part : spec.split(",")) {
                if (!part.isBlank()) {
                    list.add(CookieKey.parse(part.trim()));
                }
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("no cookie key in the key configuration");
            }
            options.claim("keys");
            this.keys = list;
            return this;
        }

        /** Keys from {@link #loadOrGenerateKeys(Path)}: the embedded default when nothing is configured. */
        public Builder withKeyDirectory(Path dataDirectory) {
            options.claim("keys");
            this.keys = loadOrGenerateKeys(dataDirectory);
            return this;
        }

        public Builder withClock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            options.claim("clock");
            this.clock = clock;
            return this;
        }

        /** Longest cookie value, at most and by default {@value #DEFAULT_MAX_LENGTH}. */
        public Builder withMaxLength(int maxLength) {
            if (maxLength < 100 || maxLength > DEFAULT_MAX_LENGTH) {
                throw new IllegalArgumentException("maxLength must be between 100 and " + DEFAULT_MAX_LENGTH);
            }
            options.claim("maxLength");
            this.maxLength = maxLength;
            return this;
        }

        /** @throws IllegalStateException if no keys were configured */
        public ConsentCookieCodec build() {
            if (keys == null) {
                throw new IllegalStateException("no cookie keys: call withKeys(..) or withKeyDirectory(dataDir)");
            }
            return new ConsentCookieCodec(keys.get(0), keys.subList(1, keys.size()),
                    clock == null ? Clock.systemUTC() : clock, maxLength == -1 ? DEFAULT_MAX_LENGTH : maxLength);
        }
    }
}

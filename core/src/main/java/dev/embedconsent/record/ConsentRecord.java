package dev.embedconsent.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Proof of one decision, as stored: the fields of the README's "Consent records" section (aligned with ISO/IEC
 * TS 27560) plus the hash-chain links. Immutable. It holds no IP address, user agent or any other raw identifier;
 * the subject is a random {@link SubjectId}.
 *
 * <p>The stored JSON (one line per record in the JSON Lines store, the {@code record} column in PostgreSQL) has
 * exactly these fields, in this order:
 * <pre>{@code
 * {"recordId":"Jr0Sd3Fq9YfXb1OaZz6k4Q","schemaVersion":1,"subject":"q3Zx0Jc9m1VtE2yQmW8u1g","provider":"youtube",
 *  "purposes":["Video playback","Advertising"],"recipient":"Google Ireland Limited","decision":"given",
 *  "scope":"provider","noticeVersion":"2024-06-01","language":"en","page":"/news/visit","method":"form",
 *  "gpc":false,"timestamp":"2026-11-27T21:14:03.120Z","expiry":"2027-05-27T21:14:03.120Z",
 *  "previousHash":"5f1c…","hash":"a90b…"}
 * }</pre>
 * See {@link RecordFormat} for how the hashes are computed.
 *
 * @param recordId random, unique id of this record
 * @param schemaVersion {@link #SCHEMA_VERSION} for records written by this version
 * @param subject the pseudonymous visitor
 * @param provider provider id, e.g. {@code youtube}
 * @param purposes the provider's purposes as shown to the visitor
 * @param recipient the legal recipient as shown to the visitor
 * @param decision what was decided
 * @param scope {@code once} or {@code provider}
 * @param noticeVersion the provider's notice version the visitor saw
 * @param language language of the notice shown, e.g. {@code en}; {@code null} if unknown
 * @param page path of the page where the decision was made; {@code null} if unknown
 * @param method how the decision arrived
 * @param gpc whether the request carried {@code Sec-GPC: 1}; recorded as evidence, never read as consent
 * @param timestamp server time of the decision
 * @param expiry when the decision stops counting
 * @param previousHash hash of the entry before this one
 * @param hash this entry's chain hash
 */
public record ConsentRecord(
        String recordId,
        int schemaVersion,
        SubjectId subject,
        String provider,
        List<String> purposes,
        String recipient,
        Decision decision,
        Scope scope,
        String noticeVersion,
        @Nullable String language,
        @Nullable String page,
        ConsentMethod method,
        boolean gpc,
        Instant timestamp,
        Instant expiry,
        String previousHash,
        String hash) implements ChainEntry {

    public static final int SCHEMA_VERSION = 1;

    private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ConsentRecord {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(provider, "provider");
        purposes = List.copyOf(Objects.requireNonNull(purposes, "purposes"));
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(noticeVersion, "noticeVersion");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** The record's content without chain links, as handed to {@code ConsentStore.append}. */
    public Draft draft() {
        return new Draft(recordId, schemaVersion, subject, provider, purposes, recipient, decision, scope,
                noticeVersion, language, page, method, gpc, timestamp, expiry);
    }

    @Override
    public String contentHash() {
        return RecordFormat.contentHash(draft());
    }

    /**
     * A record before it is linked into a chain. The store fills in {@code previousHash} and {@code hash} with
     * {@link #link(String)}.
     */
    public record Draft(
            String recordId,
            int schemaVersion,
            SubjectId subject,
            String provider,
            List<String> purposes,
            String recipient,
            Decision decision,
            Scope scope,
            String noticeVersion,
            @Nullable String language,
            @Nullable String page,
            ConsentMethod method,
            boolean gpc,
            Instant timestamp,
            Instant expiry) {

        public Draft {
            Objects.requireNonNull(recordId, "recordId");
            if (!RECORD_ID.matcher(recordId).matches()) {
                throw new IllegalArgumentException("record id must be 1-64 characters of [A-Za-z0-9_-], got '"
                        + (recordId.length() > 70 ? recordId.substring(0, 70) + "…" : recordId) + "'");
            }
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(provider, "provider");
            purposes = List.copyOf(Objects.requireNonNull(purposes, "purposes"));
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(noticeVersion, "noticeVersion");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(expiry, "expiry");
        }

        /** This draft as the entry that follows {@code previousHash}. */
        public ConsentRecord link(String previousHash) {
            String hash = RecordFormat.chainHash(recordId, previousHash, RecordFormat.contentHash(this));
            return new ConsentRecord(recordId, schemaVersion, subject, provider, purposes, recipient, decision, scope,
                    noticeVersion, language, page, method, gpc, timestamp, expiry, previousHash, hash);
        }
    }
}

package dev.embedconsent.record;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored form of chain entries and how their hashes are computed. Every store writes entries with
 * {@link #toJson(ChainEntry)} and checks them with {@link #parse(String)}; the result is one line of JSON without
 * insignificant whitespace, fields in a fixed order, timestamps as ISO-8601 UTC ({@link Instant#toString()}).
 *
 * <ul>
 *   <li>{@code contentHash = SHA-256(UTF-8 bytes of the record's JSON without previousHash and hash)}</li>
 *   <li>{@code hash = SHA-256("embed-consent/1\n" + recordId + "\n" + previousHash + "\n" + contentHash)}</li>
 * </ul>
 * Because a {@link Tombstone} keeps {@code contentHash}, an erased entry verifies like the record it replaced.
 * A stored line counts as intact only if it is byte-for-byte the canonical JSON of what it parses to, so even a
 * change that leaves the JSON meaning alone (extra whitespace, reordered fields) is detected.
 *
 * <p>Public so that a store written outside this library stores, hashes and checks entries exactly as the built-in
 * stores do, and its chain verifies with the same tools:
 * <pre>{@code
 * String line = RecordFormat.toJson(record);                  // store this text as it is
 * ChainEntry entry = RecordFormat.parse(line);                // IllegalArgumentException if damaged
 * boolean intact = RecordFormat.toJson(entry).equals(line)    // canonical, so not edited
 *         && RecordFormat.problem(entry, previousHash) == null;  // linked, hash matches content
 * }</pre>
 */
public final class RecordFormat {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern RECORD_ID = Pattern.compile("\"recordId\":\"([A-Za-z0-9_-]{1,64})\"");
    private static final Set<String> RECORD_FIELDS = Set.of("recordId", "schemaVersion", "subject", "provider",
            "purposes", "recipient", "decision", "scope", "noticeVersion", "language", "page", "method", "gpc",
            "timestamp", "expiry", "previousHash", "hash");
    private static final Set<String> TOMBSTONE_FIELDS = Set.of("recordId", "schemaVersion", "erased", "reason",
            "contentHash", "previousHash", "hash");

    private RecordFormat() {
    }

    /** A fresh random record id: 128 bits, base64url, 22 characters. */
    public static String newRecordId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The canonical one-line JSON of an entry, without a line terminator. */
    public static String toJson(ChainEntry entry) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            if (entry instanceof ConsentRecord) {
                writeContentFields(gen, ((ConsentRecord) entry).draft());
            } else {
                Tombstone tombstone = (Tombstone) entry;
                gen.writeStringProperty("recordId", tombstone.recordId());
                gen.writeNumberProperty("schemaVersion", tombstone.schemaVersion());
                gen.writeStringProperty("erased", tombstone.erasedAt().toString());
                gen.writeStringProperty("reason", tombstone.reason());
                gen.writeStringProperty("contentHash", tombstone.contentHash());
            }
            gen.writeStringProperty("previousHash", entry.previousHash());
            gen.writeStringProperty("hash", entry.hash());
            gen.writeEndObject();
        }
        return out.toString();
    }

    /** Hex SHA-256 of the canonical content JSON of {@code draft}. */
    public static String contentHash(ConsentRecord.Draft draft) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            writeContentFields(gen, draft);
            gen.writeEndObject();
        }
        return sha256(out.toString());
    }

    /** Hex SHA-256 that links an entry to the one before it. */
    public static String chainHash(String recordId, String previousHash, String contentHash) {
        return sha256("embed-consent/1\n" + recordId + "\n" + previousHash + "\n" + contentHash);
    }

    /**
     * Reads one stored line.
     *
     * @throws IllegalArgumentException saying what is wrong, if the line is not a complete entry
     */
    public static ChainEntry parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        boolean tombstone = node.has("erased");
        Set<String> expected = tombstone ? TOMBSTONE_FIELDS : RECORD_FIELDS;
        for (String name : node.propertyNames()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException("unexpected field '" + name + "'");
            }
        }
        try {
            if (tombstone) {
                return new Tombstone(text(node, "recordId"), integer(node, "schemaVersion"),
                        Instant.parse(text(node, "erased")), text(node, "reason"), hex(node, "contentHash"),
                        hex(node, "previousHash"), hex(node, "hash"));
            }
            return new ConsentRecord(text(node, "recordId"), integer(node, "schemaVersion"),
                    new SubjectId(text(node, "subject")), text(node, "provider"), strings(node, "purposes"),
                    text(node, "recipient"), Decision.fromJson(text(node, "decision")),
                    Scope.fromJson(text(node, "scope")), text(node, "noticeVersion"),
                    optionalText(node, "language"), optionalText(node, "page"),
                    ConsentMethod.fromJson(text(node, "method")), bool(node, "gpc"),
                    Instant.parse(text(node, "timestamp")), Instant.parse(text(node, "expiry")),
                    hex(node, "previousHash"), hex(node, "hash"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad timestamp: " + e.getParsedString(), e);
        }
    }

    /** The record id in a line that may be damaged, or {@code null}; used to name bad records. */
    public static @Nullable String findRecordId(String damagedLine) {
        Matcher m = RECORD_ID.matcher(damagedLine);
        return m.find() ? m.group(1) : null;
    }

    /**
     * What is wrong with {@code entry} at its place in the chain, or {@code null} if nothing: its hash must match
     * its content and it must point back to {@code expectedPrevious}.
     */
    public static @Nullable String problem(ChainEntry entry, String expectedPrevious) {
        if (!entry.previousHash().equals(expectedPrevious)) {
            return "previousHash does not match the entry before it (deleted, reordered or inserted entry)";
        }
        if (!entry.hash().equals(chainHash(entry.recordId(), entry.previousHash(), entry.contentHash()))) {
            return "hash does not match content (edited entry)";
        }
        return null;
    }

    private static void writeContentFields(JsonGenerator gen, ConsentRecord.Draft d) {
        gen.writeStringProperty("recordId", d.recordId());
        gen.writeNumberProperty("schemaVersion", d.schemaVersion());
        gen.writeStringProperty("subject", d.subject().value());
        gen.writeStringProperty("provider", d.provider());
        gen.writeArrayPropertyStart("purposes");
        for (String purpose : d.purposes()) {
            gen.writeString(purpose);
        }
        gen.writeEndArray();
        gen.writeStringProperty("recipient", d.recipient());
        gen.writeStringProperty("decision", d.decision().jsonName());
        gen.writeStringProperty("scope", d.scope().jsonName());
        gen.writeStringProperty("noticeVersion", d.noticeVersion());
        gen.writeStringProperty("language", d.language());
        gen.writeStringProperty("page", d.page());
        gen.writeStringProperty("method", d.method().jsonName());
        gen.writeBooleanProperty("gpc", d.gpc());
        gen.writeStringProperty("timestamp", d.timestamp().toString());
        gen.writeStringProperty("expiry", d.expiry().toString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return value.stringValue();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' missing");
        }
        return value.isNull() ? null : text(node, field);
    }

    private static String hex(JsonNode node, String field) {
        String value = text(node, field);
        if (!HEX64.matcher(value).matches()) {
            throw new IllegalArgumentException("field '" + field + "' is not 64 lowercase hex digits");
        }
        return value;
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isInt()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not an integer");
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a boolean");
        }
        return value.booleanValue();
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not an array");
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isString()) {
                throw new IllegalArgumentException("field '" + field + "' holds a non-string");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

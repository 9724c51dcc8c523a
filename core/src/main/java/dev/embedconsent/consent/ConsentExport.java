package dev.embedconsent.consent;

import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The GDPR Art. 15 export of a subject: everything stored about them, as pretty-printed JSON.
 *
 * <pre>{@code
 * {
 *   "subject" : "q3Zx0Jc9m1VtE2yQmW8u1g",
 *   "exportedAt" : "2026-11-27T21:30:00Z",
 *   "note" : "These are all consent records stored for this pseudonymous id. …",
 *   "state" : { "youtube" : { "decision" : "given", "noticeVersion" : "…", "timestamp" : "…", "expiry" : "…",
 *                             "recordId" : "…" } },
 *   "records" : [ { …every stored field of each record, as in ConsentRecord… } ]
 * }
 * }</pre>
 * {@code state} is present only when the export is made through {@link ConsentService}, which knows the current
 * notice versions.
 */
public final class ConsentExport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConsentExport() {
    }

    public static String toJson(SubjectId subject, List<ConsentRecord> records, @Nullable ConsentState state,
            Instant exportedAt) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(records, "records");
        ObjectNode root = JSON.createObjectNode();
        root.put("subject", subject.value());
        root.put("exportedAt", exportedAt.truncatedTo(ChronoUnit.MILLIS).toString());
        root.put("note", "These are all consent records stored for this pseudonymous id. No IP address or other "
                + "identifier is stored with them.");
        if (state != null) {
            ObjectNode stateNode = root.putObject("state");
            state.providers().forEach((id, consent) -> {
                ObjectNode entry = stateNode.putObject(id);
                entry.put("decision", consent.decision().jsonName());
                entry.put("noticeVersion", consent.noticeVersion());
                entry.put("timestamp", consent.timestamp().toString());
                entry.put("expiry", consent.expiry().toString());
                entry.put("recordId", consent.recordId());
            });
        }
        ArrayNode array = root.putArray("records");
        for (ConsentRecord record : records) {
            if (!record.subject().equals(subject)) {
                throw new IllegalArgumentException("record " + record.recordId() + " belongs to another subject");
            }
            array.add(JSON.readTree(RecordFormat.toJson(record)));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}

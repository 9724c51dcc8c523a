package dev.embedconsent.store;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Record drafts for store tests. */
public final class Drafts {

    public static final Instant T0 = Instant.parse("2026-01-10T10:00:00Z");

    private Drafts() {
    }

    public static ConsentRecord.Draft draft(SubjectId subject, String provider, Decision decision, Instant at) {
        return new ConsentRecord.Draft(RecordFormat.newRecordId(), ConsentRecord.SCHEMA_VERSION, subject, provider,
                List.of("Video playback", "Advertising"), "Google Ireland Limited", decision, Scope.PROVIDER, "v1",
                "en", "/news/visit", ConsentMethod.FORM, false, at, at.plus(Duration.ofDays(182)));
    }

    public static ConsentRecord.Draft draft(SubjectId subject) {
        return draft(subject, "youtube", Decision.GIVEN, T0);
    }
}

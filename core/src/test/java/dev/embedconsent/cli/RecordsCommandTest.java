package dev.embedconsent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.JsonLinesConsentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RecordsCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path dir;

    private final SubjectId alice = SubjectId.random();
    private final List<String> ids = new ArrayList<>();
    private String out = "";
    private String err = "";

    @BeforeEach
    void store() {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(dir)) {
            ids.add(store.append(draft(alice, "youtube", NOW.minus(Duration.ofDays(500)))).recordId());
            ids.add(store.append(draft(SubjectId.random(), "vimeo", NOW.minus(Duration.ofDays(10)))).recordId());
            ids.add(store.append(draft(alice, "vimeo", NOW.minus(Duration.ofDays(1)))).recordId());
        }
    }

    @Test
    void verifyPrintsTheCount() {
        assertEquals(0, run("--store", dir.toString(), "verify"));
        assertTrue(out.contains("chain OK: 3 entries"), out);
    }

    @Test
    void verifyNamesTheFirstBadRecordAndExitsNonZero() throws IOException {
        Path segment = dir.resolve("consent-000001.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(segment));
        lines.set(1, lines.get(1).replace("\"vimeo\"", "\"vimeO\""));
        Files.writeString(segment, String.join("\n", lines) + "\n");
        assertEquals(1, run("--store", dir.toString(), "verify"));
        assertTrue(out.contains(ids.get(1)), out);
        assertTrue(out.contains("BROKEN"), out);
    }

    @Test
    void exportPrintsEveryRecordOfTheSubject() {
        assertEquals(0, run("--store", dir.toString(), "export", "--subject", alice.value()));
        JsonNode json = JsonMapper.builder().build().readTree(out);
        assertEquals(alice.value(), json.get("subject").stringValue());
        assertEquals(2, json.get("records").size());
        assertEquals(ids.get(0), json.get("records").get(0).get("recordId").stringValue());
    }

    @Test
    void eraseLeavesAVerifiableChain() {
        assertEquals(0, run("--store", dir.toString(), "erase", "--subject", alice.value()));
        assertTrue(out.contains("erased 2 record(s)"), out);
        assertEquals(0, run("--store", dir.toString(), "export", "--subject", alice.value()));
        assertEquals(0, JsonMapper.builder().build().readTree(out).get("records").size());
        assertEquals(0, run("--store", dir.toString(), "verify"));
    }

    @Test
    void purgeTakesAnIsoPeriodOrDuration() {
        assertEquals(0, run("--store", dir.toString(), "purge", "--older-than", "P400D"));
        assertTrue(out.contains("purged 1 record(s)"), out);
        assertEquals(0, run("--store", dir.toString(), "purge", "--older-than", "PT1H"));
        assertTrue(out.contains("purged 0 record(s)"), "unexpired decisions stay: " + out);
        assertEquals(0, run("--store", dir.toString(), "stats"));
        JsonNode stats = JsonMapper.builder().build().readTree(out);
        assertEquals(2, stats.get("records").intValue());
        assertEquals(1, stats.get("tombstones").intValue());
        assertEquals(2, stats.get("subjects").intValue());
        assertEquals(2, stats.get("byProvider").get("vimeo").intValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "verify|say which store",
        "--store|--store needs a value",
        "--store DIR|missing verb",
        "--store DIR frobnicate|unknown verb 'frobnicate'",
        "--store DIR verify stats|expected one verb",
        "--store DIR export|export needs --subject",
        "--store DIR export --subject 1.2.3.4|needs a subject id",
        "--store DIR purge|purge needs --older-than",
        "--store DIR purge --older-than 400 days|--older-than needs an ISO-8601 period or duration",
        "--store DIR purge --older-than P-4D|must be positive",
        "--store DIR --store DIR verify|given twice",
        "--store DIR --jdbc jdbc:postgresql://x/y verify|given twice",
        "--jdbc postgres://x/y verify|--jdbc needs a JDBC URL",
        "--store DIR --user u verify|only go with --jdbc",
        "--store DIR --verbose verify|unknown option --verbose",
        "--store DIR stats --subject AAAAAAAAAAAAAAAAAAAAAA|does not go with stats",
    })
    void badUsageExitsTwoWithAReason(String line, String message) {
        List<String> args = new ArrayList<>();
        for (String arg : line.split(" ")) {
            args.add(arg.equals("DIR") ? dir.toString() : arg);
        }
        assertEquals(2, run(args.toArray(String[]::new)));
        assertTrue(err.contains(message), err);
        assertTrue(err.contains("usage:"), err);
    }

    @Test
    void aMissingStoreDirectoryIsAClearError() {
        Path missing = dir.resolve("nope");
        for (String verb : List.of("verify", "stats")) {
            assertEquals(2, run("--store", missing.toString(), verb));
            assertTrue(err.contains("no consent store at " + missing), err);
        }
        assertTrue(!Files.exists(missing), "a typo must not create an empty store");
    }

    @Test
    void aStoreInUseIsAClearErrorButVerifyStillWorks() {
        try (JsonLinesConsentStore running = JsonLinesConsentStore.open(dir)) {
            assertEquals(2, run("--store", dir.toString(), "stats"));
            assertTrue(err.contains("in use by another process"), err);
            assertEquals(0, run("--store", dir.toString(), "verify"));
        }
    }

    @Test
    void anUnknownJdbcUrlIsAClearError() {
        assertEquals(2, run("--jdbc", "jdbc:nosuchdriver://x/y", "stats"));
        assertTrue(err.contains("no JDBC driver for jdbc:nosuchdriver://x/y"), err);
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = RecordsCommand.run(List.of(args), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), name -> null, Clock.fixed(NOW, ZoneOffset.UTC));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private static ConsentRecord.Draft draft(SubjectId subject, String provider, Instant at) {
        return new ConsentRecord.Draft(RecordFormat.newRecordId(), 1, subject, provider, List.of("Playback"), "R",
                Decision.GIVEN, Scope.PROVIDER, "1", "en", "/", ConsentMethod.BUTTON, false, at,
                at.plus(Duration.ofDays(180)));
    }
}

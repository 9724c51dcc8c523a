package dev.embedconsent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.PostgresSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code records --jdbc} against the real server: credentials from the environment, tampering found. */
class RecordsCommandPostgresIT {

    private final String table = PostgresSupport.freshTable();
    private final List<String> ids = new ArrayList<>();
    private final SubjectId subject = SubjectId.random();
    private DataSource dataSource;
    private String out = "";
    private String err = "";

    @BeforeEach
    void records() {
        dataSource = PostgresSupport.unpooled();
        try (JdbcConsentStore store = JdbcConsentStore.builder(dataSource).withTableName(table).build()) {
            for (int i = 0; i < 5; i++) {
                Instant at = Instant.now().minus(Duration.ofDays(1));
                ids.add(store.append(new ConsentRecord.Draft(RecordFormat.newRecordId(), 1, subject, "youtube",
                        List.of("Playback"), "Google Ireland Limited", Decision.GIVEN, Scope.PROVIDER, "1", "en", "/",
                        ConsentMethod.FORM, false, at, at.plus(Duration.ofDays(180)))).recordId());
            }
        }
    }

    @Test
    void verifyStatsAndExportWithCredentialsFromTheEnvironment() {
        assertEquals(0, run("verify"), err);
        assertTrue(out.contains("chain OK: 5 entries"), out);
        assertEquals(0, run("stats"), err);
        assertTrue(out.contains("\"records\" : 5"), out);
        assertEquals(0, run("export", "--subject", subject.value()), err);
        assertTrue(out.contains(ids.get(4)), out);
        assertEquals(0, run("erase", "--subject", subject.value()), err);
        assertEquals(0, run("verify"), err);
    }

    @Test
    void deletedRowsAreNamed() throws Exception {
        sql("DELETE FROM " + table + " WHERE record_id = '" + ids.get(2) + "'");
        assertEquals(1, run("verify"));
        assertTrue(out.contains(ids.get(3)) && out.contains("missing"), out);
    }

    @Test
    void rowsCutOffTheEndAreNamedThroughTheHead() throws Exception {
        sql("DELETE FROM " + table + " WHERE record_id = '" + ids.get(4) + "'");
        assertEquals(1, run("verify"));
        assertTrue(out.contains(ids.get(4)) && out.contains("only 4 are present"), out);
    }

    @Test
    void editedRowsAreNamed() throws Exception {
        sql("UPDATE " + table + " SET entry = replace(entry, '\"given\"', '\"refused\"') WHERE record_id = '"
                + ids.get(1) + "'");
        assertEquals(1, run("verify"));
        assertTrue(out.contains(ids.get(1)) && out.contains("hash does not match"), out);
    }

    @Test
    void swappedRowsAreNamed() throws Exception {
        sql("UPDATE " + table + " SET seq = -seq WHERE seq IN (2, 3)");
        sql("UPDATE " + table + " SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0");
        assertEquals(1, run("verify"));
        assertTrue(out.contains(ids.get(2)) && out.contains("previousHash"), out);
    }

    @Test
    void missingCredentialsAreAClearError() {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = RecordsCommand.run(List.of("--jdbc", PostgresSupport.url(), "--table", table, "verify"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), name -> null, Clock.systemUTC());
        assertEquals(2, code);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("failed"), e.toString(StandardCharsets.UTF_8));
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private int run(String... verb) {
        List<String> args = new ArrayList<>(List.of("--jdbc", PostgresSupport.url(), "--table", table));
        args.addAll(List.of(verb));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("EMBEDCONSENT_JDBC_USER", System.getenv("EMBEDCONSENT_PG_USER"),
                "EMBEDCONSENT_JDBC_PASSWORD", System.getenv("EMBEDCONSENT_PG_PASSWORD"));
        int code = RecordsCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), env::get, Clock.systemUTC());
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }
}

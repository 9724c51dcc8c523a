package dev.embedconsent.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.PostgresSupport;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code embed-consent.store=jdbc}: the starter keeps consent records in the PostgreSQL database of the application's
 * own pooled {@code DataSource} (Boot's HikariCP from {@code spring.datasource.*}), in a schema of this test's own.
 * Needs {@code EMBEDCONSENT_PG_URL}, {@code _USER}, {@code _PASSWORD} (from {@code .ci/start-postgres}); skipped with a
 * message only when neither they nor {@code CI} are set.
 */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "embed-consent.store=jdbc",
            "embed-consent.keys=" + Http.KEY,
            "embed-consent.previews=off",
            "spring.datasource.hikari.maximum-pool-size=4",
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always"})
@DirtiesContext
class StarterPostgresIT {
    static final String SCHEMA = "ec_starter_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
            .toLowerCase(Locale.ROOT);
    static String url;

    @BeforeAll
    static void createSchema() throws SQLException {
        if (System.getenv("EMBEDCONSENT_PG_URL") == null && System.getenv("CI") == null) {
            System.out.println("skipping StarterPostgresIT: EMBEDCONSENT_PG_URL is not set "
                    + "(run eval \"$(.ci/start-postgres)\")");
        }
        url = PostgresSupport.url();
        try (Connection db = connect(); Statement st = db.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (url != null) {
            try (Connection db = connect(); Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, System.getenv("EMBEDCONSENT_PG_USER"),
                System.getenv("EMBEDCONSENT_PG_PASSWORD"));
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> System.getenv("EMBEDCONSENT_PG_USER"));
        registry.add("spring.datasource.password", () -> System.getenv("EMBEDCONSENT_PG_PASSWORD"));
        registry.add("embed-consent.data-dir", () -> "target/it-data/postgres-" + SCHEMA);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsentStore store;
    @Autowired
    ConsentService consent;
    @Autowired
    DataSource dataSource;

    @Test
    void decisionsGoToTheApplicationsDatabaseThroughItsPool() throws Exception {
        assertTrue(store instanceof JdbcConsentStore, "store bean " + store);
        Http http = new Http(port);
        HttpResponse<String> granted = http.postConsent(
                "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"provider\",\"page\":\"/\"}",
                "Sec-Fetch-Site", "same-origin");
        assertEquals(200, granted.statusCode(), granted.body());
        String recordId = Http.jsonString(granted.body(), "recordId");

        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "SELECT count(*) FROM " + SCHEMA + ".consent_records WHERE record_id = ?")) {
            query.setString(1, recordId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                assertEquals(1, rows.getInt(1), "the record is in PostgreSQL, in the DataSource's schema");
            }
        }
        HikariDataSource pool = (HikariDataSource) dataSource;
        assertTrue(pool.getHikariPoolMXBean().getTotalConnections() >= 1, "the application's pool served the store");

        SubjectId subject = SubjectId.parse(Http.jsonString(granted.body(), "subject")).orElseThrow();
        assertTrue(consent.state(subject).granted("youtube"));
        HttpResponse<String> page = http.get("/", "Cookie", Http.cookie(granted, "ec_consent"));
        assertTrue(Http.live(page.body()).contains("src=\"https://www.youtube.com/embed/kU1_gDqGmQk\""), page.body());
        assertTrue(store.verify().valid(), "the chain in PostgreSQL verifies");
    }

    @Test
    void healthChecksTheTable() throws Exception {
        HttpResponse<String> health = new Http(port).get("/actuator/health/embedConsent");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("UP", Http.jsonString(health.body(), "status"), health.body());
        assertEquals("jdbc", Http.jsonString(health.body(), "store"), health.body());
        assertEquals("consent_records", Http.jsonString(health.body(), "table"), health.body());

        try (Connection db = connect(); Statement st = db.createStatement()) {
            st.execute("ALTER TABLE " + SCHEMA + ".consent_records RENAME TO consent_records_gone");
        }
        try {
            HttpResponse<String> down = new Http(port).get("/actuator/health/embedConsent");
            assertEquals(503, down.statusCode(), down.body());
            assertEquals("DOWN", Http.jsonString(down.body(), "status"), down.body());
        } finally {
            try (Connection db = connect(); Statement st = db.createStatement()) {
                st.execute("ALTER TABLE " + SCHEMA + ".consent_records_gone RENAME TO consent_records");
            }
        }
    }
}

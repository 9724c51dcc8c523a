package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter configured through init-params for the PostgreSQL store ({@code jdbc-url}, {@code jdbc-user},
 * {@code jdbc-password=env:...}). Needs {@code EMBEDCONSENT_PG_URL}, {@code _USER}, {@code _PASSWORD} (printed by
 * {@code .ci/start-postgres}); skipped with a message only when neither they nor {@code CI} are set.
 */
class PostgresStoreFilterIT {
    @TempDir
    Path work;

    @Test
    void initParametersSelectThePostgresStore() throws Exception {
        String url = System.getenv("EMBEDCONSENT_PG_URL");
        if (url == null) {
            if (System.getenv("CI") != null) {
                fail("CI is set but EMBEDCONSENT_PG_URL is not: run eval \"$(.ci/start-postgres)\" before the build");
            }
            String why = "skipping PostgresStoreFilterIT: EMBEDCONSENT_PG_URL is not set (run eval \"$(.ci/start-postgres)\")";
            System.out.println(why);
            Assumptions.abort(why);
        }
        String user = System.getenv("EMBEDCONSENT_PG_USER");
        try (ServletContainer container = ServletContainer.named("jetty")) {
            URI base = container.start(new TestSite(Map.of(
                    "jdbc-url", url,
                    "jdbc-user", user,
                    "jdbc-password", "env:EMBEDCONSENT_PG_PASSWORD",
                    "hmac-key", FilterContainerContract.KEY)), FilterContainerContract.ERROR_PAGES, work);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> granted = http.send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                    .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-origin")
                    .POST(BodyPublishers.ofString("{\"provider\":\"youtube\",\"decision\":\"grant\"}")).build(),
                    BodyHandlers.ofString());
            assertEquals(200, granted.statusCode(), granted.body());
            Matcher id = Pattern.compile("\"recordId\":\"([^\"]+)\"").matcher(granted.body());
            assertTrue(id.find(), granted.body());
            String cookie = FilterContainerContract.cookie(granted, "ec_consent");

            try (Connection db = DriverManager.getConnection(url, user, System.getenv("EMBEDCONSENT_PG_PASSWORD"));
                    PreparedStatement query = db.prepareStatement(
                            "SELECT count(*) FROM consent_records WHERE record_id = ?")) {
                query.setString(1, id.group(1));
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    assertEquals(1, rows.getInt(1), "the record is in PostgreSQL");
                }
            }
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/t/writer"))
                    .header("Cookie", cookie).build(), BodyHandlers.ofString());
            assertTrue(page.body().contains(TestSite.EMBED), page.body());
            HttpResponse<String> state = http.send(HttpRequest.newBuilder(base.resolve("/embed-consent/consent"))
                    .header("Cookie", cookie).build(), BodyHandlers.ofString());
            assertTrue(state.body().contains("\"youtube\":{\"decision\":\"given\",\"granted\":true"), state.body());
        }
    }
}

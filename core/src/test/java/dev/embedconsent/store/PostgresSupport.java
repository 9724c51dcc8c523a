package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.embedconsent.record.RecordFormat;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL server the JDBC tests run against, from {@code EMBEDCONSENT_PG_URL},
 * {@code EMBEDCONSENT_PG_USER}, {@code EMBEDCONSENT_PG_PASSWORD} (see {@code .ci/start-postgres}). Without a URL the
 * tests skip with a message, except under CI ({@code CI} set), where they fail.
 */
public final class PostgresSupport {

    private static @Nullable HikariDataSource pool;

    private PostgresSupport() {
    }

    public static String url() {
        String url = System.getenv("EMBEDCONSENT_PG_URL");
        if (url == null || url.isBlank()) {
            if (System.getenv("CI") != null) {
                fail("CI is set but EMBEDCONSENT_PG_URL is not: start PostgreSQL with "
                        + "eval \"$(.ci/start-postgres)\" before mvn verify");
            }
            Assumptions.abort("PostgreSQL tests skipped: EMBEDCONSENT_PG_URL is not set (and CI is not set); "
                    + "run eval \"$(.ci/start-postgres)\" to enable them");
        }
        return url;
    }

    /** A pooled data source shared by the tests of this JVM (a connection per append would cost ~100 ms). */
    public static synchronized DataSource dataSource() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url());
            config.setUsername(System.getenv("EMBEDCONSENT_PG_USER"));
            config.setPassword(System.getenv("EMBEDCONSENT_PG_PASSWORD"));
            config.setMaximumPoolSize(10);
            config.setConnectionTimeout(3000);
            config.setInitializationFailTimeout(-1);
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    /** A data source without a pool, as the command-line tool uses. */
    public static DataSource unpooled() {
        return new DriverManagerDataSource(url(), System.getenv("EMBEDCONSENT_PG_USER"),
                System.getenv("EMBEDCONSENT_PG_PASSWORD"));
    }

    /** A table name no other test uses. */
    public static String freshTable() {
        return "ec_test_" + RecordFormat.newRecordId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
                .substring(0, 12);
    }
}

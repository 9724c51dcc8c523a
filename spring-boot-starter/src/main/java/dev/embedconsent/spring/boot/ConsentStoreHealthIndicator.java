package dev.embedconsent.spring.boot;

import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the consent store can take the next decision: the health component {@code embedConsent}. DOWN when the
 * store is closed or cannot be read, when the JSON Lines directory is not writable, or when the PostgreSQL table does
 * not answer within 5 seconds. Details name the kind of store and its directory or
 * table, never a key or a password.
 *
 * <p>It never walks the records: the check costs one look-up of a random, absent subject (JSON Lines: in memory),
 * or one empty query on the table through the application's {@code DataSource} (so a database outage answers at once
 * instead of after the store's retries).
 */
public final class ConsentStoreHealthIndicator extends AbstractHealthIndicator {
    static final int QUERY_TIMEOUT_SECONDS = 5;

    private final ConsentStore store;
    private final @Nullable DataSource dataSource;

    /**
     * @param dataSource the {@code DataSource} a {@link JdbcConsentStore} writes to, queried directly; {@code null}
     *     to ask the store itself
     */
    public ConsentStoreHealthIndicator(ConsentStore store, @Nullable DataSource dataSource) {
        super("embed-consent store check failed");
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = dataSource;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        if (store instanceof JsonLinesConsentStore jsonLines) {
            builder.withDetail("store", "json-lines").withDetail("directory", jsonLines.directory().toString());
            store.history(SubjectId.random());
            if (!Files.isDirectory(jsonLines.directory()) || !Files.isWritable(jsonLines.directory())) {
                builder.down().withDetail("error", "the directory is not writable");
                return;
            }
            builder.up();
            return;
        }
        if (store instanceof JdbcConsentStore jdbc) {
            builder.withDetail("store", "jdbc").withDetail("table", jdbc.tableName());
            if (dataSource != null) {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement query = connection.prepareStatement(
                                "SELECT 1 FROM " + jdbc.tableName() + " WHERE 1 = 0")) {
                    query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    query.executeQuery().close();
                }
                builder.up();
                return;
            }
        } else {
            builder.withDetail("store", store.getClass().getSimpleName());
        }
        store.history(SubjectId.random());
        builder.up();
    }
}

package dev.embedconsent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JDBC builders check their options before any connection is made. */
class JdbcConsentStoreBuilderTest {

    private final JdbcConsentStore.Builder builder =
            JdbcConsentStore.builder("jdbc:postgresql://127.0.0.1:1/none", "user", null);

    @Test
    void eachOptionIsSetOnce() {
        builder.withTableName("consent_records").withDurability(JdbcConsentStore.Durability.GROUP_COMMIT)
                .withRetryTimeout(Duration.ZERO).withoutSchemaCreation();
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> builder.withTableName("x"));
        assertEquals("JdbcConsentStore.Builder option \"tableName\" was already set; set each option once",
                twice.getMessage());
        assertThrows(IllegalStateException.class, builder::withoutSchemaCreation);
        assertThrows(IllegalStateException.class, () -> builder.withRetryTimeout(Duration.ofSeconds(1)));
    }

    @Test
    void aRejectedValueLeavesTheOptionUnset() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> builder.withTableName("Consent Records"));
        assertTrue(bad.getMessage().contains("lowercase letters"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.withRetryTimeout(Duration.ofSeconds(-1)));
        builder.withTableName("site.consent_records").withRetryTimeout(Duration.ofSeconds(1));
    }

    @Test
    void aUrlMustBeAJdbcUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcConsentStore.builder("postgresql://localhost/site", null, null));
        assertTrue(e.getMessage().contains("jdbc:"), e.getMessage());
    }
}

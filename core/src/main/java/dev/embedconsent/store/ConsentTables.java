package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The two tables of {@link JdbcConsentStore} and every SQL statement it runs on them: the records, one row per chain
 * entry numbered by {@code seq}, and the one-row chain head ({@code <records>_head}) that each append locks and
 * moves. Table names are checked here, once, so the statements can be built by concatenation.
 *
 * <pre>{@code
 * ConsentTables tables = new ConsentTables("consent_records");   // head table: consent_records_head
 * try (PreparedStatement ps = c.prepareStatement(tables.history())) { ... }
 * }</pre>
 */
final class ConsentTables {

    private static final Pattern NAME = Pattern.compile("([a-z_][a-z0-9_]{0,40}\\.)?[a-z_][a-z0-9_]{0,40}");

    private final String records;
    private final String head;

    /** @throws IllegalArgumentException if {@code records} is not a valid table name ({@link #check}) */
    ConsentTables(String records) {
        this.records = check(records);
        this.head = records + "_head";
    }

    /**
     * Returns {@code name} if it is a valid records table name.
     *
     * @throws IllegalArgumentException unless {@code [schema.]name} of lowercase letters, digits and underscores
     */
    static String check(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name must be [schema.]name of lowercase letters, digits and "
                    + "underscores, got '" + name + "'");
        }
        return name;
    }

    String records() {
        return records;
    }

    String head() {
        return head;
    }

    /** The DDL: both tables, the indexes, the initial head row; idempotent. */
    String ddl() {
        String index = records.replace('.', '_');
        return "CREATE TABLE IF NOT EXISTS " + records + " (seq BIGINT PRIMARY KEY, record_id VARCHAR(64) NOT NULL "
                + "UNIQUE, subject VARCHAR(22), ts TIMESTAMP WITH TIME ZONE, expiry TIMESTAMP WITH TIME ZONE, "
                + "entry TEXT NOT NULL, hash CHAR(64) NOT NULL);\n"
                + "CREATE INDEX IF NOT EXISTS " + index + "_subject_idx ON " + records + " (subject);\n"
                + "CREATE INDEX IF NOT EXISTS " + index + "_ts_idx ON " + records + " (ts);\n"
                + "CREATE TABLE IF NOT EXISTS " + head + " (id SMALLINT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT "
                + "NULL, record_id VARCHAR(64), hash CHAR(64) NOT NULL);\n"
                + "INSERT INTO " + head + " VALUES (1, 0, NULL, '" + ChainEntry.GENESIS_HASH
                + "') ON CONFLICT (id) DO NOTHING;\n";
    }

    /** Runs the DDL in one transaction, under an advisory lock so that nodes starting together do not collide. */
    void create(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(hashtext('" + records + "'))");
            for (String ddl : ddl().split(";\n")) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    /** The head row: {@code seq, record_id, hash}. */
    String selectHead() {
        return "SELECT seq, record_id, hash FROM " + head + " WHERE id = 1";
    }

    /** The head row, locked until the transaction ends: {@code seq, hash}. */
    String lockHead() {
        return "SELECT seq, hash FROM " + head + " WHERE id = 1 FOR UPDATE";
    }

    /** Moves the head: {@code seq, record_id, hash}. */
    String moveHead() {
        return "UPDATE " + head + " SET seq = ?, record_id = ?, hash = ? WHERE id = 1";
    }

    /** The entry with a record id. */
    String findEntry() {
        return "SELECT entry FROM " + records + " WHERE record_id = ?";
    }

    /** Inserts a record: {@code seq, record_id, subject, ts, expiry, entry, hash}. */
    String insert() {
        return "INSERT INTO " + records + " (seq, record_id, subject, ts, expiry, entry, hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    /** The entries of a subject in chain order. */
    String history() {
        return "SELECT entry FROM " + records + " WHERE subject = ? ORDER BY seq";
    }

    /** Every row in chain order: {@code seq, entry}. */
    String scan() {
        return "SELECT seq, entry FROM " + records + " ORDER BY seq";
    }

    /** The rows matching {@code where} in chain order, locked: {@code seq, entry}. */
    String lockMatching(String where) {
        return "SELECT seq, entry FROM " + records + " " + where + " ORDER BY seq FOR UPDATE";
    }

    /** Puts a tombstone in place of a record and drops its searchable columns: {@code entry, seq}. */
    String tombstone() {
        return "UPDATE " + records + " SET subject = NULL, ts = NULL, expiry = NULL, entry = ? WHERE seq = ?";
    }
}

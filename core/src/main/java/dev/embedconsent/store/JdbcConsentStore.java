package dev.embedconsent.store;

import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The consent store for PostgreSQL, for sites that run several application nodes. Takes any {@link DataSource}
 * (bring your own pool); immutable and thread-safe.
 *
 * <pre>{@code
 * JdbcConsentStore store = JdbcConsentStore.builder(dataSource)
 *         .withTableName("consent_records")              // default; the head table gets the suffix _head
 *         .withDurability(JdbcConsentStore.Durability.GROUP_COMMIT)
 *         .build();                                      // creates the tables if missing
 * }</pre>
 *
 * <p>Schema (created on {@link Builder#build()} unless {@link Builder#withoutSchemaCreation()}; for the default
 * table name):
 * <pre>{@code
 * CREATE TABLE IF NOT EXISTS consent_records (
 *     seq       BIGINT PRIMARY KEY,              -- position in the chain, 1, 2, 3, … without gaps
 *     record_id VARCHAR(64) NOT NULL UNIQUE,
 *     subject   VARCHAR(22),                     -- NULL once erased or purged
 *     ts        TIMESTAMP WITH TIME ZONE,        -- NULL once erased or purged
 *     expiry    TIMESTAMP WITH TIME ZONE,        -- NULL once erased or purged
 *     entry     TEXT NOT NULL,                   -- the canonical JSON of RecordFormat (record or tombstone)
 *     hash      CHAR(64) NOT NULL);
 * CREATE INDEX IF NOT EXISTS consent_records_subject_idx ON consent_records (subject);
 * CREATE INDEX IF NOT EXISTS consent_records_ts_idx ON consent_records (ts);
 * CREATE TABLE IF NOT EXISTS consent_records_head (
 *     id SMALLINT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, record_id VARCHAR(64), hash CHAR(64) NOT NULL);
 * INSERT INTO consent_records_head VALUES (1, 0, NULL, '000…0') ON CONFLICT (id) DO NOTHING;
 * }</pre>
 *
 * <p>One chain across all nodes: an append locks the single head row ({@code SELECT … FOR UPDATE}), links to the
 * hash it holds, inserts the record and moves the head, all in one transaction; so appends from any number of
 * nodes are serialised by the database and the chain stays correct. The head also lets {@link #verify()} notice
 * rows deleted from the end.
 *
 * <p>Failures: connection failures, server restarts, serialisation failures and deadlocks are retried with
 * back-off for up to the retry timeout (default 30 s). A retried append first looks for its record id, so an
 * append whose commit succeeded but whose reply was lost is not stored twice. {@link #append} returns only after
 * the commit; with {@link Durability#GROUP_COMMIT}, appends that arrive while another transaction runs are
 * committed together in the next one.
 *
 * <p>Without a pool, e.g. in the command-line tool: {@code JdbcConsentStore.builder(jdbcUrl, user, password)}.
 *
 * <p>This class is the public face; {@code ConsentTables} holds the schema and the SQL, {@code JdbcAppender} the
 * append transaction and group commit, {@code SqlRetry} the retries, and {@link #verify()} checks the rows with
 * {@code ChainVerifier}.
 */
public final class JdbcConsentStore implements ConsentStore {

    /** How appends are grouped into transactions. */
    public enum Durability {
        /** One transaction (one commit, one WAL flush) per append. */
        COMMIT_EACH,
        /** Appends waiting while a transaction runs share the next one; each returns after its commit. */
        GROUP_COMMIT
    }

    public static final String DEFAULT_TABLE_NAME = "consent_records";
    public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final ConsentTables tables;
    private final SqlRetry retry;
    private final JdbcAppender appender;
    private volatile boolean closed;

    private JdbcConsentStore(Builder b) {
        this.dataSource = b.dataSource;
        this.tables = new ConsentTables(b.tableName);
        this.retry = new SqlRetry(tables.records(), b.retryTimeout);
        this.appender = new JdbcAppender(dataSource, tables, retry, b.durability == Durability.GROUP_COMMIT);
        if (b.createSchema) {
            retry.run("create schema", () -> {
                try (Connection c = dataSource.getConnection()) {
                    tables.create(c);
                }
                return null;
            });
        }
    }

    /** Starts configuring a store on {@code dataSource}, which the caller owns (pools it, closes it). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Starts configuring a store that opens a new connection through {@link java.sql.DriverManager} for each
     * operation, without a pool: for the command-line tool and tests. Applications should pass their pooled
     * {@link DataSource} to {@link #builder(DataSource)}.
     *
     * <pre>{@code
     * JdbcConsentStore store = JdbcConsentStore.builder("jdbc:postgresql://localhost/site", "site", secret).build();
     * }</pre>
     *
     * @param user the database user, or {@code null} to leave it to the URL or the driver
     * @param password the password, or {@code null} likewise
     * @throws IllegalArgumentException if {@code jdbcUrl} does not start with {@code jdbc:}
     */
    public static Builder builder(String jdbcUrl, @Nullable String user, @Nullable String password) {
        return new Builder(new DriverManagerDataSource(jdbcUrl, user, password));
    }

    /** The DDL this store runs on start, for DBAs who create the schema themselves. */
    public String schemaDdl() {
        return tables.ddl();
    }

    @Override
    public ConsentRecord append(ConsentRecord.Draft draft) {
        Objects.requireNonNull(draft, "draft");
        requireOpen();
        return appender.append(draft);
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        requireOpen();
        return retry.run("read history", () -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(tables.history())) {
                ps.setString(1, subject.value());
                List<ConsentRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (RecordFormat.parse(rs.getString(1)) instanceof ConsentRecord record) {
                            out.add(record);
                        }
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    @Override
    public void forEach(Consumer<? super ChainEntry> action) {
        requireOpen();
        scan((seq, text) -> action.accept(RecordFormat.parse(text)));
    }

    @Override
    public int erase(SubjectId subject, Instant now) {
        Objects.requireNonNull(subject, "subject");
        requireOpen();
        return tombstone("WHERE subject = ?", ps -> ps.setString(1, subject.value()), now, Tombstone.REASON_ERASURE);
    }

    @Override
    public int purge(Instant cutoff, Instant now) {
        requireOpen();
        return tombstone("WHERE ts < ? AND expiry < ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setTimestamp(2, Timestamp.from(now));
        }, now, Tombstone.REASON_RETENTION);
    }

    /**
     * Checks every row with {@code ChainVerifier} in {@code seq} order, that no {@code seq} is missing, and that the
     * head row names the last entry.
     */
    @Override
    public VerificationResult verify() {
        requireOpen();
        Optional<ChainHead> recorded = retry.run("read chain head", () -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(tables.selectHead())) {
                return rs.next() && rs.getString(3) != null
                        ? Optional.of(new ChainHead(rs.getLong(1), rs.getString(2), rs.getString(3)))
                        : Optional.<ChainHead>empty();
            }
        });
        if (recorded.isEmpty()) {
            return VerificationResult.broken(0, null, tables.head(), "the chain head row is missing");
        }
        ChainHead head = recorded.get();
        ChainVerifier chain = ChainVerifier.full(head);
        scan((seq, text) -> {
            if (chain.isBroken()) {
                return;
            }
            String position = "seq " + seq;
            if (seq != chain.entries() + 1) {
                chain.broken(position, RecordFormat.findRecordId(text), "entries seq " + (chain.entries() + 1) + ".."
                        + (seq - 1) + " are missing (deleted rows)");
            } else {
                chain.next(position, text);
            }
        });
        VerificationResult result = chain.finish("after seq " + chain.entries());
        if (result.valid() && (head.entries() != chain.entries() || !head.hash().equals(chain.last().hash()))) {
            return chain.broken(tables.head(), head.recordId(), "the chain head does not match the last entry ("
                    + chain.entries() + " entries present, head says " + head.entries() + ")");
        }
        return result;
    }

    /** Appends fail after close; the {@link DataSource} is the caller's and stays open. */
    @Override
    public void close() {
        closed = true;
    }

    public String tableName() {
        return tables.records();
    }

    private int tombstone(String where, SqlBinder binder, Instant now, String reason) {
        return retry.run(reason, () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    int count = 0;
                    try (PreparedStatement select = c.prepareStatement(tables.lockMatching(where));
                         PreparedStatement update = c.prepareStatement(tables.tombstone())) {
                        binder.bind(select);
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                if (RecordFormat.parse(rs.getString(2)) instanceof ConsentRecord record) {
                                    update.setString(1, RecordFormat.toJson(Tombstone.of(record, now, reason)));
                                    update.setLong(2, rs.getLong(1));
                                    update.addBatch();
                                    count++;
                                }
                            }
                        }
                        update.executeBatch();
                    }
                    c.commit();
                    return count;
                } catch (SQLException | RuntimeException e) {
                    SqlRetry.rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    /** Streams all rows in chain order; retried only until the first row is handed on, never half-way. */
    private void scan(RowHandler handler) {
        retry.run("read chain", () -> {
            boolean started = false;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.setFetchSize(1000);
                    try (ResultSet rs = st.executeQuery(tables.scan())) {
                        while (rs.next()) {
                            started = true;
                            handler.row(rs.getLong(1), rs.getString(2));
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    SqlRetry.rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (started) {
                    throw new StoreException("consent store " + tables.records() + ": reading the chain failed "
                            + "part-way (" + e.getMessage() + "); run it again", e);
                }
                throw e;
            }
            return null;
        });
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("consent store " + tables.records() + " is closed");
        }
    }

    @FunctionalInterface
    private interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface RowHandler {
        void row(long seq, String text) throws SQLException;
    }

    /**
     * Configures a {@link JdbcConsentStore}. Each option may be set once; setting one twice fails and names it.
     */
    public static final class Builder {
        private final SetOnce options = new SetOnce("JdbcConsentStore.Builder");
        private final DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private Durability durability = Durability.COMMIT_EACH;
        private Duration retryTimeout = DEFAULT_RETRY_TIMEOUT;
        private boolean createSchema = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * The records table, optionally schema-qualified; the head table is named with the suffix {@code _head}.
         *
         * @throws IllegalArgumentException unless lowercase letters, digits and underscores
         */
        public Builder withTableName(String tableName) {
            Objects.requireNonNull(tableName, "tableName");
            ConsentTables.check(tableName);
            options.claim("tableName");
            this.tableName = tableName;
            return this;
        }

        public Builder withDurability(Durability durability) {
            Objects.requireNonNull(durability, "durability");
            options.claim("durability");
            this.durability = durability;
            return this;
        }

        /** How long transient failures (e.g. a database restart) are retried; default 30 s. */
        public Builder withRetryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("retry timeout must not be negative");
            }
            options.claim("retryTimeout");
            this.retryTimeout = timeout;
            return this;
        }

        /** Do not run the DDL on start; the tables must exist (see {@link JdbcConsentStore#schemaDdl()}). */
        public Builder withoutSchemaCreation() {
            options.claim("schemaCreation");
            createSchema = false;
            return this;
        }

        /**
         * Builds the store and, unless turned off, creates the tables.
         *
         * @throws StoreException if the database cannot be reached within the retry timeout
         */
        public JdbcConsentStore build() {
            return new JdbcConsentStore(this);
        }
    }
}

package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.record.Tombstone;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
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

    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]{0,40}\\.)?[a-z_][a-z0-9_]{0,40}");
    private static final int MAX_BATCH = 256;
    private static final System.Logger LOG = System.getLogger(JdbcConsentStore.class.getName());

    private final DataSource dataSource;
    private final String table;
    private final String head;
    private final Durability durability;
    private final Duration retryTimeout;
    private final ReentrantLock leader = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private JdbcConsentStore(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.tableName == null ? DEFAULT_TABLE_NAME : b.tableName;
        this.head = table + "_head";
        this.durability = b.durability == null ? Durability.COMMIT_EACH : b.durability;
        this.retryTimeout = b.retryTimeout == null ? DEFAULT_RETRY_TIMEOUT : b.retryTimeout;
        if (b.createSchema) {
            retrying("create schema", () -> {
                createSchema();
                return null;
            });
        }
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The DDL this store runs on start, for DBAs who create the schema themselves. */
    public String schemaDdl() {
        String index = table.replace('.', '_');
        return "CREATE TABLE IF NOT EXISTS " + table + " (seq BIGINT PRIMARY KEY, record_id VARCHAR(64) NOT NULL "
                + "UNIQUE, subject VARCHAR(22), ts TIMESTAMP WITH TIME ZONE, expiry TIMESTAMP WITH TIME ZONE, "
                + "entry TEXT NOT NULL, hash CHAR(64) NOT NULL);\n"
                + "CREATE INDEX IF NOT EXISTS " + index + "_subject_idx ON " + table + " (subject);\n"
                + "CREATE INDEX IF NOT EXISTS " + index + "_ts_idx ON " + table + " (ts);\n"
                + "CREATE TABLE IF NOT EXISTS " + head + " (id SMALLINT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT "
                + "NULL, record_id VARCHAR(64), hash CHAR(64) NOT NULL);\n"
                + "INSERT INTO " + head + " VALUES (1, 0, NULL, '" + ChainEntry.GENESIS_HASH
                + "') ON CONFLICT (id) DO NOTHING;\n";
    }

    @Override
    public ConsentRecord append(ConsentRecord.Draft draft) {
        Objects.requireNonNull(draft, "draft");
        requireOpen();
        Pending pending = new Pending(draft);
        if (durability == Durability.COMMIT_EACH) {
            leader.lock();
            try {
                commit(List.of(pending));
            } finally {
                leader.unlock();
            }
        } else {
            queue.add(pending);
            leader.lock();
            try {
                if (!pending.done) {
                    List<Pending> batch = new ArrayList<>();
                    for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
                        batch.add(p);
                    }
                    if (!batch.contains(pending)) {
                        batch.add(pending);
                        queue.remove(pending);
                    }
                    commit(batch);
                }
            } finally {
                leader.unlock();
            }
        }
        if (pending.error != null) {
            throw pending.error;
        }
        return Objects.requireNonNull(pending.result, "result");
    }

    @Override
    public List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        requireOpen();
        return retrying("read history", () -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT entry FROM " + table + " WHERE subject = ? ORDER BY seq")) {
                ps.setString(1, subject.value());
                List<ConsentRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ChainEntry entry = RecordFormat.parse(rs.getString(1));
                        if (entry instanceof ConsentRecord) {
                            out.add((ConsentRecord) entry);
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

    @Override
    public VerificationResult verify() {
        requireOpen();
        long[] headSeq = new long[1];
        String[] headId = new String[1];
        String[] headHash = new String[1];
        retrying("read chain head", () -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, record_id, hash FROM " + head + " WHERE id = 1")) {
                if (rs.next()) {
                    headSeq[0] = rs.getLong(1);
                    headId[0] = rs.getString(2);
                    headHash[0] = rs.getString(3);
                }
                return null;
            }
        });
        if (headHash[0] == null) {
            return VerificationResult.broken(0, null, head, "the chain head row is missing");
        }
        VerificationResult[] result = new VerificationResult[1];
        long[] count = new long[1];
        String[] previous = {ChainEntry.GENESIS_HASH};
        scan((seq, text) -> {
            if (result[0] != null) {
                return;
            }
            String position = "seq " + seq;
            if (seq != count[0] + 1) {
                result[0] = VerificationResult.broken(count[0], RecordFormat.findRecordId(text), position,
                        "entries seq " + (count[0] + 1) + ".." + (seq - 1) + " are missing (deleted rows)");
                return;
            }
            ChainEntry entry;
            try {
                entry = RecordFormat.parse(text);
            } catch (IllegalArgumentException e) {
                result[0] = VerificationResult.broken(count[0], RecordFormat.findRecordId(text), position,
                        "unreadable entry (" + e.getMessage() + ")");
                return;
            }
            String problem = RecordFormat.toJson(entry).equals(text) ? RecordFormat.problem(entry, previous[0])
                    : "stored text differs from the canonical form (edited entry)";
            if (problem != null) {
                result[0] = VerificationResult.broken(count[0], entry.recordId(), position, problem);
                return;
            }
            previous[0] = entry.hash();
            count[0]++;
        });
        if (result[0] != null) {
            return result[0];
        }
        if (headSeq[0] > count[0]) {
            return VerificationResult.broken(count[0], headId[0], "after seq " + count[0], "the chain head records "
                    + headSeq[0] + " entries ending with " + headId[0] + ", but only " + count[0]
                    + " are present (rows deleted from the end)");
        }
        if (headSeq[0] != count[0] || !headHash[0].equals(previous[0])) {
            return VerificationResult.broken(count[0], headId[0], head, "the chain head does not match the last "
                    + "entry (" + count[0] + " entries present, head says " + headSeq[0] + ")");
        }
        return VerificationResult.ok(count[0]);
    }

    /** Appends fail after close; the {@link DataSource} is the caller's and stays open. */
    @Override
    public void close() {
        closed = true;
    }

    public String tableName() {
        return table;
    }

    // ---- internals ----

    private void createSchema() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('" + table + "'))");
                for (String ddl : schemaDdl().split(";\n")) {
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
    }

    private void commit(List<Pending> batch) {
        try {
            retrying("append", () -> {
                commitOnce(batch);
                return null;
            });
            for (Pending p : batch) {
                p.done = true;
            }
        } catch (StoreException | IllegalArgumentException e) {
            if (batch.size() == 1) {
                batch.get(0).fail(e);
                return;
            }
            for (Pending p : batch) {
                if (!p.done) {
                    commit(List.of(p));
                }
            }
        }
    }

    /** One transaction for the batch; records already committed by an earlier, unacknowledged try are reused. */
    private void commitOnce(List<Pending> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq;
                String previous;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT seq, hash FROM " + head + " WHERE id = 1 FOR UPDATE")) {
                    if (!rs.next()) {
                        throw new StoreException("chain head row missing in " + head + "; was the table emptied?");
                    }
                    seq = rs.getLong(1);
                    previous = rs.getString(2);
                }
                List<ConsentRecord> results = new ArrayList<>();
                String lastId = null;
                try (PreparedStatement find = c.prepareStatement(
                        "SELECT entry FROM " + table + " WHERE record_id = ?");
                     PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                             + " (seq, record_id, subject, ts, expiry, entry, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (Pending p : batch) {
                        ConsentRecord.Draft draft = p.draft;
                        find.setString(1, draft.recordId());
                        try (ResultSet rs = find.executeQuery()) {
                            if (rs.next()) {
                                ChainEntry existing = RecordFormat.parse(rs.getString(1));
                                if (!p.attempted || !(existing instanceof ConsentRecord)
                                        || !((ConsentRecord) existing).draft().equals(draft)) {
                                    throw new IllegalArgumentException("a record with id " + draft.recordId()
                                            + " already exists");
                                }
                                results.add((ConsentRecord) existing);
                                continue;
                            }
                        }
                        ConsentRecord record = draft.link(previous);
                        seq++;
                        insert.setLong(1, seq);
                        insert.setString(2, record.recordId());
                        insert.setString(3, record.subject().value());
                        insert.setTimestamp(4, Timestamp.from(record.timestamp()));
                        insert.setTimestamp(5, Timestamp.from(record.expiry()));
                        insert.setString(6, RecordFormat.toJson(record));
                        insert.setString(7, record.hash());
                        insert.addBatch();
                        previous = record.hash();
                        lastId = record.recordId();
                        results.add(record);
                    }
                    insert.executeBatch();
                }
                if (lastId != null) {
                    try (PreparedStatement update = c.prepareStatement(
                            "UPDATE " + head + " SET seq = ?, record_id = ?, hash = ? WHERE id = 1")) {
                        update.setLong(1, seq);
                        update.setString(2, lastId);
                        update.setString(3, previous);
                        update.executeUpdate();
                    }
                }
                for (Pending p : batch) {
                    p.attempted = true;
                }
                c.commit();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result = results.get(i);
                }
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private int tombstone(String where, SqlBinder binder, Instant now, String reason) {
        return retrying(reason, () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    int count = 0;
                    try (PreparedStatement select = c.prepareStatement(
                            "SELECT seq, entry FROM " + table + " " + where + " ORDER BY seq FOR UPDATE");
                         PreparedStatement update = c.prepareStatement("UPDATE " + table
                                 + " SET subject = NULL, ts = NULL, expiry = NULL, entry = ? WHERE seq = ?")) {
                        binder.bind(select);
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                ChainEntry entry = RecordFormat.parse(rs.getString(2));
                                if (entry instanceof ConsentRecord) {
                                    update.setString(1, RecordFormat.toJson(
                                            Tombstone.of((ConsentRecord) entry, now, reason)));
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
                    rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    /** Streams all rows in chain order; retried only until the first row is handed on, never half-way. */
    private void scan(RowHandler handler) {
        retrying("read chain", () -> {
            boolean started = false;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.setFetchSize(1000);
                    try (ResultSet rs = st.executeQuery("SELECT seq, entry FROM " + table + " ORDER BY seq")) {
                        while (rs.next()) {
                            started = true;
                            handler.row(rs.getLong(1), rs.getString(2));
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (started) {
                    throw new StoreException("consent store " + table + ": reading the chain failed part-way ("
                            + e.getMessage() + "); run it again", e);
                }
                throw e;
            }
            return null;
        });
    }

    /**
     * Runs {@code action}, retrying transient failures (lost connection, server shutting down or restarting,
     * serialisation failure, deadlock) with back-off until the retry timeout.
     */
    private <T> T retrying(String what, SqlAction<T> action) {
        long deadline = System.nanoTime() + retryTimeout.toNanos();
        long backoffMillis = 50;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.run();
            } catch (SQLException e) {
                if (!isTransient(e) || System.nanoTime() > deadline) {
                    throw new StoreException("consent store " + table + ": " + what + " failed (SQLState "
                            + e.getSQLState() + "): " + e.getMessage(), e);
                }
                LOG.log(Level.WARNING, "consent store {0}: {1} failed (attempt {2}, SQLState {3}: {4}); retrying",
                        table, what, attempt, e.getSQLState(), e.getMessage());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("consent store " + table + ": interrupted while retrying " + what, e);
                }
                backoffMillis = Math.min(backoffMillis * 2, 2000);
            }
        }
    }

    private static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("40001")
                        || state.equals("40P01") || state.equals("53300"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "rollback failed: {0}", e.getMessage());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("consent store " + table + " is closed");
        }
    }

    private static final class Pending {
        final ConsentRecord.Draft draft;
        volatile boolean done;
        volatile boolean attempted;
        volatile @Nullable ConsentRecord result;
        volatile @Nullable RuntimeException error;

        Pending(ConsentRecord.Draft draft) {
            this.draft = draft;
        }

        void fail(RuntimeException e) {
            error = e;
            done = true;
        }
    }

    @FunctionalInterface
    private interface SqlAction<T> {
        T run() throws SQLException;
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
        private final DataSource dataSource;
        private @Nullable String tableName;
        private @Nullable Durability durability;
        private @Nullable Duration retryTimeout;
        private boolean createSchema = true;
        private boolean schemaSet;

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
            if (this.tableName != null) {
                throw new IllegalStateException("tableName was already set");
            }
            if (!TABLE_NAME.matcher(tableName).matches()) {
                throw new IllegalArgumentException("table name must be [schema.]name of lowercase letters, digits and "
                        + "underscores, got '" + tableName + "'");
            }
            this.tableName = tableName;
            return this;
        }

        public Builder withDurability(Durability durability) {
            Objects.requireNonNull(durability, "durability");
            if (this.durability != null) {
                throw new IllegalStateException("durability was already set");
            }
            this.durability = durability;
            return this;
        }

        /** How long transient failures (e.g. a database restart) are retried; default 30 s. */
        public Builder withRetryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (this.retryTimeout != null) {
                throw new IllegalStateException("retryTimeout was already set");
            }
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("retry timeout must not be negative");
            }
            this.retryTimeout = timeout;
            return this;
        }

        /** Do not run the DDL on start; the tables must exist (see {@link #schemaDdl()}). */
        public Builder withoutSchemaCreation() {
            if (schemaSet) {
                throw new IllegalStateException("schema creation was already set");
            }
            schemaSet = true;
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

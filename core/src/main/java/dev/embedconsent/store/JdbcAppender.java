package dev.embedconsent.store;

import dev.embedconsent.record.ChainEntry;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.RecordFormat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The append path of {@link JdbcConsentStore}. One transaction locks the head row ({@code SELECT … FOR UPDATE}),
 * links each draft to the hash it holds, inserts the records and moves the head, so appends from any number of nodes
 * are serialised by the database and form one chain.
 *
 * <pre>{@code
 * JdbcAppender appender = new JdbcAppender(dataSource, tables, retry, true);   // group commit
 * ConsentRecord stored = appender.append(draft);                              // committed when this returns
 * }</pre>
 *
 * <p>Without group commit, each append is its own transaction. With it, an append queues its draft and whoever holds
 * the leader lock commits everything queued (up to 256) in one transaction; each append returns once the transaction
 * that holds its record has committed. If a group fails, its drafts are retried one by one, so one bad draft (a
 * duplicate id) fails only its own append. Transient failures are retried ({@link SqlRetry}); a retried append first
 * looks for its record id, so an append whose commit succeeded but whose reply was lost is not stored twice.
 * Thread-safe.
 */
final class JdbcAppender {

    private static final int MAX_BATCH = 256;

    private final DataSource dataSource;
    private final ConsentTables tables;
    private final SqlRetry retry;
    private final boolean groupCommit;
    private final ReentrantLock leader = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    JdbcAppender(DataSource dataSource, ConsentTables tables, SqlRetry retry, boolean groupCommit) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.retry = retry;
        this.groupCommit = groupCommit;
    }

    /**
     * Links {@code draft} to the end of the chain and commits it.
     *
     * @throws IllegalArgumentException if another record has its id
     * @throws StoreException if it could not be committed within the retry timeout
     */
    ConsentRecord append(ConsentRecord.Draft draft) {
        Pending pending = new Pending(draft);
        if (!groupCommit) {
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

    private void commit(List<Pending> batch) {
        try {
            retry.run("append", () -> {
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
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(tables.lockHead())) {
                    if (!rs.next()) {
                        throw new StoreException("chain head row missing in " + tables.head()
                                + "; was the table emptied?");
                    }
                    seq = rs.getLong(1);
                    previous = rs.getString(2);
                }
                List<ConsentRecord> results = new ArrayList<>();
                String lastId = null;
                try (PreparedStatement find = c.prepareStatement(tables.findEntry());
                     PreparedStatement insert = c.prepareStatement(tables.insert())) {
                    for (Pending p : batch) {
                        ConsentRecord.Draft draft = p.draft;
                        ConsentRecord existing = committedEarlier(find, p);
                        if (existing != null) {
                            results.add(existing);
                            continue;
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
                    try (PreparedStatement update = c.prepareStatement(tables.moveHead())) {
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
                SqlRetry.rollbackQuietly(c);
                throw e;
            }
        }
    }

    /**
     * The record an earlier, unacknowledged try of {@code p} committed, or {@code null} if its id is free.
     *
     * @throws IllegalArgumentException if another record has its id
     */
    private static @Nullable ConsentRecord committedEarlier(PreparedStatement find, Pending p) throws SQLException {
        find.setString(1, p.draft.recordId());
        try (ResultSet rs = find.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            ChainEntry existing = RecordFormat.parse(rs.getString(1));
            if (!p.attempted || !(existing instanceof ConsentRecord record) || !record.draft().equals(p.draft)) {
                throw new IllegalArgumentException("a record with id " + p.draft.recordId() + " already exists");
            }
            return record;
        }
    }

    /** One append waiting for its transaction. */
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
}

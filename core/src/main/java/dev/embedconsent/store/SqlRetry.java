package dev.embedconsent.store;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How {@link JdbcConsentStore} survives a database restart: runs JDBC work again after a transient failure (lost
 * connection, server shutting down or restarting, too many connections, serialisation failure, deadlock) with
 * back-off from 50 ms doubling to 2 s, until the retry timeout; any other failure, or a transient one past the
 * timeout, becomes a {@link StoreException} that names the table and the SQLState.
 *
 * <pre>{@code
 * long rows = retry.run("count rows", () -> { try (Connection c = dataSource.getConnection()) { ... } });
 * }</pre>
 *
 * <p>The work must be safe to run again: a transaction that failed was rolled back, or (for an append whose commit
 * reply was lost) it checks what the earlier attempt left. Thread-safe.
 */
final class SqlRetry {

    private static final System.Logger LOG = System.getLogger(JdbcConsentStore.class.getName());

    private final String table;
    private final Duration timeout;

    SqlRetry(String table, Duration timeout) {
        this.table = table;
        this.timeout = timeout;
    }

    /** Runs {@code action}; {@code what} names it in messages ("append", "read history"). */
    <T extends @Nullable Object> T run(String what, SqlAction<T> action) {
        long deadline = System.nanoTime() + timeout.toNanos();
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

    /** Rolls back after a failure; a rollback that fails too is only logged, the first failure is the one to see. */
    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "rollback failed: {0}", e.getMessage());
        }
    }

    private static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("40001")
                        || state.equals("40P01") || state.equals("53300"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** JDBC work that may fail. */
    @FunctionalInterface
    interface SqlAction<T extends @Nullable Object> {
        T run() throws SQLException;
    }
}

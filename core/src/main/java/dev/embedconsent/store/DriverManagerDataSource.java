package dev.embedconsent.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A minimal {@link DataSource} that opens a new connection through {@link DriverManager} each time: no pool. Behind
 * {@link JdbcConsentStore#builder(String, String, String)}, for the command-line tool and tests; applications pass
 * their own pooled {@code DataSource} to {@link JdbcConsentStore#builder(DataSource)}.
 *
 * <pre>{@code
 * DataSource ds = new DriverManagerDataSource("jdbc:postgresql://localhost/site", "site", secret);
 * }</pre>
 */
final class DriverManagerDataSource implements DataSource {

    private final String url;
    private final @Nullable String user;
    private final @Nullable String password;
    private volatile int loginTimeoutSeconds;

    DriverManagerDataSource(String url, @Nullable String user, @Nullable String password) {
        this.url = Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', e.g. jdbc:postgresql://host/db");
        }
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        if (loginTimeoutSeconds > 0) {
            properties.setProperty("loginTimeout", Integer.toString(loginTimeoutSeconds));
        }
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return DriverManager.getConnection(url, username, pass);
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {
        throw new UnsupportedOperationException("log through java.util.logging or System.Logger instead");
    }

    /** Passed to the driver as the {@code loginTimeout} connection property (PostgreSQL's name for it). */
    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "DriverManagerDataSource[" + url + "]";
    }
}

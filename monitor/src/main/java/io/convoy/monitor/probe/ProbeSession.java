package io.convoy.monitor.probe;

import io.convoy.core.apply.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;

/**
 * One connection of one probe to one cluster's primary, opened on first use and again after a failure. The session
 * is made harmless: read-only, autocommit, a short {@code statement_timeout} and {@code lock_timeout} (a probe never
 * waits for anything), and an idle-in-transaction limit. Not thread-safe: one probe, one thread.
 */
public final class ProbeSession implements AutoCloseable {

    /** Work on the connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final ConnectionSource source;
    private final Duration statementTimeout;
    private Connection connection;

    public ProbeSession(ConnectionSource source, Duration statementTimeout) {
        this.source = Objects.requireNonNull(source, "source");
        this.statementTimeout = Objects.requireNonNull(statementTimeout, "statementTimeout");
    }

    /** Runs {@code work}; on an SQLException the connection is dropped (the next run opens a new one) and it is rethrown. */
    public <T> T run(Work<T> work) throws SQLException {
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
            }
            return work.run(connection);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Connection c = source.open();
        try {
            c.setAutoCommit(true);
            long ms = Math.max(1, statementTimeout.toMillis());
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = " + ms);
                s.execute("SET lock_timeout = " + ms);
                s.execute("SET idle_in_transaction_session_timeout = 10000");
                s.execute("SET default_transaction_read_only = on");
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    public String describe() {
        return source.describe();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
            connection = null;
        }
    }
}

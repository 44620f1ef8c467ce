package io.convoy.core.error;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one place that classifies database errors by SQLSTATE. Retry policies (Resilience4j) take
 * {@link #RETRIABLE_LOCK} as their predicate instead of inspecting exceptions themselves.
 */
public final class SqlStates {
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String DEADLOCK_DETECTED = "40P01";
    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String QUERY_CANCELED = "57014";
    public static final String ACTIVE_SQL_TRANSACTION = "25001";
    public static final String ADMIN_SHUTDOWN = "57P01";

    /** Contention: the statement may succeed if the same revision is tried again later. */
    private static final Set<String> CONTENTION = Set.of(LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED, SERIALIZATION_FAILURE);

    /** The kinds of failure a caller reacts to differently. */
    public enum Kind {
        /** Lock timeout, deadlock, serialization failure: roll back and retry with backoff. */
        CONTENTION,
        /** The connection broke or the server is restarting: reconnect and retry. */
        CONNECTION,
        /** Anything else: retrying will not help. */
        PERMANENT
    }

    /** Predicate for Resilience4j: retry on contention only. */
    public static final Predicate<Throwable> RETRIABLE_LOCK = t -> classify(t) == Kind.CONTENTION;

    /** Predicate for Resilience4j: retry on contention or a broken connection. */
    public static final Predicate<Throwable> RETRIABLE = t -> classify(t) != Kind.PERMANENT;

    private SqlStates() {}

    public static Kind classify(Throwable t) {
        Optional<String> state = sqlState(t);
        if (state.isEmpty()) {
            return Kind.PERMANENT;
        }
        String s = state.get();
        if (CONTENTION.contains(s)) {
            return Kind.CONTENTION;
        }
        if (s.startsWith("08") || s.equals(ADMIN_SHUTDOWN) || s.equals("57P02") || s.equals("57P03")) {
            return Kind.CONNECTION;
        }
        return Kind.PERMANENT;
    }

    /** The first SQLSTATE found along the cause chain (including a ConvoyException's own). */
    public static Optional<String> sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConvoyException ce && ce.sqlState().isPresent()) {
                return ce.sqlState();
            }
            if (c instanceof SQLException se && se.getSQLState() != null) {
                return Optional.of(se.getSQLState());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }
}

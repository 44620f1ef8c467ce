package io.convoy.monitor.probe;

import java.util.List;
import java.util.Optional;

/**
 * A session waiting for a lock, where a migration is involved: the waiter is a migration (its application_name is
 * {@code convoy-executor/<plan>/<target>}), or a migration is among the sessions it waits for.
 *
 * @param waitSeconds how long it has waited (from {@code pg_locks.waitstart})
 * @param relation    the relation waited for, when it is one (name in the probe's database, else its oid)
 * @param blockers    the sessions it waits for ({@code pg_blocking_pids}: holders and sessions queued before it)
 */
public record LockWait(int pid, String applicationName, String database, String query, String lockType, String mode,
                       String relation, double waitSeconds, List<Blocker> blockers) {
    public LockWait {
        blockers = List.copyOf(blockers);
    }

    /** A session a waiter waits for. */
    public record Blocker(int pid, String applicationName, String state, String query, double transactionSeconds) {
        public Optional<MigrationSession> migration() {
            return MigrationSession.parse(applicationName);
        }
    }

    /** The waiter's migration, when the waiter is one. */
    public Optional<MigrationSession> waitingMigration() {
        return MigrationSession.parse(applicationName);
    }

    /** The migrations among the blockers. */
    public List<MigrationSession> blockingMigrations() {
        return blockers.stream().flatMap(b -> b.migration().stream()).distinct().toList();
    }

    /**
     * The session of a migration, from its application_name {@code convoy-executor/<plan id>/<target id>} (PostgreSQL
     * keeps at most 63 bytes of it: a long target id may arrive cut).
     */
    public record MigrationSession(String planId, String targetId) {
        public static final String PREFIX = "convoy-executor/";

        public static Optional<MigrationSession> parse(String applicationName) {
            if (applicationName == null || !applicationName.startsWith(PREFIX)) {
                return Optional.empty();
            }
            String rest = applicationName.substring(PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                return Optional.of(new MigrationSession(rest, ""));
            }
            return Optional.of(new MigrationSession(rest.substring(0, slash), rest.substring(slash + 1)));
        }
    }
}

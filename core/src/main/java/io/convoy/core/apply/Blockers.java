package io.convoy.core.apply;

import io.convoy.core.util.Secrets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who blocks a migration statement. A lock_timeout error does not name the blocker, and once the
 * statement has given up nobody waits any more, so the sessions are sampled from a second
 * connection ({@code pg_blocking_pids} joined with {@code pg_stat_activity}) while the statement
 * runs; the last sample taken before the timeout is what the error reports.
 */
public final class Blockers {
    private static final Logger log = LoggerFactory.getLogger(Blockers.class);
    private static final String QUERY = "SELECT a.pid, a.application_name, host(a.client_addr), a.state, a.query,"
            + " extract(epoch from now() - a.xact_start) * 1000"
            + " FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids(?)) ORDER BY a.pid";

    /** A session blocking the migration. */
    public record Blocker(int pid, String applicationName, String clientAddress, String state, String query, Duration inTransaction) {
        @Override
        public String toString() {
            String q = query == null ? "" : Secrets.mask(query.replaceAll("\\s+", " ").strip());
            if (q.length() > 200) {
                q = q.substring(0, 197) + "...";
            }
            return "pid " + pid + " (application_name '" + applicationName + "', client "
                    + (clientAddress == null ? "local socket" : clientAddress) + ", " + state
                    + (inTransaction == null ? "" : ", in transaction for " + inTransaction.toMillis() + " ms")
                    + ", query: " + q + ")";
        }
    }

    private final Connection monitor;
    private final ScheduledExecutorService scheduler;

    /**
     * @param monitor   a connection not used by the migration (the migration-lock connection)
     * @param scheduler where the sampling runs
     */
    public Blockers(Connection monitor, ScheduledExecutorService scheduler) {
        this.monitor = monitor;
        this.scheduler = scheduler;
    }

    /** The sessions blocking {@code pid} right now. */
    public List<Blocker> of(int pid) throws SQLException {
        List<Blocker> out = new ArrayList<>();
        synchronized (monitor) {
            try (PreparedStatement ps = monitor.prepareStatement(QUERY)) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double ms = rs.getDouble(6);
                        out.add(new Blocker(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.wasNull() ? null : Duration.ofMillis((long) ms)));
                    }
                }
            }
        }
        return out;
    }

    /** Sampling period for a statement with this lock_timeout: a quarter of it, between 20 ms and 500 ms. */
    static Duration period(Duration lockTimeout) {
        long ms = lockTimeout.isZero() ? 500 : lockTimeout.toMillis() / 4;
        return Duration.ofMillis(Math.max(20, Math.min(500, ms)));
    }

    /** Starts sampling the blockers of {@code pid} every {@code period}, until closed. */
    public Watch watch(int pid, Duration period) {
        return new Watch(pid, period);
    }

    /** A running sample of one statement's blockers. */
    public final class Watch implements AutoCloseable {
        private final AtomicReference<List<Blocker>> last = new AtomicReference<>(List.of());
        private final ScheduledFuture<?> task;

        private Watch(int pid, Duration period) {
            this.task = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    List<Blocker> now = of(pid);
                    if (!now.isEmpty()) {
                        last.set(now);
                    }
                } catch (SQLException | RuntimeException e) {
                    log.debug("Could not sample the blockers of pid {}: {}", pid, e.getMessage());
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The last non-empty sample (empty if nothing ever blocked, or the wait was shorter than a period). */
        public List<Blocker> lastSeen() {
            return last.get();
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}

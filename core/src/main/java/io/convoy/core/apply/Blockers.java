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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who blocks a migration statement. A lock_timeout error does not name the blocker, and once the
 * statement has given up nobody waits any more, so the sessions are sampled from a second
 * connection ({@code pg_blocking_pids} joined with {@code pg_stat_activity}) while the statement
 * runs; the last sample taken before the timeout is what the error reports.
 *
 * <p>The second connection is opened by the first sample, i.e. only once a statement has run for a
 * sampling period: the statements of most migrations end well before that, and a PostgreSQL backend
 * that is started and ended costs the server far more CPU than the few statements a step runs. The
 * samples of every session run on one small shared pool of daemon threads, started on demand.
 */
public final class Blockers implements AutoCloseable {
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

    /** Where the samples of all sessions run: two daemon threads at most, ended after a minute without work. */
    private static final ScheduledExecutorService SAMPLER = sampler();

    private static ScheduledExecutorService sampler() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "convoy-blockers-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setKeepAliveTime(1, TimeUnit.MINUTES);
        pool.allowCoreThreadTimeOut(true);
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    private final ConnectionSource source;
    private final String applicationName;
    /** Opened by the first sample; guarded by this. */
    private Connection monitor;
    private boolean closed;

    /**
     * @param source          where the monitoring connection comes from (the migration's database)
     * @param applicationName what that connection calls itself
     */
    public Blockers(ConnectionSource source, String applicationName) {
        this.source = source;
        this.applicationName = applicationName;
    }

    /** The sessions blocking {@code pid} right now (opens the monitoring connection the first time). */
    public synchronized List<Blocker> of(int pid) throws SQLException {
        if (closed) {
            return List.of();
        }
        if (monitor == null) {
            Connection c = source.open();
            try {
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                    ps.setString(1, applicationName);
                    ps.execute();
                }
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            monitor = c;
        }
        List<Blocker> out = new ArrayList<>();
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
            this.task = SAMPLER.scheduleWithFixedDelay(() -> {
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

    /** Closes the monitoring connection, if a sample opened it; later samples find nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        if (monitor != null) {
            try {
                monitor.close();
            } catch (SQLException e) {
                log.debug("closing the blockers connection: {}", Secrets.mask(String.valueOf(e.getMessage())));
            }
            monitor = null;
        }
    }
}

package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration lock: a session-level advisory lock, keyed by the version schema, held by the
 * migration's own connection for the whole run (so it survives the commits and the autocommit
 * statements of non-transactional revisions, and dies with the session if the process dies).
 */
public final class MigrationLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration EVENT_EVERY = Duration.ofSeconds(1);

    private final Connection connection;
    private final long key;
    private boolean held = true;

    private MigrationLock(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    /** A session holding the lock. */
    public record Holder(int pid, String applicationName, String clientAddress, String state, Instant backendStart) {
        @Override
        public String toString() {
            return "pid " + pid + " (application_name '" + applicationName + "', client "
                    + (clientAddress == null ? "local socket" : clientAddress) + ", state " + state
                    + (backendStart == null ? "" : ", connected since " + backendStart) + ")";
        }
    }

    /**
     * The advisory lock key of a version schema: the first 8 bytes of SHA-256 of
     * {@code "convoy:migration-lock:" + schema}. This is a compatibility contract: every Convoy
     * version must derive the same key, or two versions would migrate one database at once.
     */
    public static long keyFor(String versionSchema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("convoy:migration-lock:" + versionSchema).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /**
     * Takes the lock on {@code connection} (which must stay open and unused by migrations until
     * {@link #close()}), polling while another session holds it, publishing
     * {@link MigrationEvent.WaitingForMigrationLock} about every second, and failing with MIG012
     * naming the holders once {@code limit} has passed.
     */
    public static MigrationLock acquire(Connection connection, long key, Duration limit, Clock clock,
            Consumer<MigrationEvent> listener, String database) throws SQLException {
        Instant start = clock.instant();
        Duration slept = Duration.ZERO;
        Duration lastEvent = null;
        while (true) {
            if (tryLock(connection, key)) {
                if (lastEvent != null) {
                    log.info("Got the migration lock of {} after {} ms", database, waited(start, clock, slept).toMillis());
                }
                return new MigrationLock(connection, key);
            }
            // A fixed clock would never advance: count the time actually slept as well.
            Duration waited = waited(start, clock, slept);
            if (waited.compareTo(limit) >= 0) {
                List<Holder> holders = holders(connection, key);
                throw new ConvoyException(ErrorCode.MIG012, "the migration lock of " + database + " (advisory lock " + key
                        + ") is held by another run: " + (holders.isEmpty() ? "the holder ended just now; try again"
                                : holders.stream().map(Holder::toString).reduce((a, b) -> a + "; " + b).orElseThrow())
                        + "; waited " + waited.toMillis() + " ms (limit " + limit.toMillis() + " ms)");
            }
            if (lastEvent == null || waited.minus(lastEvent).compareTo(EVENT_EVERY) >= 0) {
                lastEvent = waited;
                log.info("Waiting for the migration lock of {} ({} ms of {} ms)", database, waited.toMillis(), limit.toMillis());
                listener.accept(new MigrationEvent.WaitingForMigrationLock(database, waited, limit));
            }
            Duration nap = POLL.compareTo(limit.minus(waited)) < 0 ? POLL : limit.minus(waited);
            try {
                Thread.sleep(Math.max(1, nap.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConvoyException(ErrorCode.MIG012, "interrupted while waiting for the migration lock of " + database, e);
            }
            slept = slept.plus(nap);
        }
    }

    private static Duration waited(Instant start, Clock clock, Duration slept) {
        Duration byClock = Duration.between(start, clock.instant());
        return byClock.compareTo(slept) > 0 ? byClock : slept;
    }

    static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The sessions holding the advisory lock {@code key} in the current database. */
    public static List<Holder> holders(Connection c, long key) throws SQLException {
        // A bigint advisory key is stored as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
        String sql = "SELECT a.pid, a.application_name, host(a.client_addr), a.state, a.backend_start"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.classid::bigint = ? AND l.objid::bigint = ?"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.pid <> pg_backend_pid() ORDER BY a.pid";
        List<Holder> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp ts = rs.getTimestamp(5);
                    out.add(new Holder(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            ts == null ? null : ts.toInstant()));
                }
            }
        }
        return out;
    }

    public long key() { return key; }

    /** The connection holding the lock (the Migrator also uses it to watch for blocking sessions). */
    Connection connection() { return connection; }

    @Override
    public void close() {
        if (!held) {
            return;
        }
        held = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        } catch (SQLException e) {
            log.warn("Could not release the migration lock {} (it ends with the session): {}", key, e.getMessage());
        }
    }
}

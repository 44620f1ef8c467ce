package io.convoy.executor.step;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.util.Secrets;
import io.convoy.executor.targets.Target;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each target's PostgreSQL sessions open between steps, so that a step does not pay for connection set-up
 * (tens of milliseconds each on a loaded host; a step needs two or three: history check, migration lock, work).
 *
 * <p>{@link #source(Target)} hands out a {@link ConnectionSource} per target whose {@code open()} reuses an idle
 * session of that target when one is there and still answers ({@link Connection#isValid}, asked every time: a step
 * must not fail because its database restarted since the previous one), and opens a new one otherwise. Closing a connection it handed out does not close the session: it is rolled back if a transaction is
 * open, then reset with {@code DISCARD ALL} (session settings such as {@code application_name},
 * {@code lock_timeout}, {@code statement_timeout} and {@code search_path} set by a step, prepared statements,
 * temporary tables, and every advisory lock, the migration lock included, are gone), and kept for the next step —
 * or closed when the reset fails, when {@link #MAX_IDLE_PER_TARGET} sessions of the target are already idle, or
 * when the sessions are closed. So a reused session is in the state of a new one, and the engine sets
 * {@code application_name} ({@code convoy-executor/<plan>/<target>}) on it for each step as before: the monitor's
 * lock probe and a PANIC's {@code pg_cancel_backend} find it as they would a new session.
 *
 * <p>At most {@code maxIdle} sessions are kept idle over all targets (the executor keeps four per worker): beyond that,
 * the one idle for the longest is closed. On a server holding many of a fleet's databases, every idle backend costs
 * CPU whenever another session changes a catalog (it must take in the invalidation messages, or rebuild its caches
 * once it fell behind): in the rollout benchmark, 200 idle sessions doubled PostgreSQL's CPU per step.
 *
 * <p>An idle session is closed after {@code idleTimeout}; a zero timeout keeps none (every step opens new
 * sessions, the behaviour without reuse). Thread-safe.
 */
public final class TargetSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetSessions.class);
    /** Idle sessions kept per target: a step holds at most two at once (migration lock, work). */
    static final int MAX_IDLE_PER_TARGET = 2;

    private final Duration idleTimeout;
    private final int maxIdle;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private final AtomicLong opened = new AtomicLong();
    private volatile boolean closed;

    public TargetSessions(Duration idleTimeout) {
        this(idleTimeout, Integer.MAX_VALUE);
    }

    /**
     * @param maxIdle idle sessions kept over all targets at most: giving one back beyond that closes the one idle
     *                for the longest (an executor uses at most two per worker at once; the sessions of a fleet's
     *                targets that all sit on one server would otherwise stay there idle, and every idle backend costs
     *                that server CPU whenever another session changes its catalogs)
     */
    public TargetSessions(Duration idleTimeout, int maxIdle) {
        if (maxIdle < 1) {
            throw new IllegalArgumentException("maxIdle must be at least 1: " + maxIdle);
        }
        this.maxIdle = maxIdle;
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            reaper = null;
        } else {
            reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "convoy-executor-sessions");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(100, Math.min(1000, idleTimeout.toMillis() / 2));
            reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** The target's connections, reusing its idle sessions. */
    public ConnectionSource source(Target target) {
        if (reaper == null) {
            return target.connectionSource();
        }
        return pools.computeIfAbsent(target.id(), id -> new Pool(target.connectionSource()));
    }

    /** PostgreSQL sessions opened so far (for tests and metrics). */
    public long sessionsOpened() {
        return opened.get();
    }

    /** Idle sessions now kept open. */
    public int idleSessions() {
        return pools.values().stream().mapToInt(Pool::idleCount).sum();
    }

    /** Closes the session idle for the longest, over all targets. */
    private void closeLongestIdle() {
        Pool oldest = null;
        long since = Long.MAX_VALUE;
        for (Pool p : pools.values()) {
            long s = p.oldestIdleSince();
            if (s < since) {
                since = s;
                oldest = p;
            }
        }
        if (oldest != null) {
            oldest.closeOldestIdle();
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        pools.values().forEach(p -> p.closeIdleSince(now - idleTimeout.toNanos()));
    }

    /** Closes every idle session; sessions in use are closed when they are given back. */
    @Override
    public void close() {
        closed = true;
        if (reaper != null) {
            reaper.shutdownNow();
        }
        pools.values().forEach(p -> p.closeIdleSince(Long.MAX_VALUE));
    }

    private record Idle(Connection connection, long since) {}

    private final class Pool implements ConnectionSource {
        private final ConnectionSource physical;
        private final Deque<Idle> idle = new ArrayDeque<>();

        Pool(ConnectionSource physical) {
            this.physical = physical;
        }

        @Override
        public Connection open() throws SQLException {
            while (true) {
                Idle candidate;
                synchronized (this) {
                    candidate = idle.pollFirst();
                }
                if (candidate == null) {
                    Connection c = physical.open();
                    opened.incrementAndGet();
                    return wrap(c);
                }
                if (valid(candidate.connection())) {
                    return wrap(candidate.connection());
                }
                closeQuietly(candidate.connection());
            }
        }

        @Override
        public String describe() {
            return physical.describe();
        }

        int idleCount() {
            synchronized (this) {
                return idle.size();
            }
        }

        long oldestIdleSince() {
            synchronized (this) {
                Idle last = idle.peekLast();
                return last == null ? Long.MAX_VALUE : last.since();
            }
        }

        void closeOldestIdle() {
            Idle last;
            synchronized (this) {
                last = idle.pollLast();
            }
            if (last != null) {
                closeQuietly(last.connection());
            }
        }

        void closeIdleSince(long before) {
            Deque<Idle> expired = new ArrayDeque<>();
            synchronized (this) {
                idle.removeIf(i -> {
                    if (i.since() <= before) {
                        expired.add(i);
                        return true;
                    }
                    return false;
                });
            }
            expired.forEach(i -> closeQuietly(i.connection()));
        }

        private boolean valid(Connection c) {
            try {
                return c.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        }

        /** Back from a step: reset and keep, or close. */
        void giveBack(Connection c) {
            if (closed || !reset(c)) {
                closeQuietly(c);
                return;
            }
            boolean kept = false;
            synchronized (this) {
                if (idle.size() < MAX_IDLE_PER_TARGET) {
                    idle.addFirst(new Idle(c, System.nanoTime()));
                    kept = true;
                }
            }
            if (!kept) {
                closeQuietly(c);
            } else if (idleSessions() > maxIdle) {
                closeLongestIdle();
            }
        }

        private boolean reset(Connection c) {
            try {
                if (c.isClosed()) {
                    return false;
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                try (Statement s = c.createStatement()) {
                    s.execute("DISCARD ALL");
                }
                c.clearWarnings();
                return true;
            } catch (SQLException | RuntimeException e) {
                log.debug("not reusing a session of {}: resetting it failed: {}", physical.describe(),
                        Secrets.mask(String.valueOf(e.getMessage())));
                return false;
            }
        }

        private Connection wrap(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    new Handed(c, this));
        }
    }

    /** A session handed to a step: close() gives it back. */
    private static final class Handed implements InvocationHandler {
        private final Connection connection;
        private final Pool pool;
        private boolean returned;

        Handed(Connection connection, Pool pool) {
            this.connection = connection;
            this.pool = pool;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (!returned) {
                        returned = true;
                        pool.giveBack(connection);
                    }
                    return null;
                case "isClosed":
                    return returned || connection.isClosed();
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "pooled " + connection;
                default:
                    if (returned) {
                        throw new SQLException("connection already given back", "08003");
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing a session: {}", Secrets.mask(String.valueOf(e.getMessage())));
        }
    }
}

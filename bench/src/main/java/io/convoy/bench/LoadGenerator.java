package io.convoy.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * An application's traffic on the tables a migration changes: {@code clients} JDBC sessions issuing, together,
 * {@code tps} single-statement transactions per second at a fixed rate (an open model: each client has a schedule
 * and the latency of a transaction is counted from the moment it was <i>scheduled</i>, so a client stalled behind a
 * lock does not hide the transactions it could not start — no coordinated omission). Half are reads of one order by
 * id, a quarter updates of one order, a quarter inserts of an order. Every session has the {@code statement_timeout}
 * an application would set; a statement that fails is counted by its SQLSTATE.
 */
final class LoadGenerator implements AutoCloseable {
    /** One transaction: when it was scheduled (ns, System.nanoTime), how long from then until it ended, how. */
    record Sample(long scheduledNanos, long latencyNanos, String sqlState) {
        boolean ok() {
            return sqlState == null;
        }
    }

    /** Traffic settings. */
    record Settings(int clients, int tps, long orderRows, int accounts, int statementTimeoutMs) {
        Settings {
            if (clients < 1 || tps < 1 || orderRows < 1 || accounts < 1 || statementTimeoutMs < 1) {
                throw new IllegalArgumentException("load settings must be positive: " + clients + " clients, " + tps + " tps, "
                        + orderRows + " rows, " + accounts + " accounts, statement_timeout " + statementTimeoutMs + " ms");
            }
        }
    }

    private final String jdbcUrl;
    private final Settings settings;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch ready;

    private LoadGenerator(String jdbcUrl, Settings settings) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.settings = settings;
        this.ready = new CountDownLatch(settings.clients());
    }

    /** Connects the clients and starts the traffic; returns once every client is connected. */
    static LoadGenerator start(String jdbcUrl, Settings settings) throws InterruptedException {
        LoadGenerator g = new LoadGenerator(jdbcUrl, settings);
        long periodNanos = 1_000_000_000L * settings.clients() / settings.tps();
        long start = System.nanoTime() + 200_000_000L;
        for (int i = 0; i < settings.clients(); i++) {
            // Clients are spread evenly over one period, so the aggregate rate is smooth.
            long first = start + periodNanos * i / settings.clients();
            int client = i;
            Thread t = new Thread(() -> g.run(client, first, periodNanos), "load-client-" + i);
            t.setDaemon(true);
            g.threads.add(t);
            t.start();
        }
        g.ready.await();
        return g;
    }

    private void run(int client, long first, long periodNanos) {
        SplittableRandom random = new SplittableRandom(client * 7919L + 1);
        Connection c = null;
        try {
            c = connect();
        } catch (SQLException e) {
            throw new IllegalStateException("load client " + client + " could not connect: " + e.getMessage(), e);
        } finally {
            ready.countDown();
        }
        long next = first;
        try {
            while (!stop.get()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                String state = null;
                try {
                    if (c == null) {
                        c = connect();
                    }
                    transaction(c, random);
                } catch (SQLException e) {
                    state = e.getSQLState() == null ? "unknown" : e.getSQLState();
                    if (state.startsWith("08")) {
                        close(c);
                        c = null;
                    }
                }
                samples.add(new Sample(next, System.nanoTime() - next, state));
                next += periodNanos;
            }
        } finally {
            close(c);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl);
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + settings.statementTimeoutMs());
            s.execute("SET application_name = 'bench-load'");
        }
        return c;
    }

    private void transaction(Connection c, SplittableRandom random) throws SQLException {
        int kind = random.nextInt(4);
        long id = 1 + random.nextLong(settings.orderRows());
        if (kind <= 1) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, account_id, amount, note FROM orders WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong(1);
                    }
                }
            }
        } else if (kind == 2) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET note = ? WHERE id = ?")) {
                ps.setString(1, "touched " + random.nextInt(1000));
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (account_id, amount, note) VALUES (?, ?, ?)")) {
                ps.setLong(1, 1 + random.nextInt(settings.accounts()));
                ps.setInt(2, random.nextInt(10_000));
                ps.setString(3, "new");
                ps.executeUpdate();
            }
        }
    }

    /** The transactions scheduled in [fromNanos, toNanos). */
    List<Sample> samples(long fromNanos, long toNanos) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.scheduledNanos() >= fromNanos && s.scheduledNanos() < toNanos) {
                out.add(s);
            }
        }
        return out;
    }

    /** Stops the clients and waits for them (a client blocked in a statement ends with it, at most statement_timeout). */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(settings.statementTimeoutMs() + 5_000L);
        }
    }

    /** Transactions, failures by SQLSTATE and latency percentiles (ms) of a window's samples. */
    static Map<String, Object> summary(List<Sample> window, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        double[] latencies = new double[window.size()];
        int i = 0;
        for (Sample s : window) {
            latencies[i++] = s.latencyNanos() / 1e6;
            if (!s.ok()) {
                errors.merge(s.sqlState(), 1, Integer::sum);
            }
        }
        m.put("transactions", window.size());
        m.put("achieved_tps", Stats.round(window.size() / seconds));
        m.put("failed", errors.values().stream().mapToInt(Integer::intValue).sum());
        m.put("failed_by_sqlstate", errors);
        if (window.isEmpty()) {
            return m;
        }
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", Stats.round(Stats.percentile(latencies, 50)));
        latency.put("p99", Stats.round(Stats.percentile(latencies, 99)));
        latency.put("max", Stats.round(Arrays.stream(latencies).max().orElseThrow()));
        m.put("latency_ms", latency);
        return m;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken session
            }
        }
    }
}

package io.convoy.bench;

import io.convoy.executor.ExecutorConfig;
import io.convoy.schemas.avro.MigrationCommand;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet rollout: the same revisions onto {@code databases} fresh databases of one PostgreSQL, by Convoy (all the
 * commands published in one Kafka transaction, as the planner's exactly-once output becomes visible: together, at
 * its commit; applied by 1, 2, 4 executors of one consumer group) and
 * by Flyway migrate in a sequential loop over the databases (in this JVM, warm, no process start per database).
 * Each configuration runs {@code repeats} times, in a rotating order; medians and ratios (Flyway / Convoy) are
 * quoted. Convoy's time runs from the first command handed to the producer to the last APPLIED event received;
 * the executors are started (and their group stable) before, as long-running services are.
 */
final class RolloutBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RolloutBenchmark.class);

    /**
     * @param warmupDatabases  databases of one warm-up round
     * @param maxWarmupRounds  warm-up rounds per configuration at most (at least 2 run unless this is 1)
     * @param executorSettings settings of every executor of the convoy-N configurations, over their defaults
     */
    record Settings(int databases, int revisions, int repeats, List<Integer> executors, int warmupDatabases, int maxWarmupRounds,
            Map<ExecutorConfig.Key, String> executorSettings) {}

    /** Warm-up ends for a configuration once two successive rounds differ by at most this fraction. */
    static final double WARMUP_TOLERANCE = 0.10;

    private RolloutBenchmark() {}

    /**
     * Runs the benchmark with autovacuum off in the server. It leaves ~50 databases per timed run there (up to 900
     * in a full run), and the autovacuum launcher starts a worker in every database once per
     * {@code autovacuum_naptime} (60 s), each a new backend (tens of ms of CPU in a database not yet connected to):
     * by the end ~15 per second, a quarter of the machine, whatever tool is being timed. Measured with it on: the
     * PostgreSQL CPU per step of every tool grew from one repeat to the next (Flyway 16 → 31 ms, plain SQL 8 → 13 ms).
     * The benchmark's tables never get the rows autovacuum would act on. Set back when it ends.
     */
    static Map<String, Object> run(Parts parts, EventWatcher watcher, Settings s, Path dir) throws Exception {
        parts.sql("ALTER SYSTEM SET autovacuum = off");
        parts.sql("SELECT pg_reload_conf()");
        try {
            Map<String, Object> out = runWithoutAutovacuum(parts, watcher, s, dir);
            out.put("autovacuum", "off during this benchmark (the launcher would start a worker in each of its hundreds of"
                    + " databases every autovacuum_naptime, whatever tool is timed)");
            return out;
        } finally {
            parts.sql("ALTER SYSTEM RESET autovacuum");
            parts.sql("SELECT pg_reload_conf()");
        }
    }

    private static Map<String, Object> runWithoutAutovacuum(Parts parts, EventWatcher watcher, Settings s, Path dir)
            throws Exception {
        CpuMeter meter = new CpuMeter(CPU_GROUPS, RolloutBenchmark::cpuGroup, parts.pg.directory().resolve("primary"));
        Revisions revisions = new Revisions(s.revisions());
        Path flywayDir = revisions.writeFlywayMigrations(dir.resolve("flyway-migrations"));
        List<String> configs = new ArrayList<>();
        configs.add("flyway");
        configs.add("plain-sql");
        int most = s.executors().get(s.executors().size() - 1);
        configs.add("plain-sql-" + most);
        configs.add("engine-" + most);
        s.executors().forEach(n -> configs.add("convoy-" + n));

        // Steady state first, as the audit benchmark does: every configuration runs warm-up rounds of
        // s.warmupDatabases() until two successive rounds agree within WARMUP_TOLERANCE. With one fixed warm-up round,
        // the JIT was still compiling the executors' code in the first timed repeat, which was the slowest of every
        // Convoy configuration.
        Map<String, List<Double>> warmups = new LinkedHashMap<>();
        for (String config : configs) {
            List<Double> rounds = new ArrayList<>();
            warmups.put(config, rounds);
            for (int w = 1; w <= s.maxWarmupRounds(); w++) {
                rounds.add(Stats.round(runOnce(parts, meter, watcher, revisions, flywayDir, config, "w" + w, s.warmupDatabases(), dir, s.executorSettings()).seconds()));
                log.info("rollout warm-up {} round {}: {} s", config, w, rounds.get(rounds.size() - 1));
                if (steady(rounds)) {
                    break;
                }
            }
        }

        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> cpu = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> requests = new LinkedHashMap<>();
        Map<String, List<Double>> sessions = new LinkedHashMap<>();
        Map<String, List<Long>> settled = new LinkedHashMap<>();
        configs.forEach(c -> settled.put(c, new ArrayList<>()));
        configs.forEach(c -> seconds.put(c, new ArrayList<>()));
        configs.forEach(c -> sessions.put(c, new ArrayList<>()));
        configs.forEach(c -> cpu.put(c, new ArrayList<>()));
        configs.forEach(c -> requests.put(c, new ArrayList<>()));
        for (int rep = 0; rep < s.repeats(); rep++) {
            for (int k = 0; k < configs.size(); k++) {
                String config = configs.get((k + rep) % configs.size());
                String prefix = "ro_r" + rep + "_" + config.replace('-', '_');
                Timed timed = runOnce(parts, meter, watcher, revisions, flywayDir, config, "r" + rep, s.databases(), dir, s.executorSettings());
                double t = timed.seconds();
                seconds.get(config).add(t);
                settled.get(config).add(timed.settledMs());
                cpu.get(config).add(meter.perUnit(timed.before(), timed.after(), s.databases() * s.revisions(), t));
                requests.get(config).add(BrokerRequests.perUnit(timed.requestsBefore(), timed.requestsAfter(), s.databases() * s.revisions()));
                // less the one connection per database made before the clock (runOnce)
                sessions.get(config).add((double) (parts.sessions(prefix + "_") - s.databases()) / (s.databases() * s.revisions()));
                log.info("rollout repeat {} {}: {} s", rep + 1, config, String.format("%.2f", t));
            }
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", s.databases() + " fresh databases x " + s.revisions() + " revisions; Convoy: all commands"
                + " published in one Kafka transaction (as the planner's exactly-once output), executors of one group started before timing; Flyway: migrate() per database in a"
                + " sequential loop, same JVM, same statements, same PostgreSQL; plain-sql: the floor, one JDBC connection per database"
                + " in a sequential loop, each statement in its own transaction, no version table; diagnostics (not"
                + " competitors) with the largest executor count N: plain-sql-N, the floor from N threads, and engine-N, core's"
                + " Migrator from N threads (lock, version and history tables; no Kafka); every database connected to once"
                + " before the clock; every clock started once no backend of a rollout database was left (ended sessions"
                + " still exiting: waited_for_exits_ms)");
        out.put("warmup", "every configuration ran rounds of " + s.warmupDatabases() + " databases, untimed, until two"
                + " successive rounds differed by at most " + Math.round(WARMUP_TOLERANCE * 100) + " % (at least "
                + Math.min(2, s.maxWarmupRounds()) + ", at most " + s.maxWarmupRounds() + " rounds)");
        Map<String, Object> warm = new LinkedHashMap<>();
        warmups.forEach((c, rounds) -> {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("seconds", rounds);
            w.put("steady", steady(rounds));
            warm.put(c, w);
        });
        out.put("warmup_rounds", warm);
        out.put("databases", s.databases());
        out.put("revisions", s.revisions());
        out.put("repeats", s.repeats());
        Map<String, String> executorSettings = new LinkedHashMap<>();
        s.executorSettings().forEach((k, v) -> executorSettings.put(k.key(), v));
        out.put("executor_settings", executorSettings.isEmpty() ? "the executor's defaults" : executorSettings);
        Map<String, Object> runs = new LinkedHashMap<>();
        double flyway = Stats.median(toArray(seconds.get("flyway")));
        for (String c : configs) {
            double[] v = toArray(seconds.get(c));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", seconds.get(c).stream().map(Stats::round).toList());
            m.put("median_seconds", Stats.round(Stats.median(v)));
            m.put("steps_per_second", Stats.round(s.databases() * s.revisions() / Stats.median(v)));
            m.put("waited_for_exits_ms", settled.get(c));
            m.put("postgres_sessions_per_step", Stats.round(Stats.median(toArray(sessions.get(c)))));
            m.put("cpu_ms_per_step", medians(cpu.get(c)));
            m.put("cpu_ms_per_step_per_repeat", cpu.get(c));
            m.put("kafka_requests_per_step", medians(requests.get(c)));
            if (!c.equals("flyway")) {
                m.put("speedup_vs_flyway", Stats.round(flyway / Stats.median(v)));
                // per repeat: the ratio against the Flyway loop of the same repeat
                List<Double> perRepeat = new ArrayList<>();
                for (int i = 0; i < v.length; i++) {
                    perRepeat.add(Stats.round(seconds.get("flyway").get(i) / v[i]));
                }
                m.put("speedup_per_repeat", perRepeat);
            }
            runs.put(c, m);
        }
        out.put("runs", runs);
        String best = "convoy-" + s.executors().get(s.executors().size() - 1);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("config", best);
        target.put("speedup_min", 3.0);
        target.put("met", flyway / Stats.median(toArray(seconds.get(best))) >= 3.0);
        out.put("target", target);
        return out;
    }

    /**
     * Where the CPU of a timed run went: the executors' threads (consumers, workers, producers), the bench's threads
     * (main, which runs Flyway and the plain loop; the diagnostics' threads; the watcher), the rest of this JVM (the
     * Kafka broker, the JIT, the GC), PostgreSQL and the whole machine. The registry is a child process, idle while
     * commands flow.
     */
    private static final List<String> CPU_GROUPS = List.of("executors", "bench_main_and_watcher", "kafka_broker_and_other");

    private static int cpuGroup(String thread) {
        if (thread.equals("main") || thread.startsWith("convoy-bench")) {
            return 1;
        }
        return thread.contains("convoy-executor") || thread.startsWith("convoy-") ? 0 : 2;
    }

    /** Per key, the median over the repeats. */
    private static Map<String, Object> medians(List<Map<String, Object>> repeats) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (repeats.isEmpty()) {
            return out;
        }
        for (String key : repeats.get(0).keySet()) {
            out.put(key, Stats.round(Stats.median(repeats.stream().filter(r -> r.get(key) instanceof Number)
                    .mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray())));
        }
        return out;
    }

    /** A timed run: its seconds, and the CPU and broker request snapshots taken when its clock started and stopped. */
    private record Timed(double seconds, CpuMeter.Snapshot before, CpuMeter.Snapshot after, Map<String, Long> requestsBefore,
            Map<String, Long> requestsAfter, long settledMs) {}

    /** The longest wait for ended sessions of rollout databases to exit before a clock starts. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);

    /**
     * Waits until no backend of a rollout database is left, so that no clock starts while sessions ended before it are
     * still exiting (~20 ms of PostgreSQL CPU each here, after the client has gone): the untimed pre-connections, the
     * executors' start-up reads (every executor reads every target) and the previous configuration's executor
     * sessions, closed with its group, hundreds of them. Without this, whichever configuration came next paid for them.
     * Returns how long it waited, in milliseconds.
     */
    private static long settle(CpuMeter meter) throws InterruptedException {
        return meter.awaitNoBackends("ro_", SETTLE_LIMIT);
    }

    /** Whether the last two warm-up rounds agree within {@link #WARMUP_TOLERANCE}. */
    static boolean steady(List<Double> rounds) {
        if (rounds.size() < 2) {
            return false;
        }
        double last = rounds.get(rounds.size() - 1);
        double before = rounds.get(rounds.size() - 2);
        return Math.abs(last - before) <= WARMUP_TOLERANCE * Math.max(last, before);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One rollout onto fresh databases (created before, not timed): its seconds and CPU snapshots. */
    private static Timed runOnce(Parts parts, CpuMeter meter, EventWatcher watcher, Revisions revisions, Path flywayDir, String config,
            String tag, int databases, Path dir, Map<ExecutorConfig.Key, String> executorSettings) throws Exception {
        String prefix = "ro_" + tag + "_" + config.replace('-', '_');
        List<String> dbs = new ArrayList<>();
        for (int i = 0; i < databases; i++) {
            String db = prefix + "_" + i;
            parts.createDatabase(db);
            dbs.add(db);
        }
        // Connected to once, untimed, for every configuration: a backend's first connection to a fresh database
        // builds its relation-cache init file (~20 ms of CPU against ~11 ms for a later connection here), which no
        // database of a real fleet has still to do. Without this, only the executors (whose start-up reads every
        // target's state before the clock) were spared it.
        for (String db : dbs) {
            try (Connection c = DriverManager.getConnection(parts.jdbcUrl(db))) {
                c.isValid(5);
            }
        }
        // Not dropped afterwards: DROP DATABASE forces a checkpoint, work that would fall into the next timed run.
        // The server's directory goes at the end of the benchmark.
        if (config.equals("flyway")) {
            return sequential(meter, dbs, db -> flyway(parts, db, flywayDir, revisions.count()));
        }
        if (config.equals("plain-sql")) {
            return sequential(meter, dbs, db -> plain(parts, db, revisions));
        }
        if (config.startsWith("plain-sql-")) {
            return parallel(meter, dbs, Integer.parseInt(config.substring("plain-sql-".length())), db -> plain(parts, db, revisions));
        }
        if (config.startsWith("engine-")) {
            return parallel(meter, dbs, Integer.parseInt(config.substring("engine-".length())),
                    db -> revisions.applyWithEngine(parts.jdbcUrl(db), db));
        }
        int executors = Integer.parseInt(config.substring("convoy-".length()));
        return convoy(parts, meter, watcher, revisions, dbs, executors, prefix, dir, executorSettings);
    }

    private static void flyway(Parts parts, String db, Path migrations, int expected) {
        MigrateResult r = Flyway.configure()
                .dataSource(parts.jdbcUrl(db), null, null)
                .locations("filesystem:" + migrations.toAbsolutePath())
                .load()
                .migrate();
        if (!r.success || r.migrationsExecuted != expected) {
            throw new IllegalStateException("Flyway on " + db + ": success " + r.success + ", " + r.migrationsExecuted
                    + " of " + expected + " migrations");
        }
    }

    /** The floor's work on one database: one JDBC connection, each statement in its own transaction, no bookkeeping. */
    private static void plain(Parts parts, String db, Revisions revisions) throws SQLException {
        try (Connection c = DriverManager.getConnection(parts.jdbcUrl(db)); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < revisions.count(); i++) {
                s.execute(revisions.upgradeSql(i));
                c.commit();
            }
        }
    }

    private interface PerDatabase {
        void run(String db) throws Exception;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Times {@code work} with the CPU meter's and the broker's request counts' snapshots around it. */
    private static Timed timed(CpuMeter meter, Work work) throws Exception {
        long settled = settle(meter);
        Map<String, Long> requests = BrokerRequests.snapshot();
        CpuMeter.Snapshot before = meter.snapshot();
        long t0 = System.nanoTime();
        work.run();
        return new Timed((System.nanoTime() - t0) / 1e9, before, meter.snapshot(), requests, BrokerRequests.snapshot(), settled);
    }

    /** A sequential loop over the databases on this thread (the Flyway loop and the plain floor). */
    private static Timed sequential(CpuMeter meter, List<String> dbs, PerDatabase work) throws Exception {
        return timed(meter, () -> {
            for (String db : dbs) {
                work.run(db);
            }
        });
    }

    /**
     * A diagnostic, not a competitor: {@code threads} threads taking the databases from one queue, each database's
     * work done by {@code work} (no Kafka). With the plain floor it is what the machine allows a parallel tool with
     * no bookkeeping at all; with core's Migrator, what Convoy's engine (migration lock, version and history tables,
     * one session per database) allows without the pipeline.
     */
    private static Timed parallel(CpuMeter meter, List<String> dbs, int threads, PerDatabase work) throws Exception {
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(dbs);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "convoy-bench-parallel-" + n.incrementAndGet()));
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    for (String db = queue.poll(); db != null; db = queue.poll()) {
                        work.run(db);
                    }
                    return null;
                });
            }
            return timed(meter, () -> {
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static Timed convoy(Parts parts, CpuMeter meter, EventWatcher watcher, Revisions revisions, List<String> dbs, int executors,
            String group, Path dir, Map<ExecutorConfig.Key, String> executorSettings) throws Exception {
        try (ExecutorGroup g = ExecutorGroup.start(parts, watcher, group, executors, dbs, dir, executorSettings)) {
            List<byte[]> values = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (String db : dbs) {
                for (int i = 0; i < revisions.count(); i++) {
                    MigrationCommand c = revisions.command(group, db, i);
                    keys.add(db);
                    values.add(parts.serialize(c));
                    ids.add(c.getCommandId());
                }
            }
            long settled = settle(meter);
            Map<String, Long> requests = BrokerRequests.snapshot();
            CpuMeter.Snapshot before = meter.snapshot();
            long t0 = System.nanoTime();
            parts.sendInTransaction(keys, values);
            List<EventWatcher.Arrival> arrivals = watcher.awaitAll(ids, Duration.ofMinutes(5));
            CpuMeter.Snapshot after = meter.snapshot();
            Map<String, Long> requestsAfter = BrokerRequests.snapshot();
            long last = arrivals.stream().mapToLong(EventWatcher.Arrival::receivedNanos).max().orElseThrow();
            List<String> notApplied = arrivals.stream().filter(a -> !a.applied())
                    .map(a -> a.event().getCommandId() + " " + a.event().getStatus() + " " + a.event().getErrorCode()).toList();
            if (!notApplied.isEmpty()) {
                throw new IllegalStateException(notApplied.size() + " step(s) not applied, e.g. " + notApplied.get(0));
            }
            watcher.forget(ids);
            return new Timed((last - t0) / 1e9, before, after, requests, requestsAfter, settled);
        }
    }
}

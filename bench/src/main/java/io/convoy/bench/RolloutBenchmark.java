package io.convoy.bench;

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
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet rollout: the same revisions onto {@code databases} fresh databases of one PostgreSQL, by Convoy (all the
 * commands published at once, as the planner emits them, applied by 1, 2, 4 executors of one consumer group) and
 * by Flyway migrate in a sequential loop over the databases (in this JVM, warm, no process start per database).
 * Each configuration runs {@code repeats} times, in a rotating order; medians and ratios (Flyway / Convoy) are
 * quoted. Convoy's time runs from the first command handed to the producer to the last APPLIED event received;
 * the executors are started (and their group stable) before, as long-running services are.
 */
final class RolloutBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RolloutBenchmark.class);

    record Settings(int databases, int revisions, int repeats, List<Integer> executors, int warmupDatabases) {}

    private RolloutBenchmark() {}

    static Map<String, Object> run(Parts parts, EventWatcher watcher, Settings s, Path dir) throws Exception {
        Revisions revisions = new Revisions(s.revisions());
        Path flywayDir = revisions.writeFlywayMigrations(dir.resolve("flyway-migrations"));
        List<String> configs = new ArrayList<>();
        configs.add("flyway");
        configs.add("plain-sql");
        s.executors().forEach(n -> configs.add("convoy-" + n));

        log.info("rollout warm-up: {} databases each way", s.warmupDatabases());
        runOnce(parts, watcher, revisions, flywayDir, "flyway", "w", s.warmupDatabases(), dir);
        runOnce(parts, watcher, revisions, flywayDir, "plain-sql", "w", s.warmupDatabases(), dir);
        runOnce(parts, watcher, revisions, flywayDir, "convoy-" + s.executors().get(s.executors().size() - 1), "w", s.warmupDatabases(), dir);

        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<Double>> sessions = new LinkedHashMap<>();
        configs.forEach(c -> seconds.put(c, new ArrayList<>()));
        configs.forEach(c -> sessions.put(c, new ArrayList<>()));
        for (int rep = 0; rep < s.repeats(); rep++) {
            for (int k = 0; k < configs.size(); k++) {
                String config = configs.get((k + rep) % configs.size());
                String prefix = "ro_r" + rep + "_" + config.replace('-', '_');
                double t = runOnce(parts, watcher, revisions, flywayDir, config, "r" + rep, s.databases(), dir);
                seconds.get(config).add(t);
                sessions.get(config).add((double) parts.sessions(prefix + "_") / (s.databases() * s.revisions()));
                log.info("rollout repeat {} {}: {} s", rep + 1, config, String.format("%.2f", t));
            }
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", s.databases() + " fresh databases x " + s.revisions() + " revisions; Convoy: all commands"
                + " published at once, executors of one group started before timing; Flyway: migrate() per database in a"
                + " sequential loop, same JVM, same statements, same PostgreSQL; plain-sql: the floor, one JDBC connection per database"
                + " in a sequential loop, each statement in its own transaction, no version table");
        out.put("databases", s.databases());
        out.put("revisions", s.revisions());
        out.put("repeats", s.repeats());
        Map<String, Object> runs = new LinkedHashMap<>();
        double flyway = Stats.median(toArray(seconds.get("flyway")));
        for (String c : configs) {
            double[] v = toArray(seconds.get(c));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", seconds.get(c).stream().map(Stats::round).toList());
            m.put("median_seconds", Stats.round(Stats.median(v)));
            m.put("steps_per_second", Stats.round(s.databases() * s.revisions() / Stats.median(v)));
            m.put("postgres_sessions_per_step", Stats.round(Stats.median(toArray(sessions.get(c)))));
            if (c.startsWith("convoy-")) {
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

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One rollout onto fresh databases (created before, not timed); seconds. */
    private static double runOnce(Parts parts, EventWatcher watcher, Revisions revisions, Path flywayDir, String config,
            String tag, int databases, Path dir) throws Exception {
        String prefix = "ro_" + tag + "_" + config.replace('-', '_');
        List<String> dbs = new ArrayList<>();
        for (int i = 0; i < databases; i++) {
            String db = prefix + "_" + i;
            parts.createDatabase(db);
            dbs.add(db);
        }
        // Not dropped afterwards: DROP DATABASE forces a checkpoint, work that would fall into the next timed run.
        // The server's directory goes at the end of the benchmark.
        if (config.equals("flyway")) {
            return flywayLoop(parts, dbs, flywayDir, revisions.count());
        }
        if (config.equals("plain-sql")) {
            return plainLoop(parts, dbs, revisions);
        }
        int executors = Integer.parseInt(config.substring("convoy-".length()));
        return convoy(parts, watcher, revisions, dbs, executors, prefix, dir);
    }

    private static double flywayLoop(Parts parts, List<String> dbs, Path migrations, int expected) {
        long t0 = System.nanoTime();
        for (String db : dbs) {
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
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The floor: one JDBC connection per database, each statement in its own transaction, no bookkeeping at all. */
    private static double plainLoop(Parts parts, List<String> dbs, Revisions revisions) throws SQLException {
        long t0 = System.nanoTime();
        for (String db : dbs) {
            try (Connection c = DriverManager.getConnection(parts.jdbcUrl(db)); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (int i = 0; i < revisions.count(); i++) {
                    s.execute(revisions.upgradeSql(i));
                    c.commit();
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double convoy(Parts parts, EventWatcher watcher, Revisions revisions, List<String> dbs, int executors,
            String group, Path dir) throws Exception {
        try (ExecutorGroup g = ExecutorGroup.start(parts, watcher, group, executors, dbs, dir, Map.of())) {
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
            long t0 = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                sent.add(parts.sendSerialized(keys.get(i), values.get(i)));
            }
            parts.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            List<EventWatcher.Arrival> arrivals = watcher.awaitAll(ids, Duration.ofMinutes(5));
            long last = arrivals.stream().mapToLong(EventWatcher.Arrival::receivedNanos).max().orElseThrow();
            List<String> notApplied = arrivals.stream().filter(a -> !a.applied())
                    .map(a -> a.event().getCommandId() + " " + a.event().getStatus() + " " + a.event().getErrorCode()).toList();
            if (!notApplied.isEmpty()) {
                throw new IllegalStateException(notApplied.size() + " step(s) not applied, e.g. " + notApplied.get(0));
            }
            watcher.forget(ids);
            return (last - t0) / 1e9;
        }
    }
}

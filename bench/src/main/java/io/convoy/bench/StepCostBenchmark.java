package io.convoy.bench;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.VersionTables;
import io.convoy.testkit.postgres.PostgresCluster;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A diagnostic of the rollout: where PostgreSQL's CPU goes when Convoy's engine applies a step, sequentially (no
 * parallel noise), one session per database for every variant. Four variants of the same revisions on fresh databases:
 * <ul>
 *   <li>{@code plain}: the rollout's floor, each statement in its own transaction;</li>
 *   <li>{@code plain+3-round-trips}: the same with three more (empty) round trips per step, as many as the engine
 *       adds to the floor's two (its settings, the heads check, the version and history rows);</li>
 *   <li>{@code plain+convoy-tables}: the floor after creating Convoy's tables under the migration lock, as the
 *       engine does on a fresh database;</li>
 *   <li>{@code engine}: core's {@code Migrator} itself ({@link Revisions#applyWithEngine}).</li>
 * </ul>
 * Each runs with {@code revisions} and with three times as many steps per database. A variant's extra cost over the
 * floor per step, {@code e(s) = a + b / s} with {@code s} steps per database, then splits into what it costs per
 * database ({@code b}: the tables, a new session's first use of them) and per step ({@code a}). PostgreSQL's CPU is
 * its whole server's (postmaster, every backend, ended ones included), as in the rollout benchmark.
 */
final class StepCostBenchmark {
    private static final Logger log = LoggerFactory.getLogger(StepCostBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final List<String> VARIANTS = List.of("plain", "plain+3-round-trips", "plain+convoy-tables", "engine");

    record Settings(int databases, int revisions, int repeats) {}

    private StepCostBenchmark() {}

    /** With autovacuum off while it runs, as in the rollout benchmark (see there why), set back at the end. */
    static Map<String, Object> run(PostgresCluster pg, Settings s) throws Exception {
        sql(pg, "ALTER SYSTEM SET autovacuum = off");
        try {
            return measure(pg, s);
        } finally {
            sql(pg, "ALTER SYSTEM RESET autovacuum");
        }
    }

    private static void sql(PostgresCluster pg, String statement) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute(statement);
            st.execute("SELECT pg_reload_conf()");
        }
    }

    private static Map<String, Object> measure(PostgresCluster pg, Settings s) throws Exception {
        CpuMeter meter = new CpuMeter(List.of("jvm"), t -> 0, pg.directory().resolve("primary"));
        int[] stepCounts = {s.revisions(), 3 * s.revisions()};
        // the same number of steps in every run: a third as many databases when each has three times the steps
        int[] databaseCounts = {s.databases(), Math.max(1, s.databases() / 3)};
        Map<Integer, Revisions> revisions = Map.of(stepCounts[0], new Revisions(stepCounts[0]), stepCounts[1],
                new Revisions(stepCounts[1]));
        // [steps][variant] -> per repeat {postgres ms, jvm thread ms} per step
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        int dbCounter = 0;
        for (int rep = 0; rep <= s.repeats(); rep++) {
            for (int k = 0; k < VARIANTS.size(); k++) {
                String variant = VARIANTS.get((k + rep) % VARIANTS.size());
                for (int i = 0; i < stepCounts.length; i++) {
                    int steps = stepCounts[i];
                    int dbs = databaseCounts[i];
                    List<String> names = new ArrayList<>();
                    for (int d = 0; d < dbs; d++) {
                        String db = "sc_" + (dbCounter++);
                        pg.createDatabase(db);
                        try (Connection c = pg.connect(db)) {
                            c.isValid(5); // a fresh database's first connection builds its init file: not timed
                        }
                        names.add(db);
                    }
                    meter.awaitNoBackends("sc_", Duration.ofMinutes(1));
                    CpuMeter.Snapshot before = meter.snapshot();
                    long jvm0 = THREADS.getCurrentThreadCpuTime();
                    for (String db : names) {
                        apply(pg, db, variant, revisions.get(steps));
                    }
                    meter.awaitNoBackends("sc_", Duration.ofMinutes(1)); // this run's sessions' exits are its own
                    CpuMeter.Snapshot after = meter.snapshot();
                    double jvm = (THREADS.getCurrentThreadCpuTime() - jvm0) / 1e6 / (dbs * steps);
                    Object postgres = meter.perUnit(before, after, dbs * steps, 0).get("postgres");
                    if (rep == 0 || !(postgres instanceof Number p)) {
                        continue; // the first round warms up the JIT and the server
                    }
                    samples.computeIfAbsent(variant + "@" + steps, x -> new ArrayList<>()).add(new double[] {p.doubleValue(), jvm});
                    log.info("stepcost repeat {} {} with {} steps per database: PostgreSQL {} ms per step, JVM {} ms", rep,
                            variant, steps, p, String.format("%.2f", jvm));
                }
            }
        }
        return report(s, stepCounts, databaseCounts, samples);
    }

    private static Map<String, Object> report(Settings s, int[] stepCounts, int[] databaseCounts,
            Map<String, List<double[]>> samples) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", "sequential, one session per fresh database for every variant; CPU per step of the whole"
                + " PostgreSQL server (postmaster, every backend, ended ones included) and of the applying JVM thread;"
                + " variants: " + VARIANTS + "; each with " + stepCounts[0] + " and " + stepCounts[1] + " steps per database"
                + " (" + databaseCounts[0] + " and " + databaseCounts[1] + " databases); a variant's extra over plain,"
                + " e(s) = per_step + per_database / s, solved from the two step counts");
        out.put("repeats", s.repeats());
        Map<String, Object> runs = new LinkedHashMap<>();
        Map<String, double[]> medians = new LinkedHashMap<>();
        samples.forEach((key, rows) -> {
            double pgMs = Stats.median(rows.stream().mapToDouble(r -> r[0]).toArray());
            double jvmMs = Stats.median(rows.stream().mapToDouble(r -> r[1]).toArray());
            medians.put(key, new double[] {pgMs, jvmMs});
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("postgres_ms_per_step", rows.stream().map(r -> Stats.round(r[0])).toList());
            m.put("jvm_thread_ms_per_step", rows.stream().map(r -> Stats.round(r[1])).toList());
            m.put("median_postgres_ms_per_step", Stats.round(pgMs));
            m.put("median_jvm_thread_ms_per_step", Stats.round(jvmMs));
            runs.put(key, m);
        });
        out.put("runs", runs);
        Map<String, Object> split = new LinkedHashMap<>();
        for (String variant : VARIANTS.subList(1, VARIANTS.size())) {
            double[] few = extra(medians, variant, stepCounts[0]);
            double[] many = extra(medians, variant, stepCounts[1]);
            if (few == null || many == null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < 2; i++) {
                // few = a + b / s0, many = a + b / s1
                double b = (few[i] - many[i]) / (1.0 / stepCounts[0] - 1.0 / stepCounts[1]);
                double a = many[i] - b / stepCounts[1];
                String what = i == 0 ? "postgres" : "jvm_thread";
                m.put(what + "_extra_ms_per_step_at_" + stepCounts[0], Stats.round(few[i]));
                m.put(what + "_extra_ms_per_step_at_" + stepCounts[1], Stats.round(many[i]));
                m.put(what + "_ms_per_database", Stats.round(b));
                m.put(what + "_ms_per_step", Stats.round(a));
            }
            split.put(variant, m);
        }
        out.put("extra_over_plain", split);
        return out;
    }

    private static double[] extra(Map<String, double[]> medians, String variant, int steps) {
        double[] v = medians.get(variant + "@" + steps);
        double[] plain = medians.get("plain@" + steps);
        return v == null || plain == null ? null : new double[] {v[0] - plain[0], v[1] - plain[1]};
    }

    private static void apply(PostgresCluster pg, String db, String variant, Revisions revisions) throws SQLException {
        if (variant.equals("engine")) {
            revisions.applyWithEngine(pg.jdbcUrl(db), db);
            return;
        }
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            if (variant.equals("plain+convoy-tables")) {
                st.execute("SELECT pg_try_advisory_lock(1)");
                st.execute(String.join(";\n", new VersionTables(ApplyOptions.defaults().versionSchema()).ddl(false)));
            }
            boolean roundTrips = variant.equals("plain+3-round-trips");
            c.setAutoCommit(false);
            for (int i = 0; i < revisions.count(); i++) {
                if (roundTrips) {
                    st.execute("SELECT 1");
                    st.execute("SELECT 1");
                }
                st.execute(revisions.upgradeSql(i));
                if (roundTrips) {
                    st.execute("SELECT 1");
                }
                c.commit();
            }
        }
    }
}

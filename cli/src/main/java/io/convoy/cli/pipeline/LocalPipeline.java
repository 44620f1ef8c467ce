package io.convoy.cli.pipeline;

import io.convoy.audit.AuditConfig;
import io.convoy.audit.AuditSinkService;
import io.convoy.executor.ExecutorConfig;
import io.convoy.executor.ExecutorService;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.monitor.MonitorService;
import io.convoy.monitor.config.MonitorConfig;
import io.convoy.planner.PlannerService;
import io.convoy.planner.config.PlannerConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import io.convoy.testkit.postgres.PostgresCluster;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The whole pipeline in one process: a KRaft broker, an Apicurio registry, PostgreSQL primary + standby with one
 * database per target, the planner and executors of one group, the monitor over the primary and its standby and the
 * audit sink, wired by hand with the files they read written into {@code workDir} (fleet.yaml, targets.yaml,
 * clusters.yaml; the audit NDJSON files go to {@code audit/}). Used by {@code convoy local} and by the end-to-end tests.
 */
public final class LocalPipeline implements AutoCloseable {
    public static final String GROUP = "convoy-local-executors";
    /** The id of the one PostgreSQL cluster, in the fleet file, the targets file, clusters.yaml and control scopes. */
    public static final String CLUSTER = "local";

    private final Path workDir;
    private final Path versions;
    private final List<String> targets;
    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final PostgresCluster cluster;
    private final Path fleetFile;
    private final Path targetsFile;
    private final Path clustersFile;
    private final Path auditDirectory;
    private final Map<String, Duration> startup = new java.util.LinkedHashMap<>();
    private PlannerService planner;
    private final List<ExecutorService> executors = new ArrayList<>();
    private MonitorService monitor;
    private AuditSinkService audit;
    private AuditConfig auditConfig;
    private EmbeddedOpenSearch search;

    private LocalPipeline(Path workDir, Path versions, List<String> targets, EmbeddedKafka kafka, EmbeddedRegistry registry,
            PostgresCluster cluster) {
        this.workDir = workDir;
        this.versions = versions;
        this.targets = List.copyOf(targets);
        this.kafka = kafka;
        this.registry = registry;
        this.cluster = cluster;
        this.fleetFile = workDir.resolve("fleet.yaml");
        this.targetsFile = workDir.resolve("targets.yaml");
        this.clustersFile = workDir.resolve("clusters.yaml");
        this.auditDirectory = workDir.resolve("audit");
    }

    /**
     * Starts Kafka, the registry and PostgreSQL in parallel, creates the target databases and writes fleet.yaml and
     * targets.yaml; the planner and executors are started by {@link #startPlanner()} and {@link #startExecutor}.
     */
    public static LocalPipeline startParts(Path workDir, Path versions, List<String> targets, boolean standby) {
        try {
            if (Files.exists(workDir)) {
                try (Stream<Path> all = Files.walk(workDir)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedKafka> k = CompletableFuture.supplyAsync(EmbeddedKafka::start);
        CompletableFuture<EmbeddedRegistry> r = CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        CompletableFuture<PostgresCluster> p = CompletableFuture.supplyAsync(() -> PostgresCluster.builder().withStandby(standby).start());
        try {
            CompletableFuture.allOf(k, r, p).join();
        } catch (RuntimeException e) {
            Stream.of(k, r, p).forEach(f -> f.thenAccept(c -> {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }));
            throw e;
        }
        LocalPipeline lp = new LocalPipeline(workDir, versions, targets, k.join(), r.join(), p.join());
        lp.startup.put("kafka", lp.kafka.startupTime());
        lp.startup.put("registry", lp.registry.startupTime());
        lp.startup.put("postgres", lp.cluster.startupTime());
        lp.startup.put("parts (parallel)", Duration.ofNanos(System.nanoTime() - t0));
        targets.forEach(lp.cluster::createDatabase);
        lp.writeFiles();
        return lp;
    }

    private void writeFiles() {
        StringBuilder fleet = new StringBuilder("clusters:\n  - id: " + CLUSTER + "\n");
        if (cluster.hasStandby()) {
            fleet.append("    standbys: [").append(PostgresCluster.STANDBY_NAME).append("]\n");
        }
        fleet.append("targets:\n");
        StringBuilder tf = new StringBuilder("targets:\n");
        for (String t : targets) {
            fleet.append("  - id: ").append(t).append("\n    cluster: " + CLUSTER + "\n    labels: {env: dev, region: ")
                    .append(t.substring(t.lastIndexOf('_') + 1)).append("}\n");
            tf.append("  ").append(t).append(":\n    url: ").append(cluster.jdbcUrl(t)).append("\n    user: ")
                    .append(PostgresCluster.USER).append("\n    cluster: " + CLUSTER + "\n");
        }
        StringBuilder clusters = new StringBuilder("clusters:\n  - id: " + CLUSTER + "\n    primary: ")
                .append(cluster.jdbcUrl("postgres")).append("\n    user: ").append(PostgresCluster.USER).append('\n');
        if (cluster.hasStandby()) {
            clusters.append("    standbys:\n      - name: ").append(PostgresCluster.STANDBY_NAME).append("\n        slot: ")
                    .append(PostgresCluster.SLOT).append('\n');
        }
        try {
            Files.writeString(fleetFile, fleet);
            Files.writeString(targetsFile, tf);
            Files.writeString(clustersFile, clusters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PlannerConfig plannerConfig() {
        return PlannerConfig.defaults(workDir)
                .with(PlannerConfig.Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(PlannerConfig.Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl())
                .with(PlannerConfig.Key.VERSIONS, versions.toString())
                .with(PlannerConfig.Key.FLEET_FILE, fleetFile.toString())
                .with(PlannerConfig.Key.STATE_DIR, workDir.resolve("planner-state").toString())
                .with(PlannerConfig.Key.STATE_CHECK_INTERVAL, "200ms")
                .with(PlannerConfig.Key.STATE_WAIT, "60s")
                .with(PlannerConfig.Key.METRICS_PORT, "0");
    }

    /** Starts the planner and waits until its streams run. */
    public synchronized PlannerService startPlanner() throws InterruptedException {
        long t0 = System.nanoTime();
        planner = new PlannerService(plannerConfig());
        planner.start();
        if (!planner.awaitRunning(Duration.ofSeconds(120))) {
            throw new IllegalStateException("the planner did not reach RUNNING (state " + planner.state() + ")");
        }
        startup.put("planner", Duration.ofNanos(System.nanoTime() - t0));
        return planner;
    }

    public ExecutorConfig executorConfig(String id) {
        Map<ExecutorConfig.Key, String> v = new EnumMap<>(ExecutorConfig.Key.class);
        v.put(ExecutorConfig.Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        v.put(ExecutorConfig.Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        v.put(ExecutorConfig.Key.GROUP_ID, GROUP);
        v.put(ExecutorConfig.Key.EXECUTOR_ID, id);
        v.put(ExecutorConfig.Key.TARGETS_FILE, targetsFile.toString());
        v.put(ExecutorConfig.Key.POLL_TIMEOUT, "100ms");
        v.put(ExecutorConfig.Key.RETRY_INITIAL_BACKOFF, "200ms");
        v.put(ExecutorConfig.Key.RETRY_MAX_BACKOFF, "2s");
        v.put(ExecutorConfig.Key.REGISTRY_RETRY_BACKOFF, "500ms");
        v.put(ExecutorConfig.Key.METRICS_PORT, "0");
        return ExecutorConfig.of(v, "convoy local", workDir);
    }

    /** Starts one more executor of the group, with its own gate (tests use it to hold a step in flight). */
    public synchronized ExecutorService startExecutor(String id, StepGate gate) {
        long t0 = System.nanoTime();
        ExecutorService e = new ExecutorService(executorConfig(id), TargetsFile.load(targetsFile, Map.of()), Clock.systemUTC(), gate);
        e.start();
        executors.add(e);
        startup.put("executor " + id, Duration.ofNanos(System.nanoTime() - t0));
        return e;
    }

    /**
     * The monitor's settings for this pipeline, written to monitor.yaml in the work directory and read back (so that
     * they are checked together): clusters.yaml, metrics on any free port, the default thresholds, then
     * {@code overrides} (tests lower the thresholds).
     */
    public MonitorConfig monitorConfig(Map<MonitorConfig.Key, String> overrides) {
        Map<MonitorConfig.Key, String> values = new EnumMap<>(MonitorConfig.Key.class);
        values.put(MonitorConfig.Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(MonitorConfig.Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        values.put(MonitorConfig.Key.CLUSTERS_FILE, clustersFile.toString());
        values.put(MonitorConfig.Key.STATE_DIR, workDir.resolve("monitor-state").toString());
        values.put(MonitorConfig.Key.MONITOR_ID, "convoy-local-monitor");
        values.put(MonitorConfig.Key.APPLICATION_ID, "convoy-local-monitor");
        values.put(MonitorConfig.Key.METRICS_PORT, "0");
        values.putAll(overrides);
        StringBuilder yaml = new StringBuilder("# written by convoy local\n");
        values.forEach((k, v) -> yaml.append(k.key()).append(": '").append(v.replace("'", "''")).append("'\n"));
        Path file = workDir.resolve("monitor.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MonitorConfig.load(workDir, Optional.of(file), Map.of());
    }

    /** Starts the monitor over the primary and its standby (clusters.yaml). */
    public synchronized MonitorService startMonitor(Map<MonitorConfig.Key, String> overrides) {
        long t0 = System.nanoTime();
        MonitorService m = new MonitorService(monitorConfig(overrides));
        monitor = m;
        m.start();
        startup.put("monitor", Duration.ofNanos(System.nanoTime() - t0));
        return m;
    }

    /**
     * Starts the audit sink over every topic: NDJSON files in {@link #auditDirectory()}, and into the data stream of
     * {@code searchUrl} when given.
     */
    public synchronized AuditSinkService startAuditSink(Optional<String> searchUrl) {
        long t0 = System.nanoTime();
        Map<String, String> values = new java.util.HashMap<>();
        values.put(AuditConfig.Key.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        values.put(AuditConfig.Key.SCHEMA_REGISTRY_URL.key(), registry.ccompatUrl());
        values.put(AuditConfig.Key.DIRECTORY.key(), auditDirectory.toString());
        values.put(AuditConfig.Key.GROUP_ID.key(), "convoy-local-audit");
        values.put(AuditConfig.Key.SEARCH_URL.key(), searchUrl.orElse(""));
        auditConfig = AuditConfig.from(values, Map.of());
        AuditSinkService a = new AuditSinkService(auditConfig, Clock.systemUTC());
        audit = a;
        a.start();
        startup.put("audit sink", Duration.ofNanos(System.nanoTime() - t0));
        return a;
    }

    /** Starts an in-JVM OpenSearch node for the audit sink's data stream (~350 MB; its start-up time is recorded). */
    public EmbeddedOpenSearch startSearch() {
        EmbeddedOpenSearch s = EmbeddedOpenSearch.start(); // not under the lock: the other services start meanwhile
        synchronized (this) {
            search = s;
            startup.put("opensearch", s.startupTime());
        }
        return s;
    }

    public synchronized Optional<EmbeddedOpenSearch> search() { return Optional.ofNullable(search); }

    public synchronized Optional<PlannerService> planner() { return Optional.ofNullable(planner); }

    public synchronized Optional<MonitorService> monitor() { return Optional.ofNullable(monitor); }

    public synchronized Optional<AuditSinkService> auditSink() { return Optional.ofNullable(audit); }

    public Path clustersFile() { return clustersFile; }

    public Path auditDirectory() { return auditDirectory; }

    /** The audit data stream, when the sink indexes into a search cluster. */
    public synchronized Optional<String> auditDataStream() {
        return auditConfig == null || auditConfig.searchUrl().isEmpty() ? Optional.empty() : Optional.of(auditConfig.dataStream());
    }

    public String bootstrapServers() { return kafka.bootstrapServers(); }

    public String registryUrl() { return registry.ccompatUrl(); }

    public Endpoints endpoints() { return new Endpoints(kafka.bootstrapServers(), registry.ccompatUrl(), "convoy local"); }

    public PostgresCluster postgres() { return cluster; }

    public EmbeddedKafka kafka() { return kafka; }

    public EmbeddedRegistry registry() { return registry; }

    public List<String> targets() { return targets; }

    public Path fleetFile() { return fleetFile; }

    public Path targetsFile() { return targetsFile; }

    public Path workDir() { return workDir; }

    public synchronized List<ExecutorService> executors() { return List.copyOf(executors); }

    public Map<String, Duration> startupTimes() { return Map.copyOf(startup); }

    /** Stops everything, services first. */
    @Override
    public synchronized void close() {
        executors.parallelStream().forEach(ExecutorService::close);
        Stream.<AutoCloseable>of(planner, monitor, audit, search, registry, kafka, cluster).filter(java.util.Objects::nonNull).forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        });
    }
}

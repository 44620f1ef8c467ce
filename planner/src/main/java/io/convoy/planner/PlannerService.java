package io.convoy.planner;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.metrics.MetricsServer;
import io.convoy.core.script.FileNameTemplate;
import io.convoy.core.script.ScriptDirectory;
import io.convoy.core.util.Secrets;
import io.convoy.planner.config.PlannerConfig;
import io.convoy.planner.fleet.Fleet;
import io.convoy.planner.fleet.FleetFile;
import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.metrics.PlannerMetrics;
import io.convoy.planner.lint.ShadowPlanLinter;
import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.shadow.ShadowDatabase;
import java.time.Clock;
import java.util.Set;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.RequestValidator;
import io.convoy.planner.plan.TargetPlanner;
import io.convoy.planner.stream.PlannerTopology;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner service: reads the versions directory and the fleet file, creates the pipeline's topics, and runs the
 * {@link PlannerTopology} with exactly-once processing. Wired by hand ({@link Main}); {@link #start()} once, then
 * {@link #close()}.
 *
 * <p>The versions directory and the fleet file are read once, when the service is built: a malformed revision
 * (MIG010), a graph that does not resolve (MIG001) or a bad fleet file (MIG020) stops it before it touches Kafka.
 * Restart the planner to pick up new revisions or targets.
 *
 * <p>{@code /metrics} (Prometheus: {@link PlannerMetrics}, the Kafka Streams client metrics through Micrometer's
 * {@link KafkaStreamsMetrics}, JVM memory) and {@code /health} (UP while the streams run or rebalance) are served on
 * 127.0.0.1 at {@code metrics_port} (0: any free port, -1: off).
 */
public final class PlannerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final PlannerConfig config;
    private final Fleet fleet;
    private final RevisionGraph graph;
    private final PlanLinter linter;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PlannerMetrics metrics = new PlannerMetrics(meters);
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private MetricsServer metricsServer;
    private boolean closed;
    private boolean ownsLinter;

    /**
     * Reads the versions directory and the fleet file named by {@code config}; lints as {@code lint} and
     * {@code verify_rollback_envs} say (see {@link #linter}).
     */
    public PlannerService(PlannerConfig config) {
        this(config, FleetFile.load(config.fleetFile()), loadGraph(config));
    }

    private PlannerService(PlannerConfig config, Fleet fleet, RevisionGraph graph) {
        this(config, fleet, graph, linter(config, fleet, graph));
        ownsLinter = true;
    }

    /**
     * The linter {@code config} asks for: {@link PlanLinter#NONE} when {@code lint} is false and
     * {@code verify_rollback_envs} is empty, else a {@link ShadowPlanLinter} (its shadow PostgreSQL starts on the
     * first plan that needs it) reading each target's {@code env} label from {@code fleet}.
     */
    public static PlanLinter linter(PlannerConfig config, Fleet fleet, RevisionGraph graph) {
        if (!config.lint() && config.verifyRollbackEnvs().isEmpty()) {
            return PlanLinter.NONE;
        }
        return new ShadowPlanLinter(graph, ShadowDatabase::start, ApplyOptions.defaults(), Clock.systemUTC(),
                config.lintRows(), config.lint(), id -> fleet.target(id).map(t -> t.labels().get("env")),
                Set.copyOf(config.verifyRollbackEnvs()));
    }

    public PlannerService(PlannerConfig config, Fleet fleet, RevisionGraph graph, PlanLinter linter) {
        this.config = Objects.requireNonNull(config, "config");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.graph = Objects.requireNonNull(graph, "graph");
        this.linter = Objects.requireNonNull(linter, "linter");
    }

    /** The revision graph of the versions directory; MIG010/MIG001/MIG020 when it cannot be read or does not resolve. */
    public static RevisionGraph loadGraph(PlannerConfig config) {
        return RevisionGraph.of(new ScriptDirectory(config.versionsDirectory(), FileNameTemplate.defaults()).load());
    }

    public Fleet fleet() {
        return fleet;
    }

    public RevisionGraph graph() {
        return graph;
    }

    /**
     * Creates the missing topics (and registers the message schemas when {@code auto_register_schemas}), checks that
     * the topics keyed by target id are co-partitioned, and starts processing. Returns once started; see
     * {@link #awaitRunning}.
     */
    public synchronized void start() {
        if (streams != null || closed) {
            throw new IllegalStateException("the planner service was already started");
        }
        LOG.info("planner starting: {} revision(s), heads {}, {} target(s) on {} cluster(s)\n{}", graph.revisions().size(),
                graph.heads(), fleet.targets().size(), fleet.clusters().size(), config.describe());
        SchemaRegistryClient registry = new SchemaRegistryClient(config.schemaRegistryUrl());
        SerdeConfig serdes = new SerdeConfig(registry, config.autoRegisterSchemas());
        Map<String, Integer> partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            if (config.autoRegisterSchemas()) {
                TopicAdmin.ensureTopics(admin, registry, Topics.all());
            } else {
                TopicAdmin.ensureTopics(admin, Topics.all());
            }
            partitions = partitionCounts(admin, List.of(Topics.REQUESTS, Topics.STEP_EVENTS, Topics.TARGET_STATE));
        }
        int steps = partitions.get(Topics.STEP_EVENTS.name());
        int states = partitions.get(Topics.TARGET_STATE.name());
        if (steps != states) {
            throw new ConvoyException(ErrorCode.MIG020, Topics.STEP_EVENTS.name() + " has " + steps + " partitions but "
                    + Topics.TARGET_STATE.name() + " has " + states + ": topics keyed by target id must have the same"
                    + " partition count, so that a target's step events and state meet in one planner task");
        }
        PlannerTopology.Settings settings = new PlannerTopology.Settings(partitions.get(Topics.REQUESTS.name()), steps,
                config.stateCheckInterval(), config.requestRetention());
        Topology topology = PlannerTopology.build(
                new RequestLedger(new RequestValidator(fleet, graph)),
                new TargetLedger(new TargetPlanner(graph, linter),
                        new CommandFactory(config.lockTimeout(), config.statementTimeout()), config.stateWait()),
                serdes, settings, metrics);
        LOG.debug("planner topology:\n{}", topology.describe());
        KafkaStreams ks = new KafkaStreams(topology, streamsProperties(config));
        ks.setUncaughtExceptionHandler(e -> {
            // E.g. the registry is unreachable: the record may be fine, so retry it on a new thread (exactly-once:
            // from the last commit) instead of setting it aside.
            LOG.error("planner stream thread failed, replacing it: {}", Secrets.mask(String.valueOf(e)), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        ks.setStateListener((now, before) -> {
            LOG.info("planner streams {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams = ks;
        new JvmMemoryMetrics().bindTo(meters);
        streamsMetrics = new KafkaStreamsMetrics(ks);
        streamsMetrics.bindTo(meters);
        if (config.metricsPort().isPresent()) {
            try {
                metricsServer = MetricsServer.start(config.metricsPort().get(), meters::scrape, this::health);
            } catch (ConvoyException e) {
                streamsMetrics.close();
                throw e;
            }
        }
        ks.start();
    }

    /** UP while the streams run or rebalance (DOWN when created, stopping, stopped or failed). */
    public MetricsServer.Health health() {
        KafkaStreams.State s = state();
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("streams", s.name());
        checks.put("plans in flight", Long.toString(metrics.plansInFlight()));
        return new MetricsServer.Health(s.isRunningOrRebalancing(), checks);
    }

    public PlannerMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meters;
    }

    /** The port of /metrics and /health; empty when off or not started. */
    public synchronized java.util.Optional<Integer> metricsPort() {
        return metricsServer == null ? java.util.Optional.empty() : java.util.Optional.of(metricsServer.port());
    }

    /** Waits until the streams are RUNNING (all tasks assigned and restored); false on timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Blocks until the service stops (closed, or the streams died). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The streams' state; CREATED before {@link #start()}. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Stops processing (committing what was processed) and leaves the consumer group. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (streams != null) {
            // Leave the group: the tasks move to the other planners (or a restarted one) at once, instead of after
            // the session timeout of a member that is gone.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (ownsLinter && linter instanceof ShadowPlanLinter shadowLinter) {
            shadowLinter.close();
        }
        stopped.countDown();
        LOG.info("planner stopped");
    }

    /** The Kafka Streams settings of the planner: exactly-once v2, no record cache (stores are written through). */
    public static Properties streamsProperties(PlannerConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return p;
    }

    private static Map<String, Integer> partitionCounts(Admin admin, List<Topic<String, ?>> topics) {
        List<String> names = topics.stream().map(Topic::name).toList();
        try {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            return described.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvoyException(ErrorCode.MIG099, "interrupted while describing " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot describe topics " + names + " (check bootstrap_servers): "
                    + e.getMessage(), e);
        }
    }
}

package io.convoy.monitor;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.metrics.MetricsServer;
import io.convoy.core.util.Secrets;
import io.convoy.monitor.alert.AlertEngine;
import io.convoy.monitor.alert.AlertKind;
import io.convoy.monitor.alert.HaltPolicy;
import io.convoy.monitor.alert.Thresholds;
import io.convoy.monitor.config.ClusterSpec;
import io.convoy.monitor.config.ClustersFile;
import io.convoy.monitor.config.MonitorConfig;
import io.convoy.monitor.duration.DurationTopology;
import io.convoy.monitor.metrics.MonitorMetrics;
import io.convoy.monitor.probe.LagProbe;
import io.convoy.monitor.probe.LockProbe;
import io.convoy.monitor.probe.ProbeSession;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.ControlFeed;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.control.HaltState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor service, wired by hand ({@link Main}): probes every cluster of {@code clusters.yaml} each poll interval
 * (lag and lock probes, each on its own connection), runs the step-duration detector (Kafka Streams), publishes alerts
 * on convoy.alerts, halts and resumes clusters on convoy.control (reading the topic back into a {@link HaltState}
 * first, so that it knows the operators' halts), and serves /metrics and /health. {@link #start()} once, then
 * {@link #close()}.
 */
public final class MonitorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);
    /** application_name of the probe sessions (so that they can be told apart in pg_stat_activity). */
    public static final String APPLICATION_NAME = "convoy-monitor";
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final MonitorConfig config;
    private final List<ClusterSpec> clusters;
    private final Map<String, String> env;
    private final Clock clock;
    private final HaltState haltState = new HaltState();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MonitorMetrics metrics = new MonitorMetrics(registry, haltState);
    private final List<ClusterWatch> watches = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaProducer<String, Alert> alertProducer;
    private KafkaProducer<String, ControlRecord> controlProducer;
    private ControlFeed feed;
    private ScheduledExecutorService scheduler;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private MetricsServer metricsServer;
    private boolean started;
    private boolean closed;

    /** Reads the clusters file named by {@code config}; the environment holds the password_env variables. */
    public MonitorService(MonitorConfig config) {
        this(config, ClustersFile.load(config.clustersFile()), System.getenv(), Clock.systemUTC());
    }

    public MonitorService(MonitorConfig config, List<ClusterSpec> clusters, Map<String, String> env, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clusters = List.copyOf(clusters);
        this.env = Map.copyOf(env);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the missing topics, reads convoy.control to its end, then starts probing, the duration detector and
     * the metrics server. MIG020 on a bad setting (e.g. the metrics port taken), MIG021 when Kafka cannot be reached.
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("the monitor service was already started");
        }
        started = true;
        String actor = config.monitorId();
        LOG.info("monitor {} starting: {} cluster(s) {}\n{}", actor, clusters.size(), clusters, config.describe());
        SchemaRegistryClient registryClient = new SchemaRegistryClient(config.schemaRegistryUrl());
        SerdeConfig serdes = new SerdeConfig(registryClient, config.autoRegisterSchemas());
        Map<String, Object> kafka = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            if (config.autoRegisterSchemas()) {
                TopicAdmin.ensureTopics(admin, registryClient, Topics.all());
            } else {
                TopicAdmin.ensureTopics(admin, Topics.all());
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ConvoyException(ErrorCode.MIG021, "cannot prepare the topics on " + config.bootstrapServers() + ": "
                    + Secrets.mask(e.getMessage()), e);
        }
        alertProducer = new KafkaProducer<>(producerProperties("convoy-monitor-alerts"), Topics.ALERTS.keySerde().serializer(),
                Topics.ALERTS.valueSerde(serdes).serializer());
        controlProducer = new KafkaProducer<>(producerProperties("convoy-monitor-control"), Topics.CONTROL.keySerde().serializer(),
                Topics.CONTROL.valueSerde(serdes).serializer());

        Map<String, Object> consumer = new LinkedHashMap<>(kafka);
        consumer.put("client.id", "convoy-monitor-control-feed");
        feed = new ControlFeed(consumer, serdes, haltState, (key, value) -> metrics.halts(haltState));
        feed.start();
        try {
            if (!feed.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
                throw new ConvoyException(ErrorCode.MIG021, "could not read " + Topics.CONTROL.name() + " to its end within "
                        + CATCH_UP_TIMEOUT.toSeconds() + " s from " + config.bootstrapServers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvoyException(ErrorCode.MIG099, "interrupted while reading " + Topics.CONTROL.name(), e);
        }
        metrics.halts(haltState);

        HaltPolicy policy = config.haltOnCritical() ? new HaltPolicy(actor, haltState, clock, config.holdDown()) : null;
        AlertEngine engine = new AlertEngine(thresholds(), config.holdDown(), clock, policy, new AlertEngine.Sink() {
            @Override
            public void alert(String key, Alert alert) {
                publishAlert(key, alert);
            }

            @Override
            public void control(String key, ControlRecord record) {
                publishControl(key, record);
            }
        });
        if (policy != null) {
            // A monitor halt in force from an earlier run: lifted once the cluster stayed quiet for the hold-down.
            for (ClusterSpec c : clusters) {
                if (haltState.inForce(ControlScope.cluster(c.id()).key()).filter(h -> h.origin() == ControlOrigin.MONITOR).isPresent()) {
                    policy.inherit(c.id());
                }
            }
        }

        int connectTimeout = (int) Math.max(1, Math.min(30, config.probeTimeout().toSeconds() + 1));
        for (ClusterSpec c : clusters) {
            ConnectionSource source = c.connectionSource(APPLICATION_NAME, env, connectTimeout);
            watches.add(new ClusterWatch(c,
                    new LagProbe(c, new ProbeSession(source, config.probeTimeout())),
                    new LockProbe(new ProbeSession(source, config.probeTimeout())),
                    engine, metrics, clock));
        }
        scheduler = Executors.newScheduledThreadPool(Math.max(1, Math.min(4, watches.size())), r -> {
            Thread t = new Thread(r, "convoy-monitor-probe");
            t.setDaemon(true);
            return t;
        });
        for (ClusterWatch w : watches) {
            scheduler.scheduleWithFixedDelay(w::round, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        }

        streams = new KafkaStreams(DurationTopology.build(Topics.STEP_EVENTS.valueSerde(serdes), Topics.ALERTS.valueSerde(serdes),
                Thresholds.seconds(config.durationWarn(), config.durationCritical()), config.pollInterval(), config.holdDown(),
                metrics), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("step-duration detector thread failed, replacing it: {}", Secrets.mask(String.valueOf(e)), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        streams.start();

        config.metricsPort().ifPresent(port -> metricsServer = MetricsServer.start(port, registry::scrape, this::health));
        LOG.info("monitor {} started", actor);
    }

    private Map<AlertKind, Thresholds> thresholds() {
        Map<AlertKind, Thresholds> t = new LinkedHashMap<>();
        t.put(AlertKind.REPLICATION_LAG, Thresholds.seconds(config.lagWarn(), config.lagCritical()));
        t.put(AlertKind.STANDBY_MISSING, Thresholds.seconds(Duration.ZERO, config.standbyMissingCritical()));
        t.put(AlertKind.LOCK_WAIT, Thresholds.seconds(config.lockWarn(), config.lockCritical()));
        t.put(AlertKind.STEP_DURATION, Thresholds.seconds(config.durationWarn(), config.durationCritical()));
        return t;
    }

    private void publishAlert(String key, Alert alert) {
        metrics.alert(alert);
        LOG.info("alert {} {} {}: {}", alert.getSeverity(), alert.getCode(), key, alert.getMessage());
        try {
            alertProducer.send(new ProducerRecord<>(Topics.ALERTS.name(), key, alert), (meta, e) -> {
                if (e != null) {
                    LOG.error("could not publish alert {} ({} {}): {}", alert.getAlertId(), alert.getSeverity(), key, e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.error("could not publish alert {} ({} {}): {}", alert.getAlertId(), alert.getSeverity(), key, e.toString());
        }
    }

    private void publishControl(String key, ControlRecord record) {
        LOG.warn("control {} {} by {}: {}", record.getAction(), key, record.getActor(), record.getReason());
        try {
            controlProducer.send(new ProducerRecord<>(Topics.CONTROL.name(), key, record), (meta, e) -> {
                if (e != null) {
                    LOG.error("could not publish {} for {}: executors were NOT told: {}", record.getAction(), key, e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.error("could not publish {} for {}: executors were NOT told: {}", record.getAction(), key, e.toString());
        }
    }

    private Map<String, Object> producerProperties(String clientId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Sends happen on the probe threads: never block them long when the brokers are away.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        return p;
    }

    private Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        return p;
    }

    /** What /health answers: up while the control feed follows the topic and the detector runs; clusters listed. */
    public MetricsServer.Health health() {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean up = true;
        ControlFeed f = feed;
        boolean following = f != null && f.isCaughtUp() && f.isRunning();
        checks.put("control", following ? "caught up, " + haltState.size() + " halt(s) in force"
                : f != null && !f.isRunning() ? "stopped (see the log)" : "not caught up");
        up &= following;
        KafkaStreams s = streams;
        KafkaStreams.State state = s == null ? KafkaStreams.State.CREATED : s.state();
        checks.put("step-durations", state.name());
        up &= state.isRunningOrRebalancing();
        for (ClusterWatch w : watches) {
            checks.put("cluster " + w.id(), w.status());
        }
        return new MetricsServer.Health(up, checks);
    }

    /** The halts in force, as read back from convoy.control. */
    public HaltState haltState() {
        return haltState;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The port of /metrics and /health; empty when off or not started. */
    public synchronized java.util.Optional<Integer> metricsPort() {
        return metricsServer == null ? java.util.Optional.empty() : java.util.Optional.of(metricsServer.port());
    }

    public synchronized KafkaStreams.State durationDetectorState() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Blocks until {@link #close()}. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops probing, the detector, the feed, the producers and the metrics server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ClusterWatch w : watches) {
            w.close();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (alertProducer != null) {
            alertProducer.close(Duration.ofSeconds(10));
        }
        if (controlProducer != null) {
            controlProducer.close(Duration.ofSeconds(10));
        }
        stopped.countDown();
        LOG.info("monitor stopped");
    }
}

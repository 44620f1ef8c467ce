package io.convoy.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.monitor.config.ClusterSpec.StandbySpec;
import io.convoy.monitor.config.ClusterSpec;
import io.convoy.monitor.config.MonitorConfig.Key;
import io.convoy.monitor.config.MonitorConfig;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.control.ControlFeed;
import io.convoy.schemas.control.ControlOrders;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.control.HaltState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.kafka.TopicTail;
import io.convoy.testkit.postgres.PostgresCluster;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitor end to end against a real KRaft broker, a real Apicurio registry and a real PostgreSQL 15 primary with
 * a streaming standby. Thresholds lowered: lag warn > 2 s, critical > 4 s; lock warn > 1 s; step duration warn > 2 s;
 * hold-down 2 s; poll every 500 ms.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorIT {
    private static final String CLUSTER = "c1";
    private static final String STANDBY_SCOPE = "standby:c1/" + PostgresCluster.STANDBY_NAME;
    private static final String CLUSTER_SCOPE = "cluster:c1";
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static PostgresCluster pg;
    private static Path stateDir;
    private static MonitorService monitor;
    private static SerdeConfig serdes;
    private static TopicTail<Alert> alerts;
    private static TopicTail<ControlRecord> controls;
    private static KafkaProducer<String, ControlRecord> operator;
    private static KafkaProducer<String, StepEvent> executor;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // The three parts start in parallel: each mostly waits for its own process or threads.
        CompletableFuture<EmbeddedRegistry> registryStart = CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        CompletableFuture<PostgresCluster> pgStart = CompletableFuture.supplyAsync(PostgresCluster::startWithStandby);
        kafka = EmbeddedKafka.start();
        registry = registryStart.join();
        pg = pgStart.join();
        System.out.printf("Kafka %d ms, registry %d ms, PostgreSQL primary + standby %d ms (in parallel)%n",
                kafka.startupTime().toMillis(), registry.startupTime().toMillis(), pg.startupTime().toMillis());
        pg.createDatabase("app");
        try (Connection c = pg.connect("app"); Statement s = c.createStatement()) {
            s.execute("create table accounts (id int primary key, balance int not null)");
            s.execute("insert into accounts select g, 100 from generate_series(1, 10) g");
        }
        stateDir = Files.createTempDirectory("monitor-it-");
        MonitorConfig config = MonitorConfig.defaults(stateDir)
                .with(Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl())
                .with(Key.POLL_INTERVAL, "500ms")
                .with(Key.LAG_WARN, "2s").with(Key.LAG_CRITICAL, "4s")
                .with(Key.LOCK_WARN, "1s").with(Key.LOCK_CRITICAL, "60s")
                .with(Key.DURATION_WARN, "2s").with(Key.DURATION_CRITICAL, "60s")
                .with(Key.STANDBY_MISSING_CRITICAL, "60s")
                .with(Key.HOLD_DOWN, "2s")
                .with(Key.METRICS_PORT, "0")
                .with(Key.MONITOR_ID, "monitor-it")
                .with(Key.APPLICATION_ID, "monitor-it")
                .with(Key.STATE_DIR, stateDir.resolve("state").toString());
        ClusterSpec cluster = ClusterSpec.of(CLUSTER, pg.jdbcUrl("postgres"),
                List.of(new StandbySpec(PostgresCluster.STANDBY_NAME, Optional.of(PostgresCluster.SLOT))));
        monitor = new MonitorService(config, List.of(cluster), Map.of(), Clock.systemUTC());
        monitor.start();
        serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
        alerts = new TopicTail<>(kafka.bootstrapServers(), Topics.ALERTS.name(), Topics.ALERTS.keySerde().deserializer(),
                Topics.ALERTS.valueSerde(serdes).deserializer());
        controls = new TopicTail<>(kafka.bootstrapServers(), Topics.CONTROL.name(), Topics.CONTROL.keySerde().deserializer(),
                Topics.CONTROL.valueSerde(serdes).deserializer());
        Map<String, Object> producer = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        operator = new KafkaProducer<>(producer, Topics.CONTROL.keySerde().serializer(), Topics.CONTROL.valueSerde(serdes).serializer());
        executor = new KafkaProducer<>(producer, Topics.STEP_EVENTS.keySerde().serializer(), Topics.STEP_EVENTS.valueSerde(serdes).serializer());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {executor, operator, controls, alerts, monitor, pg, registry, kafka}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
        if (stateDir != null) {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<AlertSeverity> severities(String scope, String code) {
        return alerts.values(scope).stream().filter(a -> a.getCode().equals(code)).map(Alert::getSeverity).toList();
    }

    private static List<ControlRecord> controlRecords() {
        return controls.values(CLUSTER_SCOPE);
    }

    private static void pauseReplayAndWrite(Statement standby) throws SQLException {
        standby.execute("select pg_wal_replay_pause()");
        try (Connection c = pg.connect("app"); Statement s = c.createStatement()) {
            s.execute("update accounts set balance = balance + 1");
        }
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitor.metricsPort().orElseThrow() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    @Order(1)
    void lagRaisesWarningThenCriticalHaltsTheClusterThenResolvesAndResumesIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> pg.standbyLagBytes().orElse(-1L) == 0L);
        try (Connection st = pg.connectStandby("postgres"); Statement s = st.createStatement()) {
            pauseReplayAndWrite(s);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> severities(STANDBY_SCOPE, "MIG002").size() >= 2);
                await().atMost(Duration.ofSeconds(10)).until(() -> !controlRecords().isEmpty());
                assertThat(monitor.haltState().isHalted("any-target", CLUSTER)).isTrue();
                String metrics = get("/metrics");
                assertThat(metrics).startsWith("200 ").contains("convoy_halts_in_force 1.0")
                        .containsPattern("convoy_replication_lag_seconds\\{cluster=\"c1\",standby=\"convoy_standby\"} [1-9]")
                        .containsPattern("convoy_replication_lag_bytes\\{cluster=\"c1\",standby=\"convoy_standby\"} [1-9]")
                        .contains("convoy_halt{action=\"HALT\",origin=\"MONITOR\",scope=\"cluster:c1\"} 1.0");
            } finally {
                s.execute("select pg_wal_replay_resume()");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> controlRecords().size() >= 2);
        assertThat(severities(STANDBY_SCOPE, "MIG002")).as("one alert per state change")
                .containsExactly(AlertSeverity.WARNING, AlertSeverity.CRITICAL, AlertSeverity.RESOLVED);
        List<Alert> episode = alerts.values(STANDBY_SCOPE);
        Alert critical = episode.get(1);
        assertThat(critical.getValue()).isGreaterThan(4.0);
        assertThat(critical.getThreshold()).isEqualTo(4.0);
        assertThat(critical.getClusterId()).isEqualTo(CLUSTER);
        assertThat(Long.parseLong(critical.getDetails().get("lag_bytes"))).isPositive();
        assertThat(episode).extracting(Alert::getAlertId).containsOnly(episode.get(0).getAlertId());
        assertThat(episode.get(2).getUpdatedAt()).as("RESOLVED after the hold-down")
                .isAfterOrEqualTo(critical.getUpdatedAt().plusSeconds(2));

        List<ControlRecord> orders = controlRecords();
        assertThat(orders).extracting(ControlRecord::getAction).containsExactly(ControlAction.HALT, ControlAction.RESUME);
        ControlRecord halt = orders.get(0);
        assertThat(halt.getOrigin()).isEqualTo(ControlOrigin.MONITOR);
        assertThat(halt.getActor()).isEqualTo("monitor-it");
        assertThat(halt.getAlertId()).isEqualTo(critical.getAlertId());
        assertThat(Duration.between(critical.getUpdatedAt(), halt.getIssuedAt())).as("halt within a second of the CRITICAL")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(orders.get(1).getAlertId()).isEqualTo(critical.getAlertId());
        await().atMost(Duration.ofSeconds(10)).until(() -> !monitor.haltState().isHalted("any-target", CLUSTER));
    }

    @Test
    @Order(2)
    void anOperatorHaltOnTheScopePreventsTheMonitorsResume() throws Exception {
        int ordersBefore = controlRecords().size();
        int alertsBefore = alerts.values(STANDBY_SCOPE).size();
        try (Connection st = pg.connectStandby("postgres"); Statement s = st.createStatement()) {
            pauseReplayAndWrite(s);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> controlRecords().size() > ordersBefore);
                assertThat(controlRecords().get(ordersBefore).getAction()).isEqualTo(ControlAction.HALT);
                operator.send(new ProducerRecord<>(Topics.CONTROL.name(), CLUSTER_SCOPE, ControlRecord.newBuilder()
                        .setScope(CLUSTER_SCOPE).setAction(ControlAction.HALT).setOrigin(ControlOrigin.OPERATOR)
                        .setActor("alice").setReason("investigating the replica").setIssuedAt(Instant.now()).build())).get();
                await().atMost(Duration.ofSeconds(10)).until(() -> monitor.haltState().operatorHaltInForce(CLUSTER_SCOPE));
            } finally {
                s.execute("select pg_wal_replay_resume()");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                alerts.values(STANDBY_SCOPE).stream().skip(alertsBefore).anyMatch(a -> a.getSeverity() == AlertSeverity.RESOLVED));
        // the monitor would have resumed within a poll of the RESOLVED: give it a few, it must not
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                controlRecords().stream().skip(ordersBefore).noneMatch(r -> r.getAction() == ControlAction.RESUME));
        assertThat(controlRecords().stream().skip(ordersBefore).map(r -> r.getAction() + " " + r.getOrigin()).toList())
                .containsExactly("HALT MONITOR", "HALT OPERATOR");
        assertThat(monitor.haltState().isHalted("any-target", CLUSTER)).isTrue();

        // only an operator lifts it
        operator.send(new ProducerRecord<>(Topics.CONTROL.name(), CLUSTER_SCOPE, ControlRecord.newBuilder()
                .setScope(CLUSTER_SCOPE).setAction(ControlAction.RESUME).setOrigin(ControlOrigin.OPERATOR)
                .setActor("alice").setReason("replica fine").setIssuedAt(Instant.now()).build())).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> !monitor.haltState().isHalted("any-target", CLUSTER));
    }

    @Test
    @Order(3)
    void aMigrationWaitingForALockRaisesAnAlertNamingTheBlocker() throws Exception {
        try (Connection app = session("billing-api"); Connection migration = session("convoy-executor/p9/t9")) {
            int appPid;
            try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
                rs.next();
                appPid = rs.getInt(1);
            }
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("update accounts set balance = 0 where id = 3");
            }
            CompletableFuture<Void> alter = CompletableFuture.runAsync(() -> {
                try (Statement s = migration.createStatement()) {
                    s.execute("alter table accounts add column note text");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> !alerts.values("target:t9").isEmpty());
            } finally {
                app.rollback();
            }
            alter.get();
            Alert warning = alerts.values("target:t9").get(0);
            assertThat(warning.getCode()).isEqualTo("MIG003");
            assertThat(warning.getSeverity()).isEqualTo(AlertSeverity.WARNING);
            assertThat(warning.getMetric()).isEqualTo("lock_wait_seconds");
            assertThat(warning.getClusterId()).isEqualTo(CLUSTER);
            assertThat(warning.getDetails()).containsEntry("blocking_pids", Integer.toString(appPid))
                    .containsEntry("plan_id", "p9").containsEntry("waiting_query", "alter table accounts add column note text")
                    .containsEntry("direction", "migration waits for other sessions");
            assertThat(warning.getDetails().get("blocker_queries")).contains("billing-api")
                    .contains("update accounts set balance = 0 where id = 3");
            assertThat(warning.getMessage()).contains("target t9 on cluster c1").contains("waits for pid(s) " + appPid);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> severities("target:t9", "MIG003").contains(AlertSeverity.RESOLVED));
        assertThat(severities("target:t9", "MIG003")).containsExactly(AlertSeverity.WARNING, AlertSeverity.RESOLVED);
    }

    @Test
    @Order(4)
    void aStepRunningTooLongRaisesADurationAlertThatResolvesWhenItIsApplied() throws Exception {
        Instant started = Instant.now();
        executor.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), "t-slow", step("t-slow", StepStatus.STARTED, started, null))).get();
        await().atMost(Duration.ofSeconds(60)).until(() -> !alerts.values("target:t-slow").isEmpty());
        Alert warning = alerts.values("target:t-slow").get(0);
        assertThat(warning.getCode()).isEqualTo("DURATION");
        assertThat(warning.getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(warning.getValue()).isGreaterThan(2.0);
        assertThat(warning.getDetails()).containsEntry("command_id", "cmd-t-slow");

        executor.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), "t-slow",
                step("t-slow", StepStatus.APPLIED, Instant.now(), Duration.between(started, Instant.now()).toMillis()))).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> severities("target:t-slow", "DURATION").contains(AlertSeverity.RESOLVED));
        assertThat(severities("target:t-slow", "DURATION")).containsExactly(AlertSeverity.WARNING, AlertSeverity.RESOLVED);
        assertThat(controlRecords().stream().filter(r -> r.getOrigin() == ControlOrigin.MONITOR)
                .map(ControlRecord::getAlertId)).doesNotContain(warning.getAlertId());

        String metrics = get("/metrics");
        assertThat(metrics).contains("convoy_step_duration_seconds_count{status=\"APPLIED\"} 1")
                .contains("convoy_alerts_total{code=\"DURATION\",severity=\"WARNING\"} 1.0")
                .contains("kafka_consumer_fetch_manager_records_lag");
    }

    @Test
    @Order(5)
    void healthIsUpWithEveryPartListed() throws Exception {
        String health = get("/health");
        assertThat(health).startsWith("200 ").contains("\"status\":\"UP\"").contains("\"cluster c1\":\"ok\"")
                .contains("\"step-durations\":\"RUNNING\"").contains("\"control\":\"caught up, 0 halt(s) in force\"");
    }

    @Test
    @Order(6)
    void aNewReaderOfTheControlTopicSeesTheHaltsInForceAsAnExecutorWouldAtStartUp() throws Exception {
        operator.send(new ProducerRecord<>(Topics.CONTROL.name(), "target:t-held",
                ControlOrders.operator(ControlScope.target("t-held"), ControlAction.HALT, "bob", "hold t-held", Instant.now()))).get();
        HaltState state = new HaltState();
        try (ControlFeed feed = new ControlFeed(Map.of("bootstrap.servers", kafka.bootstrapServers()), serdes, state)) {
            feed.start();
            assertThat(feed.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(state.halts()).containsOnlyKeys("target:t-held");
            assertThat(state.isHalted("t-held", CLUSTER)).isTrue();
            assertThat(state.isHalted("other", CLUSTER)).as("cluster:c1 was halted and resumed twice: not in force").isFalse();
            // and it keeps following: a later order arrives within a poll
            operator.send(new ProducerRecord<>(Topics.CONTROL.name(), "all",
                    ControlOrders.operator(ControlScope.ALL, ControlAction.PANIC, "bob", "stop everything", Instant.now()))).get();
            await().atMost(Duration.ofSeconds(5)).until(() -> state.isPanicked("other", CLUSTER));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.haltState().size() == 2);
    }

    private static Connection session(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        return java.sql.DriverManager.getConnection(pg.jdbcUrl("app"), p);
    }

    private static StepEvent step(String target, StepStatus status, Instant at, Long durationMs) {
        return StepEvent.newBuilder().setEventId(target + "-" + status).setCommandId("cmd-" + target).setPlanId("plan-it")
                .setRequestId("req-it").setTargetId(target).setRevision("3f2a9c1b7d4e").setDirection(Direction.UPGRADE)
                .setStatus(status).setAttempts(1).setDurationMs(durationMs).setExecutorId("executor-it")
                .setHeads(List.of()).setOccurredAt(at).build();
    }
}

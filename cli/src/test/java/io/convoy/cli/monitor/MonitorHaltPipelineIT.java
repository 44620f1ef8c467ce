package io.convoy.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.cli.pipeline.LocalPipeline;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.executor.step.StepGate;
import io.convoy.monitor.MonitorService;
import io.convoy.monitor.config.MonitorConfig.Key;
import io.convoy.schemas.Topic;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.TopicTail;
import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 4 end to end: the planner, two executors and the monitor as services in one JVM over a real KRaft broker,
 * Apicurio registry and PostgreSQL 15 primary + streaming standby ({@link LocalPipeline}, as {@code convoy local}
 * wires them). Monitor thresholds lowered: lag warn > 2 s, critical > 4 s, hold-down 2 s, poll every 500 ms.
 * A plan of ten write-heavy revisions per target runs while replay on the standby is paused: WARNING, CRITICAL, HALT of
 * the cluster, executors HALTED and nothing new starts; replay resumed: RESOLVED, RESUME, the plan completes with each
 * revision applied once. Then the standby is stopped: a missing-standby alert.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorHaltPipelineIT {
    private static final List<String> TARGETS = List.of("halt_a", "halt_b");
    private static final int REVISIONS = 10;
    private static final String STANDBY_SCOPE = "standby:" + LocalPipeline.CLUSTER + "/" + PostgresCluster.STANDBY_NAME;
    private static final String CLUSTER_SCOPE = "cluster:" + LocalPipeline.CLUSTER;
    private static final Duration WAIT = Duration.ofMinutes(2);

    private static Path work;
    private static LocalPipeline pipeline;
    private static MonitorService monitor;
    private static TopicTail<Alert> alerts;
    private static TopicTail<ControlRecord> controls;
    private static TopicTail<StepEvent> steps;
    private static TopicTail<PlanEvent> plans;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("convoy-monitor-halt-it-");
        Path versions = writeRevisions(work.resolve("versions"));
        long t0 = System.nanoTime();
        pipeline = LocalPipeline.startParts(work.resolve("local"), versions, TARGETS, true);
        monitor = pipeline.startMonitor(Map.of(Key.POLL_INTERVAL, "500ms", Key.LAG_WARN, "2s", Key.LAG_CRITICAL, "4s",
                Key.HOLD_DOWN, "2s", Key.STANDBY_MISSING_CRITICAL, "60s", Key.LOCK_CRITICAL, "60s"));
        pipeline.startPlanner();
        pipeline.startExecutor("halt-it-1", StepGate.OPEN);
        pipeline.startExecutor("halt-it-2", StepGate.OPEN);
        System.out.printf("pipeline with monitor up in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, pipeline.startupTimes());
        SerdeConfig serdes = SerdeConfig.of(new SchemaRegistryClient(pipeline.registryUrl()));
        alerts = tail(Topics.ALERTS, serdes);
        controls = tail(Topics.CONTROL, serdes);
        steps = tail(Topics.STEP_EVENTS, serdes);
        plans = tail(Topics.PLAN_EVENTS, serdes);
    }

    @AfterAll
    static void stop() throws Exception {
        Stream.<AutoCloseable>of(alerts, controls, steps, plans, pipeline).filter(java.util.Objects::nonNull).forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        });
        if (work != null) {
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Ten chained transactional revisions, each writing 20,000 rows of 200 bytes and then sleeping 0.8 s. */
    private static Path writeRevisions(Path dir) throws Exception {
        Files.createDirectories(dir);
        String down = null;
        for (int i = 1; i <= REVISIONS; i++) {
            String rev = revision(i);
            Files.writeString(dir.resolve(rev + "_write_batch_" + i + ".sql"), "-- convoy:revision: " + rev + "\n"
                    + (down == null ? "" : "-- convoy:down_revision: " + down + "\n")
                    + "-- convoy:message: write batch " + i + "\n\n"
                    + "-- convoy:upgrade\n"
                    + "CREATE TABLE batch_" + i + " (id int PRIMARY KEY, pad text NOT NULL);\n"
                    + "INSERT INTO batch_" + i + " SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;\n"
                    + "SELECT pg_sleep(0.8);\n\n"
                    + "-- convoy:downgrade\nDROP TABLE batch_" + i + ";\n");
            down = rev;
        }
        return dir;
    }

    private static String revision(int i) {
        return String.format("b0000000%04d", i);
    }

    @Test
    @Order(1)
    void replayPausedWhileAPlanRunsHaltsTheClusterAndResumingReplayFinishesThePlanWithEachRevisionOnce() throws Exception {
        PostgresCluster pg = pipeline.postgres();
        await().atMost(WAIT).until(() -> pg.standbyLagBytes().orElse(-1L) == 0L);
        String requestId = "halt-it-" + System.nanoTime();
        new PipelineClient(pipeline.endpoints()).submit(MigrationRequest.newBuilder().setRequestId(requestId)
                .setRequestedBy("it").setTargets(TargetSelection.newBuilder().setTargetIds(TARGETS).setSelector(Map.of()).build())
                .setTargetRevision("head").setDirection(Direction.UPGRADE).setDryRun(false).setTicket(null)
                .setReason("monitor halt e2e").setCreatedAt(Instant.now()).setApprovals(List.of()).build());
        await().atMost(WAIT).until(() -> count(requestId, StepStatus.APPLIED) >= 1);

        try (Connection standby = pg.connectStandby("postgres"); Statement s = standby.createStatement()) {
            s.execute("select pg_wal_replay_pause()");
            try {
                await().atMost(WAIT).until(() -> severities().contains(AlertSeverity.CRITICAL));
                assertThat(severities()).as("WARNING first, then CRITICAL").containsExactly(AlertSeverity.WARNING, AlertSeverity.CRITICAL);
                await().atMost(Duration.ofSeconds(30)).until(() -> !controls.values(CLUSTER_SCOPE).isEmpty());
                ControlRecord halt = controls.values(CLUSTER_SCOPE).get(0);
                assertThat(halt.getAction()).isEqualTo(ControlAction.HALT);
                assertThat(halt.getOrigin()).isEqualTo(ControlOrigin.MONITOR);
                assertThat(halt.getAlertId()).isEqualTo(alerts.values(STANDBY_SCOPE).get(1).getAlertId());

                // The executors report HALTED for the steps they hold (a running transactional step is rolled back
                // before its next statement; a new step waits before its first one). A target whose command is queued
                // behind a held one on the same executor just waits: it reports nothing.
                await().atMost(WAIT).until(() -> TARGETS.stream().anyMatch(t -> halted(requestId, t)));
                assertThat(TARGETS.stream().filter(t -> !done(requestId, t))).as("the plan was still running when it was halted")
                        .isNotEmpty();
                assertThat(pipeline.executors()).allSatisfy(e -> assertThat(e.halts().isHalted(TARGETS.get(0), LocalPipeline.CLUSTER)).isTrue());
                // Nothing new starts and nothing is applied while the halt is in force.
                long started = count(requestId, StepStatus.STARTED);
                long applied = count(requestId, StepStatus.APPLIED);
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                        count(requestId, StepStatus.STARTED) == started && count(requestId, StepStatus.APPLIED) == applied);
                assertThat(controls.values(CLUSTER_SCOPE)).as("no RESUME while replay is paused").hasSize(1);
            } finally {
                s.execute("select pg_wal_replay_resume()");
            }
        }

        await().atMost(WAIT).until(() -> controls.values(CLUSTER_SCOPE).size() >= 2);
        assertThat(severities()).as("one alert per state change").containsExactly(AlertSeverity.WARNING, AlertSeverity.CRITICAL,
                AlertSeverity.RESOLVED);
        List<ControlRecord> orders = controls.values(CLUSTER_SCOPE);
        assertThat(orders).extracting(r -> r.getAction() + " " + r.getOrigin()).containsExactly("HALT MONITOR", "RESUME MONITOR");
        await().atMost(WAIT).until(() -> plans.values(requestId).stream()
                .anyMatch(e -> e.getTargetId() == null && (e.getStatus() == PlanStatus.COMPLETED || e.getStatus() == PlanStatus.FAILED)));
        assertThat(plans.values(requestId)).filteredOn(e -> e.getTargetId() == null).extracting(PlanEvent::getStatus)
                .containsExactly(PlanStatus.ACCEPTED, PlanStatus.COMPLETED);

        List<StepEvent> events = stepsOf(requestId);
        assertThat(events).extracting(StepEvent::getStatus).contains(StepStatus.HALTED, StepStatus.RESUMED);
        for (String t : TARGETS) {
            List<StepStatus> seq = events.stream().filter(e -> e.getTargetId().equals(t)).map(StepEvent::getStatus).toList();
            boolean halted = false;
            for (StepStatus st : seq) {
                if (st == StepStatus.HALTED) {
                    halted = true;
                } else if (st == StepStatus.RESUMED) {
                    halted = false;
                } else {
                    assertThat(halted).as("no " + st + " on " + t + " between HALTED and RESUMED: " + seq).isFalse();
                }
            }
            assertThat(query(t, "select version_num from convoy.version")).containsExactly(revision(REVISIONS));
            List<String> appliedRows = query(t, "select revision from convoy.history where outcome = 'applied' and direction = 'upgrade'"
                    + " order by id");
            assertThat(appliedRows).as("each revision applied once on " + t).hasSize(REVISIONS).doesNotHaveDuplicates();
            Map<String, Long> appliedEvents = events.stream().filter(e -> e.getTargetId().equals(t) && e.getStatus() == StepStatus.APPLIED)
                    .collect(Collectors.groupingBy(StepEvent::getRevision, Collectors.counting()));
            assertThat(appliedEvents).as("one APPLIED event per revision on " + t).hasSize(REVISIONS).allSatisfy((r, n) -> assertThat(n).isEqualTo(1L));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.haltState().isHalted(TARGETS.get(0), LocalPipeline.CLUSTER));
        Instant haltAt = orders.get(0).getIssuedAt();
        Instant resumeAt = orders.get(1).getIssuedAt();
        System.out.printf("HALT %s, RESUME %s (%d ms halted); step events: %s%n", haltAt, resumeAt,
                Duration.between(haltAt, resumeAt).toMillis(),
                events.stream().map(e -> e.getTargetId() + ":" + e.getStatus()).toList());
    }

    @Test
    @Order(2)
    void thePlannerAndTheMonitorServeMetricsAndHealthOverHttp() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        int plannerPort = pipeline.planner().orElseThrow().metricsPort().orElseThrow();
        int monitorPort = monitor.metricsPort().orElseThrow();
        assertThat(get(http, plannerPort, "/metrics")).startsWith("200 ")
                .containsPattern("convoy_planner_requests_total\\{outcome=\"accepted\"} [1-9]")
                .containsPattern("convoy_planner_requests_total\\{outcome=\"completed\"} [1-9]")
                .contains("convoy_planner_plans_in_flight 0.0")
                .containsPattern("convoy_planner_commands_total [1-9]")
                .contains("kafka_stream_thread_");
        assertThat(get(http, plannerPort, "/health")).startsWith("200 ").contains("\"status\":\"UP\"");
        assertThat(get(http, monitorPort, "/metrics")).startsWith("200 ")
                .contains("convoy_alerts_total{code=\"MIG002\",severity=\"CRITICAL\"} 1.0")
                .contains("convoy_replication_lag_seconds{cluster=\"local\",standby=\"convoy_standby\"}")
                .contains("convoy_halts_in_force 0.0");
        assertThat(get(http, monitorPort, "/health")).startsWith("200 ").contains("\"cluster local\":\"ok\"");
    }

    private static String get(java.net.http.HttpClient http, int port, String path) throws Exception {
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    @Order(3)
    void aStoppedStandbyRaisesAMissingStandbyAlert() throws Exception {
        int before = alerts.values(STANDBY_SCOPE).size();
        int ordersBefore = controls.values(CLUSTER_SCOPE).size();
        Path pidFile = pipeline.postgres().directory().resolve("standby").resolve("postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start(); // fast shutdown
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        await().atMost(WAIT).until(() -> alerts.values(STANDBY_SCOPE).stream().skip(before)
                .anyMatch(a -> a.getMetric().equals("standby_missing_seconds")));
        Alert missing = alerts.values(STANDBY_SCOPE).stream().skip(before).filter(a -> a.getMetric().equals("standby_missing_seconds"))
                .findFirst().orElseThrow();
        assertThat(missing.getCode()).isEqualTo("MIG002");
        assertThat(missing.getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(missing.getClusterId()).isEqualTo(LocalPipeline.CLUSTER);
        assertThat(missing.getDetails()).containsEntry("standby", PostgresCluster.STANDBY_NAME);
        assertThat(missing.getDetails().get("reason")).contains("not in pg_stat_replication");
        assertThat(controls.values(CLUSTER_SCOPE)).as("a WARNING does not halt").hasSize(ordersBefore);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<AlertSeverity> severities() {
        return alerts.values(STANDBY_SCOPE).stream().filter(a -> a.getMetric().equals("replication_lag_seconds"))
                .map(Alert::getSeverity).toList();
    }

    private static List<StepEvent> stepsOf(String requestId) {
        return steps.all().stream().map(ConsumerRecord::value).filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static long count(String requestId, StepStatus status) {
        return stepsOf(requestId).stream().filter(e -> e.getStatus() == status).count();
    }

    private static boolean halted(String requestId, String target) {
        return stepsOf(requestId).stream().anyMatch(e -> e.getTargetId().equals(target) && e.getStatus() == StepStatus.HALTED);
    }

    private static boolean done(String requestId, String target) {
        return stepsOf(requestId).stream().anyMatch(e -> e.getTargetId().equals(target) && e.getStatus() == StepStatus.APPLIED
                && e.getRevision().equals(revision(REVISIONS)));
    }

    private static List<String> query(String db, String sql) throws Exception {
        try (Connection c = pipeline.postgres().connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static <V> TopicTail<V> tail(Topic<String, V> topic, SerdeConfig serdes) {
        return new TopicTail<>(pipeline.bootstrapServers(), topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde(serdes).deserializer());
    }
}

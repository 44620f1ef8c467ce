package io.convoy.monitor.duration;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.monitor.alert.Thresholds;
import io.convoy.monitor.metrics.MonitorMetrics;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertScopeType;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.control.HaltState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warn > 60 s, critical > 120 s, hold-down 10 s, measured every second of a wall clock the test moves. */
class DurationTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    @TempDir
    Path stateDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, StepEvent> events;
    private TestOutputTopic<String, Alert> alerts;

    @BeforeEach
    void setUp() throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "duration-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("state")).toString());
        MonitorMetrics metrics = new MonitorMetrics(registry, new HaltState());
        driver = new TopologyTestDriver(DurationTopology.build(PlainAvroSerde.of(StepEvent.class), PlainAvroSerde.of(Alert.class),
                new Thresholds(60, 120), Duration.ofSeconds(1), Duration.ofSeconds(10), metrics), p, T0);
        events = driver.createInputTopic(Topics.STEP_EVENTS.name(), Serdes.String().serializer(), PlainAvroSerde.of(StepEvent.class).serializer());
        alerts = driver.createOutputTopic(Topics.ALERTS.name(), Serdes.String().deserializer(), PlainAvroSerde.of(Alert.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static StepEvent event(String target, String command, StepStatus status, Instant at) {
        return StepEvent.newBuilder().setEventId(command + "-" + status).setCommandId(command).setPlanId("plan-1")
                .setRequestId("req-1").setTargetId(target).setRevision("rev-" + command).setDirection(Direction.UPGRADE)
                .setStatus(status).setErrorCode(status == StepStatus.RETRYING ? "MIG003" : null).setAttempts(1)
                .setExecutorId("executor-a").setHeads(List.of()).setOccurredAt(at).build();
    }

    private void send(String target, String command, StepStatus status, Instant at) {
        events.pipeInput(new TestRecord<>(target, event(target, command, status, at), at));
    }

    /** Moves the wall clock second by second, as a real one passes: the punctuator runs each second. */
    private void wallClock(long seconds) {
        for (long i = 0; i < seconds; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    @Test
    void aStepRunningTooLongRaisesWarningThenCriticalThenResolvesWhenItFinishes() {
        send("t1", "c1", StepStatus.STARTED, T0);
        wallClock(60);
        assertThat(alerts.isEmpty()).as("60 s is not over the warning level").isTrue();
        wallClock(1);
        TestRecord<String, Alert> warning = alerts.readRecord();
        assertThat(warning.key()).isEqualTo("target:t1");
        Alert w = warning.value();
        assertThat(w.getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(w.getCode()).isEqualTo("DURATION");
        assertThat(w.getMetric()).isEqualTo("step_duration_seconds");
        assertThat(w.getScopeType()).isEqualTo(AlertScopeType.TARGET);
        assertThat(w.getScopeId()).isEqualTo("t1");
        assertThat(w.getClusterId()).isNull();
        assertThat(w.getValue()).isEqualTo(61.0);
        assertThat(w.getThreshold()).isEqualTo(60.0);
        assertThat(w.getDetails()).containsEntry("command_id", "c1").containsEntry("revision", "rev-c1")
                .containsEntry("started_at", T0.toString());
        assertThat(w.getUpdatedAt()).isEqualTo(T0.plusSeconds(61));

        send("t1", "c1", StepStatus.RETRYING, T0.plusSeconds(90));
        wallClock(59);
        assertThat(alerts.isEmpty()).as("one alert per state change").isTrue();
        wallClock(1);
        Alert c = alerts.readValue();
        assertThat(c.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(c.getAlertId()).isEqualTo(w.getAlertId());
        assertThat(c.getDetails()).containsEntry("status", "RETRYING");

        send("t1", "c1", StepStatus.APPLIED, T0.plusSeconds(125));
        wallClock(9);
        assertThat(alerts.isEmpty()).as("hold-down").isTrue();
        wallClock(2);
        Alert resolved = alerts.readValue();
        assertThat(resolved.getSeverity()).isEqualTo(AlertSeverity.RESOLVED);
        assertThat(resolved.getAlertId()).isEqualTo(w.getAlertId());
        assertThat(alerts.isEmpty()).isTrue();

        assertThat(registry.get("convoy.step.duration").tag("status", "APPLIED").timer().count()).isEqualTo(1);
        assertThat(registry.get("convoy.step.duration").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(125.0);
        assertThat(registry.get("convoy.step.retries").tag("error_code", "MIG003").counter().count()).isEqualTo(1);
        assertThat(registry.get("convoy.alerts").tag("severity", "CRITICAL").counter().count()).isEqualTo(1);
    }

    @Test
    void stepsThatFinishInTimeRaiseNothingAndOtherTargetsAreIndependent() {
        send("t1", "c1", StepStatus.STARTED, T0);
        send("t2", "c2", StepStatus.STARTED, T0);
        wallClock(30);
        send("t1", "c1", StepStatus.APPLIED, T0.plusSeconds(30));
        wallClock(40);
        List<TestRecord<String, Alert>> out = alerts.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("target:t2");
        send("t2", "c2", StepStatus.FAILED, T0.plusSeconds(70));
        wallClock(11);
        assertThat(alerts.readValue().getSeverity()).isEqualTo(AlertSeverity.RESOLVED);
    }

    @Test
    void aStaleFinishOfAnotherCommandDoesNotEndTheRunningStep() {
        send("t1", "c2", StepStatus.STARTED, T0);
        send("t1", "c1", StepStatus.APPLIED, T0); // a late or redelivered event of the previous step
        wallClock(61);
        assertThat(alerts.readValue().getSeverity()).isEqualTo(AlertSeverity.WARNING);
    }

    @Test
    void aStepStartedLongAgoIsCriticalAtOnce() {
        send("t1", "c1", StepStatus.STARTED, T0.minusSeconds(600));
        wallClock(1);
        Alert a = alerts.readValue();
        assertThat(a.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(a.getValue()).isEqualTo(601.0);
    }
}

package io.convoy.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertScopeType;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.HaltState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lag warn > 2 s / critical > 4 s, lock warn > 1 s / critical > 5 s, hold-down 2 s; halts through a real HaltState. */
class AlertEngineTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final FakeClock clock = new FakeClock(T0);
    private final RecordingSink sink = new RecordingSink();
    private final HaltState halts = new HaltState();
    private final AlertEngine engine = new AlertEngine(
            Map.of(AlertKind.REPLICATION_LAG, new Thresholds(2, 4), AlertKind.LOCK_WAIT, new Thresholds(1, 5),
                    AlertKind.STEP_DURATION, new Thresholds(300, 900)),
            Duration.ofSeconds(2), clock, new HaltPolicy("monitor-1", halts, clock, Duration.ofSeconds(2)), sink);

    private static Observation lag(String cluster, String standby, double seconds) {
        return new Observation(AlertScopeType.STANDBY, cluster + "/" + standby, cluster,
                "standby " + standby + " on cluster " + cluster, seconds, Map.of("lag_bytes", "123", "standby", standby));
    }

    private List<Alert> lags(String cluster, Observation... observations) {
        List<Alert> raised = engine.observeAll(AlertKind.REPLICATION_LAG, cluster, List.of(observations));
        feedBack();
        return raised;
    }

    /** What the control feed would do: the records the monitor wrote come back into the HaltState. */
    private void feedBack() {
        for (Map.Entry<String, ControlRecord> e : sink.controls) {
            halts.apply(e.getKey(), e.getValue());
        }
    }

    @Test
    void alertsCarryEverythingAnSreNeeds() {
        Alert a = lags("eu-1", lag("eu-1", "replica-a", 4.5)).get(0);
        assertThat(a.getAlertId()).isEqualTo("MIG002/standby:eu-1/replica-a/" + T0.toEpochMilli());
        assertThat(a.getCode()).isEqualTo("MIG002");
        assertThat(a.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(a.getMetric()).isEqualTo("replication_lag_seconds");
        assertThat(a.getValue()).isEqualTo(4.5);
        assertThat(a.getThreshold()).isEqualTo(4.0);
        assertThat(a.getUnit()).isEqualTo("s");
        assertThat(a.getScopeType()).isEqualTo(AlertScopeType.STANDBY);
        assertThat(a.getScopeId()).isEqualTo("eu-1/replica-a");
        assertThat(a.getScopeKey()).isEqualTo("standby:eu-1/replica-a");
        assertThat(a.getClusterId()).isEqualTo("eu-1");
        assertThat(a.getMessage()).isEqualTo("replication lag of standby replica-a on cluster eu-1 is 4.5 s (critical > 4 s)");
        assertThat(a.getDetails()).containsEntry("lag_bytes", "123").containsEntry("from", "OK");
        assertThat(a.getFirstSeenAt()).isEqualTo(T0);
        assertThat(a.getUpdatedAt()).isEqualTo(T0);
        assertThat(sink.alerts.get(0).getKey()).isEqualTo("standby:eu-1/replica-a");
    }

    @Test
    void criticalHaltsTheClusterAndResolvedResumesIt() {
        lags("eu-1", lag("eu-1", "a", 3));
        clock.advanceSeconds(1);
        lags("eu-1", lag("eu-1", "a", 5));
        assertThat(sink.severities()).containsExactly("standby:eu-1/a WARNING", "standby:eu-1/a CRITICAL");
        assertThat(sink.actions()).containsExactly("cluster:eu-1 HALT");
        ControlRecord halt = sink.controls.get(0).getValue();
        assertThat(halt.getOrigin()).isEqualTo(ControlOrigin.MONITOR);
        assertThat(halt.getActor()).isEqualTo("monitor-1");
        assertThat(halt.getAlertId()).isEqualTo(sink.alerts.get(1).getValue().getAlertId());
        assertThat(halt.getReason()).contains("replication lag of standby a on cluster eu-1");
        assertThat(halts.isHalted("any-target", "eu-1")).isTrue();

        clock.advanceSeconds(1);
        lags("eu-1", lag("eu-1", "a", 0));
        clock.advanceSeconds(1);
        lags("eu-1", lag("eu-1", "a", 0));
        assertThat(sink.actions()).as("hold-down not over yet").hasSize(1);
        clock.advanceSeconds(1);
        lags("eu-1", lag("eu-1", "a", 0));
        assertThat(sink.severities()).last().isEqualTo("standby:eu-1/a RESOLVED");
        assertThat(sink.actions()).containsExactly("cluster:eu-1 HALT", "cluster:eu-1 RESUME");
        assertThat(halts.isHalted("any-target", "eu-1")).isFalse();
    }

    @Test
    void aScopeNoLongerReportedIsObservedAsZeroAndResolves() {
        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of(new Observation(AlertScopeType.TARGET, "orders", "eu-1",
                "target orders on cluster eu-1", 1.5, Map.of("waiting_pid", "42"))));
        assertThat(sink.severities()).containsExactly("target:orders WARNING");
        clock.advanceSeconds(1);
        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of());
        clock.advanceSeconds(2);
        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of());
        assertThat(sink.severities()).containsExactly("target:orders WARNING", "target:orders RESOLVED");
        Alert resolved = sink.alerts.get(1).getValue();
        assertThat(resolved.getValue()).isZero();
        assertThat(resolved.getAlertId()).isEqualTo(sink.alerts.get(0).getValue().getAlertId());
        assertThat(resolved.getDetails()).as("the last known context stays").containsEntry("waiting_pid", "42");
        assertThat(engine.openEpisodes(AlertKind.LOCK_WAIT)).isEmpty();
    }

    @Test
    void snapshotsOfOneClusterLeaveTheOthersAlone() {
        lags("eu-1", lag("eu-1", "a", 3));
        clock.advanceSeconds(5);
        lags("us-1");
        assertThat(sink.severities()).containsExactly("standby:eu-1/a WARNING");
        assertThat(engine.openEpisodes(AlertKind.REPLICATION_LAG)).containsOnlyKeys("standby:eu-1/a");
    }

    @Test
    void theClusterStaysHaltedUntilTheLastCriticalAlertResolves() {
        lags("eu-1", lag("eu-1", "a", 5), lag("eu-1", "b", 5));
        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of(new Observation(AlertScopeType.TARGET, "t1", "eu-1", "target t1", 6, Map.of())));
        feedBack();
        assertThat(sink.actions()).containsExactly("cluster:eu-1 HALT");

        clock.advanceSeconds(1);
        lags("eu-1", lag("eu-1", "a", 0), lag("eu-1", "b", 5));
        clock.advanceSeconds(2);
        lags("eu-1", lag("eu-1", "a", 0), lag("eu-1", "b", 0));
        assertThat(sink.severities()).contains("standby:eu-1/a RESOLVED");
        clock.advanceSeconds(2);
        lags("eu-1", lag("eu-1", "a", 0), lag("eu-1", "b", 0));
        assertThat(sink.severities()).contains("standby:eu-1/b RESOLVED");
        assertThat(sink.actions()).as("the lock alert still holds it").containsExactly("cluster:eu-1 HALT");

        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of());
        clock.advanceSeconds(2);
        engine.observeAll(AlertKind.LOCK_WAIT, "eu-1", List.of());
        assertThat(sink.actions()).containsExactly("cluster:eu-1 HALT", "cluster:eu-1 RESUME");
    }

    @Test
    void anUnknownScopeKeepsItsEpisode() {
        lags("eu-1", lag("eu-1", "a", 5));
        clock.advanceSeconds(10);
        engine.observeAll(AlertKind.REPLICATION_LAG, "eu-1", List.of(), java.util.Set.of("standby:eu-1/a"));
        assertThat(sink.severities()).containsExactly("standby:eu-1/a CRITICAL");
        assertThat(engine.openEpisodes(AlertKind.REPLICATION_LAG)).containsEntry("standby:eu-1/a", AlertStateMachine.Level.CRITICAL);
    }

    @Test
    void stepDurationsAlertButNeverHalt() {
        engine.observeAll(AlertKind.STEP_DURATION, null, List.of(new Observation(AlertScopeType.TARGET, "t1", null,
                "the step of target t1", 1000, Map.of("command_id", "c1"))));
        assertThat(sink.severities()).containsExactly("target:t1 CRITICAL");
        assertThat(sink.alerts.get(0).getValue().getCode()).isEqualTo("DURATION");
        assertThat(sink.controls).isEmpty();
    }

    @Test
    void withoutAHaltPolicyNothingIsHalted() {
        RecordingSink quiet = new RecordingSink();
        AlertEngine noHalts = new AlertEngine(Map.of(AlertKind.REPLICATION_LAG, new Thresholds(2, 4)), Duration.ofSeconds(2),
                clock, null, quiet);
        noHalts.observeAll(AlertKind.REPLICATION_LAG, "eu-1", List.of(lag("eu-1", "a", 10)));
        noHalts.tick("eu-1");
        assertThat(quiet.severities()).containsExactly("standby:eu-1/a CRITICAL");
        assertThat(quiet.controls).isEmpty();
    }
}

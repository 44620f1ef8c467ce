package io.convoy.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertScopeType;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.HaltState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HaltPolicyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final FakeClock clock = new FakeClock(T0);
    private final HaltState state = new HaltState();
    private final HaltPolicy policy = new HaltPolicy("monitor-1", state, clock, Duration.ofSeconds(2));

    private static Alert alert(AlertSeverity severity, String id) {
        return Alert.newBuilder().setAlertId(id).setCode("MIG002").setSeverity(severity).setMetric("m").setValue(1)
                .setThreshold(1).setScopeType(AlertScopeType.STANDBY).setScopeId("c1/s1").setScopeKey("standby:c1/s1")
                .setClusterId("c1").setMessage("msg " + id).setDetails(Map.of()).setFirstSeenAt(T0).setUpdatedAt(T0).build();
    }

    private void operator(ControlAction action) {
        state.apply("cluster:c1", ControlRecord.newBuilder().setScope("cluster:c1").setAction(action)
                .setOrigin(ControlOrigin.OPERATOR).setActor("alice").setReason("maintenance").setIssuedAt(T0).build());
    }

    private Optional<ControlRecord> apply(Optional<ControlRecord> r) {
        r.ifPresent(x -> state.apply(x.getScope(), x));
        return r;
    }

    @Test
    void anOperatorHaltIsNeverLiftedByTheMonitor() {
        assertThat(apply(policy.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.CRITICAL, "a1")))).isPresent();
        operator(ControlAction.HALT); // the operator takes over the scope
        assertThat(policy.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.RESOLVED, "a1"))).isEmpty();
        assertThat(state.operatorHaltInForce("cluster:c1")).isTrue();
    }

    @Test
    void aPanicCountsAsAnOperatorHalt() {
        operator(ControlAction.PANIC);
        assertThat(policy.onAlert(AlertKind.LOCK_WAIT, alert(AlertSeverity.CRITICAL, "a1")))
                .as("the operator's record is not overwritten by a monitor halt").isEmpty();
        assertThat(policy.held()).containsEntry("c1", java.util.Set.of("a1"));
        assertThat(policy.onAlert(AlertKind.LOCK_WAIT, alert(AlertSeverity.RESOLVED, "a1"))).isEmpty();
        assertThat(state.inForce("cluster:c1").orElseThrow().panic()).isTrue();
    }

    @Test
    void noResumeWhenAnOperatorAlreadyResumed() {
        HaltPolicy other = new HaltPolicy("monitor-1", state, clock, Duration.ofSeconds(2));
        apply(other.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.CRITICAL, "a1")));
        operator(ControlAction.RESUME);
        // this process wrote the HALT, so it answers the RESOLVED with a RESUME: harmless, the scope is free already
        assertThat(other.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.RESOLVED, "a1")))
                .map(ControlRecord::getAction).contains(ControlAction.RESUME);
        // a policy that never halted the cluster says nothing
        assertThat(policy.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.CRITICAL, "a2"))).isPresent();
        state.apply("cluster:c1", null);
        HaltPolicy fresh = new HaltPolicy("monitor-2", state, clock, Duration.ofSeconds(2));
        assertThat(fresh.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.RESOLVED, "a2"))).isEmpty();
    }

    @Test
    void warningsAndUnknownResolutionsDoNothing() {
        assertThat(policy.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.WARNING, "a1"))).isEmpty();
        assertThat(policy.onAlert(AlertKind.REPLICATION_LAG, alert(AlertSeverity.RESOLVED, "a1"))).isEmpty();
        assertThat(policy.onAlert(AlertKind.STEP_DURATION, alert(AlertSeverity.CRITICAL, "a1"))).isEmpty();
    }

    @Test
    void anInheritedHaltIsLiftedAfterTheClusterStayedQuietForTheHoldDown() {
        state.apply("cluster:c1", ControlRecord.newBuilder().setScope("cluster:c1").setAction(ControlAction.HALT)
                .setOrigin(ControlOrigin.MONITOR).setActor("monitor-0").setReason("before restart").setIssuedAt(T0).build());
        policy.inherit("c1");
        assertThat(policy.tick("c1", true)).isEmpty();          // quiet since T0
        clock.advanceSeconds(1);
        assertThat(policy.tick("c1", false)).isEmpty();         // an open episode: restart
        clock.advanceSeconds(1);
        assertThat(policy.tick("c1", true)).isEmpty();          // quiet since T0+2
        clock.advanceSeconds(1.9);
        assertThat(policy.tick("c1", true)).isEmpty();
        clock.advanceSeconds(0.1);
        ControlRecord resume = policy.tick("c1", true).orElseThrow();
        assertThat(resume.getAction()).isEqualTo(ControlAction.RESUME);
        assertThat(resume.getScope()).isEqualTo("cluster:c1");
        assertThat(resume.getReason()).contains("restarted");
        assertThat(policy.tick("c1", true)).as("once").isEmpty();
        assertThat(policy.tick("c2", true)).isEmpty();
    }

    @Test
    void anInheritedHaltWaitsForCriticalAlertsRaisedMeanwhile() {
        policy.inherit("c1");
        assertThat(policy.onAlert(AlertKind.LOCK_WAIT, alert(AlertSeverity.CRITICAL, "a1"))).as("already halted").isEmpty();
        policy.tick("c1", false);
        assertThat(policy.onAlert(AlertKind.LOCK_WAIT, alert(AlertSeverity.RESOLVED, "a1"))).as("the inherited reason holds").isEmpty();
        policy.tick("c1", true);
        clock.advanceSeconds(2);
        assertThat(policy.tick("c1", true)).map(ControlRecord::getAction).contains(ControlAction.RESUME);
    }
}

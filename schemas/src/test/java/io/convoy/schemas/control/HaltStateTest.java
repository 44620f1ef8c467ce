package io.convoy.schemas.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HaltStateTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    static ControlRecord record(String scope, ControlAction action, ControlOrigin origin) {
        return ControlRecord.newBuilder().setScope(scope).setAction(action).setOrigin(origin)
                .setActor(origin == ControlOrigin.OPERATOR ? "alice" : "convoy-monitor@h1").setReason("r")
                .setAlertId(origin == ControlOrigin.MONITOR ? "MIG002/standby:c1/s1/1" : null).setIssuedAt(AT).build();
    }

    @Test
    void haltThenResumeOfAScope() {
        HaltState state = new HaltState();
        assertThat(state.isHalted("t1", "c1")).isFalse();

        assertThat(state.apply("cluster:c1", record("cluster:c1", ControlAction.HALT, ControlOrigin.MONITOR))).isTrue();
        assertThat(state.isHalted("t1", "c1")).isTrue();
        assertThat(state.isHalted("t2", "c2")).isFalse();
        assertThat(state.isHalted("t1", null)).as("cluster unknown: only all and the target's own scope count").isFalse();
        HaltState.Halt halt = state.inForce("cluster:c1").orElseThrow();
        assertThat(halt.byOperator()).isFalse();
        assertThat(halt.alertId()).contains("MIG002/standby:c1/s1/1");
        assertThat(halt.issuedAt()).isEqualTo(AT);
        assertThat(state.operatorHaltInForce("cluster:c1")).isFalse();

        assertThat(state.apply("cluster:c1", record("cluster:c1", ControlAction.RESUME, ControlOrigin.MONITOR))).isTrue();
        assertThat(state.isHalted("t1", "c1")).isFalse();
        assertThat(state.halts()).isEmpty();
    }

    @Test
    void theLatestRecordOfAScopeWins() {
        HaltState state = new HaltState();
        state.apply("cluster:c1", record("cluster:c1", ControlAction.HALT, ControlOrigin.MONITOR));
        state.apply("cluster:c1", record("cluster:c1", ControlAction.HALT, ControlOrigin.OPERATOR));
        assertThat(state.operatorHaltInForce("cluster:c1")).isTrue();
        assertThat(state.inForce("cluster:c1").orElseThrow().actor()).isEqualTo("alice");
    }

    @Test
    void scopesAreIndependentAndAllCoversEveryTarget() {
        HaltState state = new HaltState();
        state.apply("all", record("all", ControlAction.HALT, ControlOrigin.OPERATOR));
        state.apply("target:t9", record("target:t9", ControlAction.PANIC, ControlOrigin.OPERATOR));
        assertThat(state.isHalted("anything", null)).isTrue();
        assertThat(state.isPanicked("t1", "c1")).isFalse();
        assertThat(state.isPanicked("t9", "c1")).isTrue();
        assertThat(state.haltsCovering("t9", "c1")).extracting(HaltState.Halt::scope).containsExactly("all", "target:t9");

        state.apply("target:t9", record("target:t9", ControlAction.RESUME, ControlOrigin.OPERATOR));
        assertThat(state.isHalted("t9", "c1")).as("the fleet-wide halt still holds").isTrue();
        state.apply("all", null); // tombstone
        assertThat(state.isHalted("t9", "c1")).isFalse();
    }

    @Test
    void versionGrowsOnlyOnChanges() {
        HaltState state = new HaltState();
        long v0 = state.version();
        assertThat(state.apply("cluster:c1", record("cluster:c1", ControlAction.RESUME, ControlOrigin.MONITOR))).isFalse();
        assertThat(state.version()).isEqualTo(v0);
        ControlRecord halt = record("cluster:c1", ControlAction.HALT, ControlOrigin.MONITOR);
        assertThat(state.apply("cluster:c1", halt)).isTrue();
        assertThat(state.apply("cluster:c1", halt)).as("the same halt again").isFalse();
        assertThat(state.version()).isEqualTo(v0 + 1);
    }

    @Test
    void aNullKeyFallsBackToTheRecordsScope() {
        HaltState state = new HaltState();
        state.apply(null, record("target:t1", ControlAction.HALT, ControlOrigin.OPERATOR));
        assertThat(state.inForce("target:t1")).isPresent();
        assertThat(state.apply(null, null)).isFalse();
    }
}

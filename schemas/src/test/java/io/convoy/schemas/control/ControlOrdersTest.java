package io.convoy.schemas.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ControlOrdersTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void anOperatorOrderRecordsWhoWhyAndWhen() {
        ControlRecord r = ControlOrders.operator(ControlScope.cluster("eu-1"), ControlAction.PANIC, " alice ", " replica on fire ", AT);
        assertThat(r.getScope()).isEqualTo("cluster:eu-1");
        assertThat(r.getAction()).isEqualTo(ControlAction.PANIC);
        assertThat(r.getOrigin()).isEqualTo(ControlOrigin.OPERATOR);
        assertThat(r.getActor()).isEqualTo("alice");
        assertThat(r.getReason()).isEqualTo("replica on fire");
        assertThat(r.getAlertId()).isNull();
        assertThat(r.getIssuedAt()).isEqualTo(AT);
        HaltState state = new HaltState();
        state.apply(r.getScope(), r);
        assertThat(state.isPanicked("t1", "eu-1")).isTrue();
        assertThat(state.operatorHaltInForce("cluster:eu-1")).isTrue();
    }

    @Test
    void haltsNeedAReasonAndEveryOrderAnActor() {
        assertThatThrownBy(() -> ControlOrders.operator(ControlScope.ALL, ControlAction.HALT, "alice", " ", AT))
                .hasMessageContaining("HALT of all needs a reason");
        assertThatThrownBy(() -> ControlOrders.operator(ControlScope.ALL, ControlAction.HALT, "", "x", AT))
                .hasMessageContaining("actor");
        assertThat(ControlOrders.operator(ControlScope.target("t1"), ControlAction.RESUME, "bob", null, AT).getReason()).isEmpty();
    }
}

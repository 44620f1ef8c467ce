package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.executor.command.Command;
import io.convoy.executor.command.TestCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetStatesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final Command c = TestCommands.upgrade();

    @Test
    void aFailureIsKeptBySkipsAndClearedByTheNextSuccess() {
        TargetStates states = new TargetStates();
        StepUpdate failed = StepUpdates.failed(c, ErrorCode.MIG004, Optional.empty(), "mismatch", 0, Optional.empty(), Set.of("x"), NOW);
        assertThat(states.after(failed, Optional.of(Set.of("x")), NOW).orElseThrow().lastErrorCode()).contains("MIG004");
        StepUpdate skipped = StepUpdates.skipped(c, "plan stopped", Set.of("x"), NOW);
        TargetStatus afterSkip = states.after(skipped, Optional.of(Set.of("x")), NOW).orElseThrow();
        assertThat(afterSkip.lastErrorCode()).contains("MIG004");
        assertThat(afterSkip.lastPlanId()).contains("plan-1");
        StepUpdate applied = StepUpdates.applied(c, Duration.ofMillis(3), 1, Optional.empty(), NOW);
        TargetStatus ok = states.after(applied, Optional.of(Set.of("r2")), NOW).orElseThrow();
        assertThat(ok.lastErrorCode()).isEmpty();
        assertThat(ok.heads()).containsExactly("r2");
    }

    @Test
    void unknownHeadsPublishNothing() {
        TargetStates states = new TargetStates();
        StepUpdate failed = StepUpdates.failed(c, ErrorCode.MIG021, Optional.empty(), "down", 0, Optional.empty(), Set.of("r1"), NOW);
        assertThat(states.after(failed, Optional.empty(), NOW)).isEmpty();
    }
}

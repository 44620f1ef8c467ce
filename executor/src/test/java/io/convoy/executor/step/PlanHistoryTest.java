package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanHistoryTest {
    private static long ids;

    private static HistoryRow row(String command, String outcome, String error) {
        return new HistoryRow(++ids, Optional.of("p"), Optional.of(command), "r-" + command, "upgrade", outcome, Optional.of("c"),
                Duration.ofMillis(10), Instant.EPOCH, "convoy-executor/e1", "h", Optional.ofNullable(error == null ? null : "MIG013"),
                Optional.empty(), Optional.ofNullable(error));
    }

    @Test
    void anAppliedCommandIsFoundAndCountsAsAnAppliedStep() {
        PlanHistory h = new PlanHistory("p", List.of(row("c0", "applied", null), row("c1", "applied", null)));
        assertThat(h.applied("c1")).isPresent();
        assertThat(h.applied("c2")).isEmpty();
        assertThat(h.appliedSteps("c2")).isEqualTo(2);
        assertThat(h.appliedSteps("c1")).as("itself not counted").isEqualTo(1);
        assertThat(h.failureOfAnotherStep("c2")).isEmpty();
    }

    @Test
    void aRealFailureStopsTheOtherStepsAndIsRepublishedForItsOwnCommand() {
        PlanHistory h = new PlanHistory("p", List.of(row("c0", "applied", null), row("c1", "failed", "syntax error")));
        assertThat(h.failed("c1")).isPresent();
        assertThat(h.failureOfAnotherStep("c2")).map(HistoryRow::commandId).contains(Optional.of("c1"));
        assertThat(h.failureOfAnotherStep("c1")).isEmpty();
    }

    @Test
    void anInterruptedStepIsNotAFailure() {
        HistoryRow interrupted = row("c1", "failed", StepInterrupted.MARKER + "shutting down");
        PlanHistory h = new PlanHistory("p", List.of(row("c0", "applied", null), interrupted));
        assertThat(interrupted.failure()).isFalse();
        assertThat(h.failed("c1")).isEmpty();
        assertThat(h.failureOfAnotherStep("c2")).isEmpty();
    }

    @Test
    void aFailureFollowedByAnApplyOfTheSameCommandNoLongerCounts() {
        PlanHistory h = new PlanHistory("p", List.of(row("c1", "failed", "lock"), row("c1", "applied", null)));
        assertThat(h.failed("c1")).isEmpty();
        assertThat(h.failureOfAnotherStep("c2")).isEmpty();
        assertThat(h.appliedSteps("c2")).isEqualTo(1);
    }
}

package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.graph.Direction;
import io.convoy.executor.command.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a run may leave out a command's history check: only for the next upgrade step of the plan it just applied. */
class StepProcessorFollowsTest {
    private static Command step(String plan, int i, Direction direction) {
        return new Command(plan + ":" + i, plan, "req", "t", i, 5, "r" + (i + 1), direction, Set.of(), Set.of(),
                List.of("SELECT 1"), true, "sum", Duration.ofSeconds(5), Optional.empty(), Instant.EPOCH);
    }

    @Test
    void theNextUpgradeStepOfThePlanJustAppliedFollowsIt() {
        assertThat(StepProcessor.follows(step("p", 3, Direction.UPGRADE), step("p", 2, Direction.UPGRADE))).isTrue();
    }

    @Test
    void anythingElseIsCheckedAgainstTheHistory() {
        Command applied = step("p", 2, Direction.UPGRADE);
        assertThat(StepProcessor.follows(step("p", 3, Direction.UPGRADE), null)).as("nothing applied before in the run").isFalse();
        assertThat(StepProcessor.follows(step("q", 3, Direction.UPGRADE), applied)).as("another plan").isFalse();
        assertThat(StepProcessor.follows(step("p", 4, Direction.UPGRADE), applied)).as("a step skipped over").isFalse();
        assertThat(StepProcessor.follows(step("p", 2, Direction.UPGRADE), applied)).as("the same step again").isFalse();
        assertThat(StepProcessor.follows(step("p", 3, Direction.DOWNGRADE), step("p", 2, Direction.DOWNGRADE)))
                .as("downgrades compare the checksum of the last upgrade").isFalse();
    }
}

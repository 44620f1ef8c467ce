package io.convoy.executor.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.StepActions;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandStepsTest {

    @Test
    void anUpgradeCommandIsARevisionWithItsStatementsInTheUpgradeSection() {
        Command c = TestCommands.upgrade();
        Revision r = CommandSteps.revision(c);
        assertThat(r.id()).isEqualTo("r2");
        assertThat(r.upgrade()).containsExactly("ALTER TABLE t ADD COLUMN a int", "CREATE INDEX t_a ON t (a)");
        assertThat(r.downgrade()).isEmpty();
        assertThat(r.transactional()).isTrue();
        assertThat(r.checksum()).isEqualTo("abc123");
        assertThat(r.lockTimeout()).contains(Duration.ofSeconds(2));
        assertThat(r.statementTimeout()).contains(Duration.ofMinutes(5));
        assertThat(r.source().toString()).isEqualTo("command cmd-2 of plan plan-1");
    }

    @Test
    void aDowngradeCommandHasItsStatementsInTheDowngradeSection() {
        Command up = TestCommands.upgrade();
        Command down = new Command("cmd-9", "plan-2", "req-2", up.targetId(), 0, 1, "r2", Direction.DOWNGRADE, Set.of("r2"),
                Set.of("r1"), List.of("DROP INDEX t_a"), false, "abc123", Duration.ofMillis(500), Optional.empty(), up.createdAt());
        Revision r = CommandSteps.revision(down);
        assertThat(r.upgrade()).isEmpty();
        assertThat(r.downgrade()).containsExactly("DROP INDEX t_a");
        assertThat(r.hasDowngrade()).isTrue();
        assertThat(r.transactional()).isFalse();
        MigrationStep step = CommandSteps.step(down);
        assertThat(step.statements()).containsExactly("DROP INDEX t_a");
        assertThat(step.headsBefore()).containsExactly("r2");
        assertThat(step.headsAfter()).containsExactly("r1");
    }

    @Test
    void theOneStepPlanGoesFromTheExpectedHeadsToTheHeadsAfterAndPassesTheEnginesCheck() {
        Command c = TestCommands.upgrade();
        Plan plan = CommandSteps.plan(c);
        assertThat(plan.direction()).isEqualTo(Direction.UPGRADE);
        assertThat(plan.fromHeads()).containsExactly("r1");
        assertThat(plan.toHeads()).containsExactly("r2");
        assertThat(plan.steps()).hasSize(1);
        StepActions.validate(plan);
    }

    @Test
    void optionsCarryTheIdsTheTimeoutsAndTheApplicationNameTheMonitorLooksFor() {
        Command c = TestCommands.upgrade();
        ApplyOptions base = ApplyOptions.defaults().withStatementTimeout(Optional.of(Duration.ofHours(1))).withAppliedBy("convoy-executor/e1");
        ApplyOptions o = CommandSteps.options(base, c);
        assertThat(o.planId()).contains("plan-1");
        assertThat(o.commandId()).contains("cmd-2");
        assertThat(o.applicationName()).isEqualTo("convoy-executor/plan-1/orders-eu-1");
        assertThat(o.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.statementTimeout()).contains(Duration.ofMinutes(5));
        assertThat(o.appliedBy()).isEqualTo("convoy-executor/e1");
        Command noTimeout = new Command(c.commandId(), c.planId(), c.requestId(), c.targetId(), c.stepIndex(), c.stepCount(),
                c.revision(), c.direction(), c.expectedFromHeads(), c.headsAfter(), c.statements(), c.transactional(), c.checksum(),
                c.lockTimeout(), Optional.empty(), c.createdAt());
        assertThat(CommandSteps.options(base, noTimeout).statementTimeout()).as("the command's 'none' wins").isEmpty();
    }

    @Test
    void aLongApplicationNameIsCutToPostgresqlsLimit() {
        String name = CommandSteps.applicationName("p".repeat(60), "target");
        assertThat(name).startsWith("convoy-executor/ppp").hasSize(63);
    }
}

package io.convoy.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.Plan;
import io.convoy.planner.TestGraph;
import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.PlanLinter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetPlannerTest {
    private final TargetPlanner planner = new TargetPlanner(TestGraph.graph(), PlanLinter.NONE);
    private final CommandFactory factory = new CommandFactory(Duration.ofSeconds(2), Optional.empty());

    private Plan accepted(PlanDecision d) {
        assertThat(d).isInstanceOf(PlanDecision.Accepted.class);
        return ((PlanDecision.Accepted) d).plan();
    }

    @Test
    void commandsCarryOrderHeadsStatementsAndTimeouts() {
        PlanOrder order = Requests.order("req-1", "t01", "c3", Direction.UPGRADE);
        Plan plan = accepted(planner.plan(order, Set.of()));
        List<TargetCommand> cmds = factory.commands(order, plan, Instant.parse("2025-01-01T00:00:00Z"));

        assertThat(cmds).extracting(TargetCommand::revision).containsExactly("a1", "b2", "c3");
        assertThat(cmds).extracting(TargetCommand::expectedFromHeads)
                .containsExactly(List.of(), List.of("a1"), List.of("b2"));
        assertThat(cmds).extracting(TargetCommand::headsAfter)
                .containsExactly(List.of("a1"), List.of("b2"), List.of("c3"));
        assertThat(cmds).extracting(TargetCommand::stepIndex).containsExactly(0, 1, 2);
        assertThat(cmds).allSatisfy(c -> {
            assertThat(c.stepCount()).isEqualTo(3);
            assertThat(c.planId()).isEqualTo(CommandFactory.planId("req-1"));
            assertThat(c.commandId()).isEqualTo(c.planId() + "/t01/" + c.stepIndex());
        });
        TargetCommand a1 = cmds.get(0);
        TargetCommand b2 = cmds.get(1);
        TargetCommand c3 = cmds.get(2);
        assertThat(b2.statements()).containsExactly("ALTER TABLE accounts ADD COLUMN email text", "UPDATE accounts SET email = ''");
        assertThat(a1.lockTimeout()).as("configured default").isEqualTo(Duration.ofSeconds(2));
        assertThat(b2.lockTimeout()).as("revision header").isEqualTo(Duration.ofSeconds(5));
        assertThat(a1.statementTimeout()).isEmpty();
        assertThat(c3.statementTimeout()).contains(Duration.ofMinutes(10));
        assertThat(c3.transactional()).isFalse();
        assertThat(a1.transactional()).isTrue();
        assertThat(a1.checksum()).isEqualTo(TestGraph.graph().get("a1").checksum()).hasSize(64);
    }

    @Test
    void theSameRequestAlwaysGetsTheSameIds() {
        assertThat(CommandFactory.planId("req-1")).isEqualTo(CommandFactory.planId("req-1"))
                .isNotEqualTo(CommandFactory.planId("req-2"));
    }

    @Test
    void planningStartsFromTheGivenHeads() {
        Plan plan = accepted(planner.plan(Requests.order("r", "t01", "c3", Direction.UPGRADE), Set.of("a1")));
        assertThat(plan.steps()).extracting(s -> s.revision().id()).containsExactly("b2", "c3");
        Plan nothing = accepted(planner.plan(Requests.order("r", "t01", "c3", Direction.UPGRADE), Set.of("c3")));
        assertThat(nothing.isEmpty()).isTrue();
        assertThat(TargetPlanner.describe(nothing)).isEqualTo("nothing to do: already at c3");
        assertThat(TargetPlanner.describe(plan)).isEqualTo("upgrade b2 → c3");
    }

    @Test
    void downgradeThroughARevisionWithoutDowngradeSectionIsMig020NamingIt() {
        PlanDecision d = planner.plan(Requests.order("r", "t01", "a1", Direction.DOWNGRADE), Set.of("c3"));
        assertThat(d).isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.MIG020);
            assertThat(r.reason()).contains("b2 (versions/b2_add_email.sql) has no -- convoy:downgrade section");
        });
        Plan ok = accepted(planner.plan(Requests.order("r", "t01", "b2", Direction.DOWNGRADE), Set.of("c3")));
        assertThat(ok.steps()).extracting(s -> s.revision().id()).containsExactly("c3");
    }

    @Test
    void graphErrorsKeepTheirCodes() {
        assertThat(planner.plan(Requests.order("r", "t01", "-1", Direction.DOWNGRADE), Set.of()))
                .isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.MIG011));
        assertThat(planner.plan(Requests.order("r", "t01", "c3", Direction.UPGRADE), Set.of("zz")))
                .isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo(ErrorCode.MIG004);
                    assertThat(r.reason()).startsWith("target t01: ").contains("zz");
                });
    }

    @Test
    void lintFindingsRejectUnlessApproved() {
        PlanLinter noUpdates = (target, plan) -> plan.steps().stream()
                .filter(s -> s.statements().stream().anyMatch(q -> q.startsWith("UPDATE")))
                .map(s -> new LintFinding("full-table-update", s.revision().id(), ErrorCode.MIG020, "UPDATE without WHERE"))
                .toList();
        TargetPlanner linted = new TargetPlanner(TestGraph.graph(), noUpdates);
        PlanOrder plain = Requests.order("r", "t01", "c3", Direction.UPGRADE);
        assertThat(linted.plan(plain, Set.of())).isInstanceOfSatisfying(PlanDecision.Rejected.class, r ->
                assertThat(r.reason()).contains("lint rule full-table-update on b2: UPDATE without WHERE")
                        .contains("approve with full-table-update"));
        PlanOrder approved = new PlanOrder("r", plain.planId(), "t01", "c3", Direction.UPGRADE, false, List.of("full-table-update"));
        assertThat(linted.plan(approved, Set.of())).isInstanceOf(PlanDecision.Accepted.class);
    }
}

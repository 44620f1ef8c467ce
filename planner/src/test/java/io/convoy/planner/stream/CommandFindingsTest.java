package io.convoy.planner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.lint.Severity;
import io.convoy.planner.TestGraph;
import io.convoy.planner.ledger.ReportedState;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetOutcome;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.TargetCommand;
import io.convoy.planner.plan.TargetPlanner;
import io.convoy.schemas.avro.LintSeverity;
import io.convoy.schemas.avro.MigrationCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every finding of a revision (info, warning, error) rides on each command applying it, marked approved when the
 * request names its rule; only unapproved errors reject.
 */
class CommandFindingsTest {
    private static final long T0 = 1_700_000_000_000L;

    /** b2 gets an error (E1), a warning (W1) and an info (I1); a1 and c3 get nothing. */
    private final PlanLinter linter = (target, plan) -> {
        List<LintFinding> out = new ArrayList<>();
        plan.steps().stream().filter(s -> s.revision().id().equals("b2")).forEach(s -> {
            out.add(new LintFinding("E1", "b2", Severity.ERROR, ErrorCode.MIG007, "index without CONCURRENTLY in statement 2",
                    OptionalInt.of(1), Optional.of("public.accounts"), Optional.of("ShareLock"), Optional.of("use CONCURRENTLY")));
            out.add(new LintFinding("W1", "b2", Severity.WARNING, ErrorCode.MIG007, "whole-table UPDATE", OptionalInt.of(1),
                    Optional.of("accounts"), Optional.empty(), Optional.of("batch it")));
            out.add(new LintFinding("I1", "b2", Severity.INFO, ErrorCode.MIG007, "brief ACCESS EXCLUSIVE", OptionalInt.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()));
        });
        return out;
    };
    private final TargetLedger ledger = new TargetLedger(new TargetPlanner(TestGraph.graph(), linter),
            new CommandFactory(Duration.ofSeconds(2), Optional.empty()), Duration.ofSeconds(30));

    private TargetLedger.Result order(String request, List<String> approvals) {
        TargetTrack known = ledger.onState(TargetTrack.unknown("t01"), new ReportedState("t01", Set.of(), Instant.ofEpochMilli(T0)), T0).track();
        return ledger.onOrder(known, new PlanOrder(request, CommandFactory.planId(request), "t01", "c3", Direction.UPGRADE, false, approvals), T0);
    }

    @Test
    void anUnapprovedErrorRejectsAndWarningsAndInfosNeverDo() {
        TargetLedger.Result rejected = order("r1", List.of("W1"));
        assertThat(rejected.commands()).isEmpty();
        assertThat(rejected.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Rejected.class, r -> {
            assertThat(r.errorCode()).isEqualTo("MIG007");
            assertThat(r.reason()).contains("lint rule E1 on b2: index without CONCURRENTLY in statement 2; safe rewrite: use CONCURRENTLY")
                    .contains("approve with E1 in approvals").doesNotContain("W1").doesNotContain("I1");
        });
    }

    @Test
    void everyFindingOfARevisionRidesOnItsCommandMarkedApprovedWhenTheRequestNamesItsRule() {
        TargetLedger.Result accepted = order("r2", List.of("E1"));
        assertThat(accepted.commands()).extracting(TargetCommand::revision).containsExactly("a1", "b2", "c3");
        assertThat(accepted.outcomes()).first().isInstanceOfSatisfying(TargetOutcome.Planned.class, p ->
                assertThat(p.summary()).contains("approved lint findings: E1 on b2 (index without CONCURRENTLY")
                        .doesNotContain("W1").doesNotContain("I1"));

        MigrationCommand a1 = AvroCodec.command(accepted.commands().get(0));
        MigrationCommand b2 = AvroCodec.command(accepted.commands().get(1));
        MigrationCommand c3 = AvroCodec.command(accepted.commands().get(2));
        assertThat(a1.getLintFindings()).isEmpty();
        assertThat(c3.getLintFindings()).isEmpty();
        assertThat(b2.getLintFindings()).extracting(f -> f.getRule() + " " + f.getSeverity() + " " + f.getApproved())
                .containsExactly("E1 ERROR true", "W1 WARNING false", "I1 INFO false");
        assertThat(b2.getLintFindings().get(0)).satisfies(f -> {
            assertThat(f.getStatementIndex()).isEqualTo(1);
            assertThat(b2.getStatements().get(f.getStatementIndex()).getSql()).startsWith("UPDATE accounts");
            assertThat(f.getRelation()).isEqualTo("public.accounts");
            assertThat(f.getLockMode()).isEqualTo("ShareLock");
            assertThat(f.getMessage()).isEqualTo("index without CONCURRENTLY in statement 2");
            assertThat(f.getSuggestion()).isEqualTo("use CONCURRENTLY");
            assertThat(f.getErrorCode()).isEqualTo("MIG007");
        });
        assertThat(b2.getLintFindings().get(1).getErrorCode()).as("only errors name a rejection code").isNull();
        assertThat(b2.getLintFindings().get(2)).satisfies(f -> {
            assertThat(f.getSeverity()).isEqualTo(LintSeverity.INFO);
            assertThat(f.getStatementIndex()).isNull();
            assertThat(f.getRelation()).isNull();
            assertThat(f.getSuggestion()).isNull();
        });
        // the v2 field keeps its meaning: the approved error-level findings only, message with the safe rewrite
        assertThat(b2.getApprovedFindings()).singleElement().satisfies(n -> {
            assertThat(n.getRule()).isEqualTo("E1");
            assertThat(n.getErrorCode()).isEqualTo("MIG007");
            assertThat(n.getMessage()).isEqualTo("index without CONCURRENTLY in statement 2; safe rewrite: use CONCURRENTLY");
        });
        assertThat(a1.getApprovedFindings()).isEmpty();
    }

    @Test
    void approvingAWarningIsRecordedButNotRequired() {
        TargetLedger.Result accepted = order("r3", List.of("E1", "W1"));
        MigrationCommand b2 = AvroCodec.command(accepted.commands().get(1));
        assertThat(b2.getLintFindings()).extracting(f -> f.getRule() + " " + f.getApproved())
                .containsExactly("E1 true", "W1 true", "I1 false");
        assertThat(b2.getApprovedFindings()).extracting(n -> n.getRule()).containsExactly("E1");
    }
}

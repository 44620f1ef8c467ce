package io.convoy.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.core.shadow.ShadowDatabase;
import io.convoy.planner.ledger.ReportedState;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetOutcome;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.TargetCommand;
import io.convoy.planner.plan.TargetPlanner;
import io.convoy.planner.stream.AvroCodec;
import io.convoy.schemas.avro.MigrationCommand;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner's shadow linter behind the target ledger (what turns orders into commands and plan events), on a real
 * shadow PostgreSQL started once for the class.
 */
class ShadowPlanLinterIT {
    private static final long T0 = 1_000_000L;
    static ShadowDatabase shadow;

    /** a1 creates accounts; b2 indexes it without CONCURRENTLY (CV002) and its downgrade forgets the index. */
    static final RevisionGraph GRAPH = RevisionGraph.of(List.of(
            rev("""
                    -- convoy:revision: a1
                    -- convoy:upgrade
                    CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
                    -- convoy:downgrade
                    DROP TABLE accounts;
                    """),
            rev("""
                    -- convoy:revision: b2
                    -- convoy:down_revision: a1
                    -- convoy:upgrade
                    CREATE INDEX accounts_email ON accounts (email);
                    ALTER TABLE accounts ADD COLUMN nick text;
                    -- convoy:downgrade
                    ALTER TABLE accounts DROP COLUMN nick;
                    """)));

    static Revision rev(String text) {
        return RevisionParser.parse(text, Path.of("versions/x.sql"));
    }

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    /** A linter sharing the class's shadow (close() of the linter is not called: the class closes the server). */
    static ShadowPlanLinter linter(boolean lint, Map<String, String> envs, Set<String> verifyEnvs) {
        return new ShadowPlanLinter(GRAPH, () -> shadow, ApplyOptions.defaults(), Clock.systemUTC(), 100, lint,
                id -> Optional.ofNullable(envs.get(id)), verifyEnvs);
    }

    static TargetLedger ledger(PlanLinter linter) {
        return new TargetLedger(new TargetPlanner(GRAPH, linter), new CommandFactory(Duration.ofSeconds(2), Optional.empty()),
                Duration.ofSeconds(30));
    }

    static TargetLedger.Result order(TargetLedger ledger, String request, String target, List<String> approvals) {
        TargetTrack known = ledger.onState(TargetTrack.unknown(target), new ReportedState(target, Set.of("a1"), Instant.ofEpochMilli(T0)), T0).track();
        return ledger.onOrder(known, new PlanOrder(request, CommandFactory.planId(request), target, "b2", Direction.UPGRADE, false, approvals), T0);
    }

    @Test
    void anErrorFindingRejectsTheRequestAndItsApprovalLetsTheSameRequestThroughOnRecord() {
        ShadowPlanLinter linter = linter(true, Map.of(), Set.of());
        TargetLedger ledger = ledger(linter);

        TargetLedger.Result rejected = order(ledger, "r1", "t01", List.of());
        assertThat(rejected.commands()).isEmpty();
        assertThat(rejected.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Rejected.class, r -> {
            assertThat(r.errorCode()).isEqualTo("MIG007");
            assertThat(r.reason()).contains("lint rule CV002 on b2").contains("public.accounts").contains("ShareLock")
                    .contains("CONCURRENTLY").contains("approve with CV002 in approvals");
        });

        TargetLedger.Result approved = order(ledger, "r2", "t01", List.of("CV002"));
        assertThat(approved.commands()).extracting(TargetCommand::revision).containsExactly("b2");
        MigrationCommand avro = AvroCodec.command(approved.commands().get(0));
        assertThat(avro.getApprovedFindings()).singleElement().satisfies(n -> {
            assertThat(n.getRule()).isEqualTo("CV002");
            assertThat(n.getErrorCode()).isEqualTo("MIG007");
            assertThat(n.getMessage()).contains("public.accounts");
        });
        // every finding of b2 rides on the command: the approved error and the info about the brief ACCESS EXCLUSIVE
        assertThat(avro.getLintFindings()).extracting(f -> f.getRule() + " " + f.getSeverity() + " " + f.getApproved()
                + " #" + f.getStatementIndex()).containsExactly("CV002 ERROR true #0", "CV011 INFO false #1");
        assertThat(avro.getLintFindings().get(0)).satisfies(f -> {
            assertThat(f.getRelation()).isEqualTo("public.accounts");
            assertThat(f.getLockMode()).isEqualTo("ShareLock");
            assertThat(f.getMessage()).startsWith("CREATE INDEX without CONCURRENTLY on an existing table in statement 1 on public.accounts (ShareLock): ");
            assertThat(f.getSuggestion()).contains("CREATE INDEX CONCURRENTLY");
            assertThat(f.getErrorCode()).isEqualTo("MIG007");
        });
        assertThat(avro.getLintFindings().get(1).getLockMode()).isEqualTo("AccessExclusiveLock");
        assertThat(avro.getLintFindings().get(1).getErrorCode()).isNull();
        assertThat(approved.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Planned.class, p ->
                assertThat(p.summary()).startsWith("upgrade b2; approved lint findings: CV002 on b2 (")
                        .contains("CREATE INDEX without CONCURRENTLY"));

        // an approval of another rule does not let it through
        assertThat(order(ledger, "r3", "t02", List.of("CV001")).outcomes()).singleElement().isInstanceOf(TargetOutcome.Rejected.class);
        // b2 was linted once, on the first request: the others were answered from the cache
        assertThat(linter.shadowRuns()).isEqualTo(1);
    }

    @Test
    void environmentsThatRequireVerifiedRollbacksRejectADowngradeThatForgetsAnIndex() {
        ShadowPlanLinter linter = linter(false, Map.of("p1", "prod", "d1", "dev"), Set.of("prod"));
        TargetLedger ledger = ledger(linter);

        TargetLedger.Result prod = order(ledger, "r10", "p1", List.of());
        assertThat(prod.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Rejected.class, r -> {
            assertThat(r.errorCode()).isEqualTo("MIG008");
            assertThat(r.reason()).contains("lint rule VR001 on b2").contains("environment prod requires verified rollbacks")
                    .contains("accounts_email");
        });
        TargetLedger.Result dev = order(ledger, "r11", "d1", List.of());
        assertThat(dev.outcomes()).singleElement().isInstanceOf(TargetOutcome.Planned.class);
        TargetLedger.Result approved = order(ledger, "r12", "p1", List.of("VR001"));
        assertThat(approved.commands()).hasSize(1);
        assertThat(AvroCodec.command(approved.commands().get(0)).getLintFindings()).singleElement().satisfies(f -> {
            assertThat(f.getRule()).isEqualTo("VR001");
            assertThat(f.getErrorCode()).isEqualTo("MIG008");
            assertThat(f.getApproved()).isTrue();
            assertThat(f.getSuggestion()).contains("convoy verify-rollback");
        });
        assertThat(AvroCodec.command(dev.commands().get(0)).getLintFindings()).as("lint is off: nothing but VR001").isEmpty();
        assertThat(linter.shadowRuns()).isEqualTo(1);
    }
}

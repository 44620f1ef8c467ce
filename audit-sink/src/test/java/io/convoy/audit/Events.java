package io.convoy.audit;

import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.LintFinding;
import io.convoy.schemas.avro.LintNote;
import io.convoy.schemas.avro.LintSeverity;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.Statement;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.schemas.avro.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Messages of an E2E-like flow, with a secret seeded where careless code would copy it. */
final class Events {
    static final String SECRET = "Zx9-s3cr3t-Pa55word";
    static final Instant AT = Instant.parse("2026-03-01T12:34:56.789Z");

    private Events() {}

    static MigrationRequest request(String id) {
        return MigrationRequest.newBuilder().setRequestId(id).setRequestedBy("alice")
                .setTargets(TargetSelection.newBuilder().setTargetIds(List.of("orders-eu-1")).setSelector(Map.of()).build())
                .setTargetRevision("head").setDirection(Direction.UPGRADE).setDryRun(false).setTicket("OPS-1")
                .setReason("deploy, see postgres://deploy:" + SECRET + "@db.internal/orders").setCreatedAt(AT).setApprovals(List.of())
                .build();
    }

    static PlanEvent plan(String request, PlanStatus status) {
        return PlanEvent.newBuilder().setEventId(request + "-" + status).setRequestId(request).setPlanId("plan-" + request)
                .setTargetId(null).setStatus(status).setReason(null).setErrorCode(null).setStepCount(1).setOccurredAt(AT).build();
    }

    static MigrationCommand command(String request, String target) {
        return MigrationCommand.newBuilder().setCommandId("cmd-" + request + "-" + target).setPlanId("plan-" + request)
                .setRequestId(request).setTargetId(target).setStepIndex(0).setStepCount(1).setRevision("3f2a9c1b7d4e")
                .setDirection(Direction.UPGRADE).setExpectedFromHeads(List.of()).setHeadsAfter(List.of("3f2a9c1b7d4e"))
                .setStatements(List.of(new Statement("ALTER ROLE app PASSWORD '" + SECRET + "'", 0)))
                .setTransactional(true).setChecksum("sha256:ab12").setLockTimeoutMs(5000L).setStatementTimeoutMs(null)
                .setCreatedAt(AT).build();
    }

    /** A command whose revision has an approved error, a warning and an info (two of them on one rule). */
    static MigrationCommand commandWithFindings(String request, String target) {
        MigrationCommand c = command(request, target);
        c.setLintFindings(List.of(
                finding("CV002", LintSeverity.ERROR, "MIG007", true),
                finding("CV012", LintSeverity.WARNING, null, false),
                finding("CV011", LintSeverity.INFO, null, false),
                finding("CV011", LintSeverity.INFO, null, false)));
        c.setApprovedFindings(List.of(new LintNote("CV002", "MIG007", "CREATE INDEX without CONCURRENTLY")));
        return c;
    }

    static LintFinding finding(String rule, LintSeverity severity, String errorCode, boolean approved) {
        return LintFinding.newBuilder().setRule(rule).setSeverity(severity).setStatementIndex(0).setRelation("public.orders")
                .setLockMode("ShareLock").setMessage("on jdbc:postgresql://db/orders?password=" + SECRET).setSuggestion(null)
                .setErrorCode(errorCode).setApproved(approved).build();
    }

    static StepEvent step(String request, String target, StepStatus status) {
        return StepEvent.newBuilder().setEventId("ev-" + request + "-" + target + "-" + status).setCommandId("cmd-" + request + "-" + target)
                .setPlanId("plan-" + request).setRequestId(request).setTargetId(target).setRevision("3f2a9c1b7d4e")
                .setDirection(Direction.UPGRADE).setStatus(status)
                .setErrorCode(status == StepStatus.FAILED ? "MIG003" : null).setSqlState(status == StepStatus.FAILED ? "55P03" : null)
                .setMessage(status == StepStatus.FAILED ? "lock timeout on jdbc:postgresql://db/orders?user=app&password=" + SECRET : null)
                .setAttempts(1).setLockWaitMs(12L).setDurationMs(40L).setExecutorId("executor-a").setHeads(List.of("3f2a9c1b7d4e"))
                .setOccurredAt(AT).setStepIndex(0).setStepCount(1).build();
    }

    static TargetState state(String target) {
        return TargetState.newBuilder().setTargetId(target).setHeads(List.of("3f2a9c1b7d4e")).setLastPlanId("plan-x")
                .setLastErrorCode(null).setUpdatedAt(AT).build();
    }
}

package io.convoy.planner.stream;

import io.convoy.core.graph.Direction;
import io.convoy.planner.ledger.PlanNotice;
import io.convoy.planner.ledger.ReportedState;
import io.convoy.planner.ledger.StepUpdate;
import io.convoy.planner.plan.PlanRequest;
import io.convoy.planner.plan.TargetCommand;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.ReviewedFinding;
import io.convoy.schemas.avro.LintNote;
import io.convoy.schemas.avro.LintSeverity;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.Statement;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.TargetState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Avro messages ↔ the planner's domain records: the only place that knows both. */
public final class AvroCodec {
    private AvroCodec() {}

    public static PlanRequest request(MigrationRequest m) {
        List<String> ids = m.getTargets() == null ? List.of() : m.getTargets().getTargetIds();
        Map<String, String> selector = m.getTargets() == null ? Map.of() : m.getTargets().getSelector();
        return new PlanRequest(
                m.getRequestId().strip(),
                m.getRequestedBy(),
                ids.stream().map(String::strip).toList(),
                selector,
                m.getTargetRevision(),
                direction(m.getDirection()),
                m.getDryRun(),
                Optional.ofNullable(m.getTicket()),
                Optional.ofNullable(m.getReason()),
                m.getCreatedAt(),
                m.getApprovals());
    }

    public static MigrationCommand command(TargetCommand c) {
        List<Statement> statements = new ArrayList<>(c.statements().size());
        for (int i = 0; i < c.statements().size(); i++) {
            statements.add(Statement.newBuilder().setSql(c.statements().get(i)).setIndex(i).build());
        }
        return MigrationCommand.newBuilder()
                .setCommandId(c.commandId())
                .setPlanId(c.planId())
                .setRequestId(c.requestId())
                .setTargetId(c.targetId())
                .setStepIndex(c.stepIndex())
                .setStepCount(c.stepCount())
                .setRevision(c.revision())
                .setDirection(direction(c.direction()))
                .setExpectedFromHeads(new ArrayList<>(c.expectedFromHeads()))
                .setHeadsAfter(new ArrayList<>(c.headsAfter()))
                .setStatements(statements)
                .setTransactional(c.transactional())
                .setChecksum(c.checksum())
                .setLockTimeoutMs(c.lockTimeout().toMillis())
                .setStatementTimeoutMs(c.statementTimeout().map(Duration::toMillis).orElse(null))
                .setCreatedAt(c.createdAt())
                .setApprovedFindings(c.approvedFindings().stream().map(f -> LintNote.newBuilder().setRule(f.rule())
                        .setErrorCode(f.code().name()).setMessage(f.text()).build()).toList())
                .setLintFindings(c.lintFindings().stream().map(AvroCodec::finding).toList())
                .build();
    }

    /** A reviewed finding as the command's {@code LintFinding}. */
    public static io.convoy.schemas.avro.LintFinding finding(ReviewedFinding r) {
        LintFinding f = r.finding();
        return io.convoy.schemas.avro.LintFinding.newBuilder()
                .setRule(f.rule())
                .setSeverity(LintSeverity.valueOf(f.severity().name()))
                .setStatementIndex(f.statement().isPresent() ? f.statement().getAsInt() : null)
                .setRelation(f.relation().orElse(null))
                .setLockMode(f.lockMode().orElse(null))
                .setMessage(f.message())
                .setSuggestion(f.suggestion().orElse(null))
                .setErrorCode(f.blocks() ? f.code().name() : null)
                .setApproved(r.approved())
                .build();
    }

    public static PlanEvent planEvent(PlanNotice n, Instant at) {
        return PlanEvent.newBuilder()
                .setEventId(n.eventId())
                .setRequestId(n.requestId())
                .setPlanId(n.planId().orElse(null))
                .setTargetId(n.targetId().orElse(null))
                .setStatus(PlanStatus.valueOf(n.status().name()))
                .setReason(n.reason().orElse(null))
                .setErrorCode(n.errorCode().orElse(null))
                .setStepCount(n.stepCount().orElse(null))
                .setOccurredAt(at)
                .build();
    }

    public static ReportedState state(TargetState s) {
        return new ReportedState(s.getTargetId(), new HashSet<>(s.getHeads()), s.getUpdatedAt());
    }

    public static StepUpdate step(StepEvent e) {
        return new StepUpdate(
                e.getTargetId(),
                e.getPlanId(),
                e.getRequestId(),
                e.getCommandId(),
                e.getRevision(),
                StepUpdate.Status.valueOf(e.getStatus().name()),
                Optional.ofNullable(e.getErrorCode()),
                Optional.ofNullable(e.getMessage()),
                new HashSet<>(e.getHeads()),
                e.getOccurredAt());
    }

    /** A record set aside: its coordinates, its bytes unchanged, and why. */
    public static DeadLetter deadLetter(String topic, int partition, long offset, byte[] key, byte[] value,
                                        String reason, String errorCode, Instant at) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setErrorCode(errorCode)
                .setFailedAt(at)
                .build();
    }

    public static Direction direction(io.convoy.schemas.avro.Direction d) {
        return Direction.valueOf(d.name());
    }

    public static io.convoy.schemas.avro.Direction direction(Direction d) {
        return io.convoy.schemas.avro.Direction.valueOf(d.name());
    }
}

package io.convoy.schemas;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertScopeType;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.LintFinding;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated message of each type (optional fields set, so a lost field shows). */
public final class Samples {
    /** Millisecond precision: what timestamp-millis keeps. */
    public static final Instant AT = Instant.parse("2026-03-01T12:34:56.789Z");

    private Samples() {}

    public static MigrationRequest request() {
        return MigrationRequest.newBuilder()
                .setRequestId("req-1")
                .setRequestedBy("deploy-bot")
                .setTargets(TargetSelection.newBuilder()
                        .setTargetIds(List.of("orders-eu-1", "orders-us-1"))
                        .setSelector(Map.of("tier", "gold", "region", "eu"))
                        .build())
                .setTargetRevision("head")
                .setDirection(Direction.UPGRADE)
                .setDryRun(true)
                .setTicket("OPS-42")
                .setReason("add orders.status")
                .setCreatedAt(AT)
                .setApprovals(List.of("lint.add-column-default"))
                .build();
    }

    public static MigrationCommand command() {
        return MigrationCommand.newBuilder()
                .setCommandId("cmd-1")
                .setPlanId("plan-1")
                .setRequestId("req-1")
                .setTargetId("orders-eu-1")
                .setStepIndex(0)
                .setStepCount(2)
                .setRevision("3f2a9c1b7d4e")
                .setDirection(Direction.UPGRADE)
                .setExpectedFromHeads(List.of("1a2b3c4d5e6f"))
                .setHeadsAfter(List.of("3f2a9c1b7d4e"))
                .setStatements(List.of(
                        new Statement("ALTER TABLE orders ADD COLUMN status text", 0),
                        new Statement("CREATE INDEX CONCURRENTLY orders_status ON orders (status)", 1)))
                .setTransactional(false)
                .setChecksum("sha256:ab12")
                .setLockTimeoutMs(5000L)
                .setStatementTimeoutMs(600_000L)
                .setCreatedAt(AT)
                .setLintFindings(List.of(LintFinding.newBuilder()
                        .setRule("CV011").setSeverity(LintSeverity.INFO).setStatementIndex(0).setRelation("public.orders")
                        .setLockMode("AccessExclusiveLock").setMessage("ACCESS EXCLUSIVE lock on an existing table (no rewrite)")
                        .setSuggestion("keep it brief").setErrorCode(null).setApproved(false).build()))
                .build();
    }

    public static StepEvent stepEvent() {
        return StepEvent.newBuilder()
                .setEventId("ev-1")
                .setCommandId("cmd-1")
                .setPlanId("plan-1")
                .setRequestId("req-1")
                .setTargetId("orders-eu-1")
                .setRevision("3f2a9c1b7d4e")
                .setDirection(Direction.UPGRADE)
                .setStatus(StepStatus.RETRYING)
                .setErrorCode("MIG003")
                .setSqlState("55P03")
                .setMessage("canceling statement due to lock timeout")
                .setAttempts(2)
                .setLockWaitMs(1003L)
                .setDurationMs(1250L)
                .setExecutorId("executor-a")
                .setHeads(List.of("1a2b3c4d5e6f"))
                .setOccurredAt(AT)
                .build();
    }

    public static PlanEvent planEvent() {
        return PlanEvent.newBuilder()
                .setEventId("pe-1")
                .setRequestId("req-1")
                .setPlanId("plan-1")
                .setTargetId("orders-eu-1")
                .setStatus(PlanStatus.REJECTED)
                .setReason("several heads")
                .setErrorCode("MIG001")
                .setStepCount(2)
                .setOccurredAt(AT)
                .build();
    }

    public static TargetState targetState() {
        return TargetState.newBuilder()
                .setTargetId("orders-eu-1")
                .setHeads(List.of("3f2a9c1b7d4e", "9c8b7a6d5e4f"))
                .setLastPlanId("plan-1")
                .setLastErrorCode("MIG003")
                .setUpdatedAt(AT)
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("convoy.commands")
                .setPartition(3)
                .setOffset(42L)
                .setKey(ByteBuffer.wrap("orders-eu-1".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
                .setReason("unknown magic byte 0x01")
                .setErrorCode("MIG099")
                .setFailedAt(AT)
                .build();
    }

    public static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("MIG002/standby:eu-1/replica-a/1772368496789")
                .setCode("MIG002")
                .setSeverity(AlertSeverity.CRITICAL)
                .setMetric("replication_lag_seconds")
                .setValue(31.25)
                .setThreshold(30.0)
                .setUnit("s")
                .setScopeType(AlertScopeType.STANDBY)
                .setScopeId("eu-1/replica-a")
                .setScopeKey("standby:eu-1/replica-a")
                .setClusterId("eu-1")
                .setMessage("replication lag of standby replica-a on cluster eu-1 is 31.2 s (critical > 30 s)")
                .setDetails(Map.of("lag_bytes", "8500000", "standby", "replica-a"))
                .setFirstSeenAt(AT.minusSeconds(25))
                .setUpdatedAt(AT)
                .build();
    }

    public static ControlRecord control() {
        return ControlRecord.newBuilder()
                .setScope("cluster:eu-1")
                .setAction(ControlAction.HALT)
                .setOrigin(ControlOrigin.MONITOR)
                .setActor("convoy-monitor@host-1")
                .setReason("replication lag of standby replica-a on cluster eu-1 is 31.2 s (critical > 30 s)")
                .setAlertId("MIG002/standby:eu-1/replica-a/1772368496789")
                .setIssuedAt(AT)
                .build();
    }

    /** The sample for the value type of a topic, with the key the topic is keyed by. */
    public static Map.Entry<String, Object> forTopic(Topic<String, ?> topic) {
        Object value = switch (topic.valueType().getSimpleName()) {
            case "MigrationRequest" -> request();
            case "MigrationCommand" -> command();
            case "StepEvent" -> stepEvent();
            case "PlanEvent" -> planEvent();
            case "TargetState" -> targetState();
            case "DeadLetter" -> deadLetter();
            case "Alert" -> alert();
            case "ControlRecord" -> control();
            default -> throw new IllegalArgumentException("no sample for " + topic.valueType());
        };
        String key = switch (topic.name()) {
            case "convoy.requests", "convoy.plan-events" -> "req-1";
            case "convoy.dlq" -> Topics.deadLetterKey("convoy.commands", 3, 42L);
            case "convoy.alerts" -> "standby:eu-1/replica-a";
            case "convoy.control" -> "cluster:eu-1";
            default -> "orders-eu-1";
        };
        return Map.entry(key, value);
    }
}

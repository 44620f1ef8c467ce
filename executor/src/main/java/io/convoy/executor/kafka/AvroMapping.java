package io.convoy.executor.kafka;

import io.convoy.core.util.Secrets;
import io.convoy.executor.command.Decoded;
import io.convoy.executor.step.StepUpdate;
import io.convoy.executor.step.TargetStatus;
import io.convoy.schemas.avro.BatchProgress;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetState;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The executor's records as the Avro messages of its topics: the edge between the domain and the wire. Pure. */
public final class AvroMapping {
    private AvroMapping() {}

    public static StepEvent stepEvent(StepUpdate u, String executorId, String eventId) {
        return StepEvent.newBuilder()
                .setEventId(eventId)
                .setCommandId(u.command().commandId())
                .setPlanId(u.command().planId())
                .setRequestId(u.command().requestId())
                .setTargetId(u.command().targetId())
                .setRevision(u.command().revision())
                .setDirection(direction(u.command().direction()))
                .setStatus(StepStatus.valueOf(u.status().name()))
                .setErrorCode(u.errorCode().map(Enum::name).orElse(null))
                .setSqlState(u.sqlState().orElse(null))
                .setMessage(u.message().map(Secrets::mask).orElse(null))
                .setAttempts(u.attempts())
                .setLockWaitMs(null)
                .setDurationMs(u.duration().map(d -> d.toMillis()).orElse(null))
                .setExecutorId(executorId)
                .setHeads(sorted(u.heads()))
                .setOccurredAt(u.occurredAt())
                .setStepIndex(u.command().stepIndex())
                .setStepCount(u.command().stepCount())
                .setProgress(u.progress().map(AvroMapping::progress).orElse(null))
                .build();
    }

    private static BatchProgress progress(io.convoy.core.apply.MigrationEvent.BatchProgress event) {
        io.convoy.core.apply.BatchStatus p = event.status();
        return BatchProgress.newBuilder()
                .setStatementIndex(event.index())
                .setKeysDone(p.keysDone())
                .setRowsDone(p.rowsDone())
                .setBatches(p.batches())
                .setRowsPerSecond(p.rowsPerSecond())
                .setTotalEstimate(p.totalEstimate().isPresent() ? p.totalEstimate().getAsLong() : null)
                .setEtaMs(p.eta().map(java.time.Duration::toMillis).orElse(null))
                .setLastBatchMs(p.lastBatch().toMillis())
                .setLastLockHoldMs(p.lastLockHold().toMillis())
                .setNextChunk(p.nextChunk())
                .setLagWaitMs(p.waitingForLag().map(java.time.Duration::toMillis).orElse(null))
                .setFinished(p.finished())
                .build();
    }

    public static TargetState targetState(TargetStatus s) {
        return TargetState.newBuilder()
                .setTargetId(s.targetId())
                .setHeads(sorted(s.heads()))
                .setLastPlanId(s.lastPlanId().orElse(null))
                .setLastErrorCode(s.lastErrorCode().orElse(null))
                .setUpdatedAt(s.updatedAt())
                .build();
    }

    /** A dead letter keeping the record's key and value bytes unchanged, where it came from, and why. */
    public static DeadLetter deadLetter(String topic, int partition, long offset, byte[] key, byte[] value,
            Decoded.Invalid invalid, Instant now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
                .setValue(value == null ? null : ByteBuffer.wrap(value.clone()))
                .setReason(Secrets.mask(invalid.reason()))
                .setErrorCode(invalid.errorCode().map(Enum::name).orElse(null))
                .setFailedAt(now)
                .build();
    }

    public static Direction direction(io.convoy.core.graph.Direction d) {
        return switch (d) {
            case UPGRADE -> Direction.UPGRADE;
            case DOWNGRADE -> Direction.DOWNGRADE;
        };
    }

    private static List<String> sorted(Set<String> heads) {
        return List.copyOf(new TreeSet<>(heads));
    }
}

package io.convoy.core.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of convoy.history (append-only).
 *
 * @param direction   {@code upgrade}, {@code downgrade} or {@code stamp}
 * @param outcome     {@code applied} or {@code failed} (a failed attempt is recorded after its rollback), or
 *                    {@code checkpoint} for a committed batch of a batched statement (read only when asked for:
 *                    {@link VersionStore#history(java.sql.Connection, VersionTables, boolean)})
 * @param errorCode   the ErrorCode name when failed
 * @param error       the error message (masked) when failed
 * @param checkpoint  the batch's checkpoint when {@code outcome} is {@code checkpoint}, else empty (added after the
 *                    first fifteen components; the fifteen-argument constructor is kept)
 */
public record HistoryEntry(
        long id,
        String revision,
        String direction,
        String outcome,
        String checksum,
        Instant startedAt,
        Instant finishedAt,
        Duration duration,
        String appliedBy,
        String host,
        int statementCount,
        Optional<String> planId,
        Optional<String> commandId,
        Optional<String> errorCode,
        Optional<String> error,
        Optional<Checkpoint> checkpoint) {

    public HistoryEntry {
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** A step or stamp row (no checkpoint): the record's original fifteen components. */
    public HistoryEntry(long id, String revision, String direction, String outcome, String checksum, Instant startedAt,
            Instant finishedAt, Duration duration, String appliedBy, String host, int statementCount, Optional<String> planId,
            Optional<String> commandId, Optional<String> errorCode, Optional<String> error) {
        this(id, revision, direction, outcome, checksum, startedAt, finishedAt, duration, appliedBy, host, statementCount, planId,
                commandId, errorCode, error, Optional.empty());
    }

    /** Whether this row is a batched statement's checkpoint rather than a step or a stamp. */
    public boolean isCheckpoint() {
        return VersionTables.CHECKPOINT.equals(outcome);
    }

    /**
     * Where a batched statement stood after one committed batch.
     *
     * @param statementIndex the statement of the step (1-based)
     * @param lastKey        the last key done (text), empty before the first batch
     * @param statementDone  the statement has no keys left (its last batch)
     */
    public record Checkpoint(int statementIndex, Optional<String> lastKey, long keysDone, long rowsDone, int batches,
            boolean statementDone) {}
}

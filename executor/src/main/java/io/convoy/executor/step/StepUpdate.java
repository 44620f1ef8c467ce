package io.convoy.executor.step;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import io.convoy.executor.command.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A state change of one command's step, as the executor reports it (published as a
 * {@link io.convoy.schemas.avro.StepEvent}). The message is masked on construction, so no credential can
 * reach an event through it.
 *
 * @param attempts  attempts made so far (0 when the step was not attempted: skipped, refused before starting)
 * @param duration  time since the step started, or the recorded duration of an applied step
 * @param heads     the target's heads after this change (unchanged unless APPLIED)
 * @param progress  where a batched statement stands: set on the RESUMED updates that report a backfill's progress
 */
public record StepUpdate(
        Command command,
        Status status,
        int attempts,
        Optional<ErrorCode> errorCode,
        Optional<String> sqlState,
        Optional<String> message,
        Optional<Duration> duration,
        Set<String> heads,
        Instant occurredAt,
        Optional<MigrationEvent.BatchProgress> progress) {

    /** Mirrors {@link io.convoy.schemas.avro.StepStatus}. */
    public enum Status { STARTED, APPLIED, FAILED, SKIPPED, RETRYING, HALTED, RESUMED }

    public StepUpdate {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(sqlState, "sqlState");
        message = Objects.requireNonNull(message, "message").map(Secrets::mask);
        Objects.requireNonNull(duration, "duration");
        heads = Set.copyOf(heads);
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(progress, "progress");
    }

    /** An update without batch progress (every status change). */
    public StepUpdate(Command command, Status status, int attempts, Optional<ErrorCode> errorCode, Optional<String> sqlState,
            Optional<String> message, Optional<Duration> duration, Set<String> heads, Instant occurredAt) {
        this(command, status, attempts, errorCode, sqlState, message, duration, heads, occurredAt, Optional.empty());
    }

    /** The final states of a command: after one of these the command is done (its offset may be committed). */
    public boolean isFinal() {
        return status == Status.APPLIED || status == Status.FAILED || status == Status.SKIPPED;
    }
}

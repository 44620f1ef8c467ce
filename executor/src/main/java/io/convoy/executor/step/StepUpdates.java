package io.convoy.executor.step;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.executor.command.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Builds {@link StepUpdate}s: from the engine's {@link MigrationEvent}s and for the executor's own decisions. Pure. */
public final class StepUpdates {
    private StepUpdates() {}

    /**
     * The step event of an engine event, if it is a state change: STARTED, RETRYING (MIG003 and the SQLSTATE),
     * APPLIED (duration, attempts, heads after), FAILED (code, SQLSTATE, masked message). Waiting for the
     * migration lock, resuming and single statements are not state changes of the step.
     *
     * @param sinceStart time since the command began, for the duration of RETRYING and FAILED
     */
    public static Optional<StepUpdate> of(Command c, MigrationEvent event, Duration sinceStart, Instant now) {
        if (event instanceof MigrationEvent.StepStarted s) {
            return Optional.of(new StepUpdate(c, StepUpdate.Status.STARTED, s.attempt(), Optional.empty(), Optional.empty(),
                    Optional.of("attempt " + s.attempt() + " of " + describe(c)), Optional.empty(), c.expectedFromHeads(), now));
        }
        if (event instanceof MigrationEvent.StepRetrying r) {
            ConvoyException cause = r.cause();
            return Optional.of(new StepUpdate(c, StepUpdate.Status.RETRYING, r.attempt(), Optional.of(cause.code()),
                    cause.sqlState(), Optional.of("attempt " + r.attempt() + " failed, retrying in " + r.backoff().toMillis()
                            + " ms: " + cause.getMessage()), Optional.of(sinceStart), c.expectedFromHeads(), now));
        }
        if (event instanceof MigrationEvent.StepApplied a) {
            return Optional.of(applied(c, a.duration(), a.attempts(), Optional.empty(), now));
        }
        if (event instanceof MigrationEvent.StepFailed f) {
            return Optional.of(failed(c, f.cause(), f.attempts(), Optional.of(sinceStart), c.expectedFromHeads(), now));
        }
        return Optional.empty();
    }

    public static StepUpdate applied(Command c, Duration duration, int attempts, Optional<String> message, Instant now) {
        return new StepUpdate(c, StepUpdate.Status.APPLIED, attempts, Optional.empty(), Optional.empty(), message,
                Optional.of(duration), c.headsAfter(), now);
    }

    public static StepUpdate failed(Command c, ConvoyException cause, int attempts, Optional<Duration> duration,
            Set<String> heads, Instant now) {
        return failed(c, cause.code(), cause.sqlState(), cause.getMessage(), attempts, duration, heads, now);
    }

    public static StepUpdate failed(Command c, ErrorCode code, Optional<String> sqlState, String message, int attempts,
            Optional<Duration> duration, Set<String> heads, Instant now) {
        return new StepUpdate(c, StepUpdate.Status.FAILED, attempts, Optional.of(code), sqlState, Optional.of(message), duration,
                heads, now);
    }

    public static StepUpdate skipped(Command c, String reason, Set<String> heads, Instant now) {
        return new StepUpdate(c, StepUpdate.Status.SKIPPED, 0, Optional.empty(), Optional.empty(), Optional.of(reason),
                Optional.empty(), heads, now);
    }

    /** A batched statement's progress: a RESUMED update ("the step goes on") carrying the progress. */
    public static StepUpdate progress(Command c, int attempt, MigrationEvent.BatchProgress p, Duration sinceStart, Instant now) {
        return new StepUpdate(c, StepUpdate.Status.RESUMED, attempt, Optional.empty(), Optional.empty(),
                Optional.of("batched statement " + p.index() + "/" + p.count() + ": " + p.status().describe()),
                Optional.of(sinceStart), c.expectedFromHeads(), now, Optional.of(p));
    }

    /** HALTED/RESUMED and other reports of a gate, during an attempt. */
    public static StepUpdate reported(Command c, StepUpdate.Status status, int attempt, String message, Duration sinceStart,
            Instant now) {
        return new StepUpdate(c, status, attempt, Optional.empty(), Optional.empty(), Optional.of(message),
                Optional.of(sinceStart), c.expectedFromHeads(), now);
    }

    private static String describe(Command c) {
        return c.direction().verb() + " of " + c.revision() + " (" + c.statements().size() + " statement"
                + (c.statements().size() == 1 ? "" : "s") + (c.transactional() ? "" : ", non-transactional") + ")";
    }
}

package io.convoy.planner.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the planner reads from an executor's step event (from the Avro {@code StepEvent}).
 *
 * @param heads     the target's heads after the event (unchanged unless the step was applied)
 * @param errorCode the executor's error code, for FAILED
 * @param message   the executor's detail, if any
 */
public record StepUpdate(
        String targetId,
        String planId,
        String requestId,
        String commandId,
        String revision,
        Status status,
        Optional<String> errorCode,
        Optional<String> message,
        Set<String> heads,
        Instant occurredAt) {

    /** The executor's step statuses (mirrors the Avro {@code StepStatus}). */
    public enum Status {
        STARTED, APPLIED, FAILED, SKIPPED, RETRYING, HALTED, RESUMED;

        /** The step is done and the target holds its revision: applied now, or found applied already. */
        public boolean done() {
            return this == APPLIED || this == SKIPPED;
        }
    }

    public StepUpdate {
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(occurredAt, "occurredAt");
        heads = Set.copyOf(heads);
    }
}

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

        /**
         * The step is done and the target holds its revision. The executor re-publishes APPLIED for a
         * command it finds applied already; SKIPPED means the opposite (not run because the plan
         * stopped earlier on this target), so it never completes a plan.
         */
        public boolean done() {
            return this == APPLIED;
        }

        /** The plan stopped on this target: the step failed, or was not run because an earlier one did not succeed. */
        public boolean stopsPlan() {
            return this == FAILED || this == SKIPPED;
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

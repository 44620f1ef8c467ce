package io.convoy.planner.ledger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What happened to one target of a request, sent from the per-target side (keyed by target id) back to the
 * request side (keyed by request id) through an internal topic. Error codes are strings: an executor's code may
 * be one this planner does not know.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TargetOutcome.Planned.class, name = "planned"),
        @JsonSubTypes.Type(value = TargetOutcome.Rejected.class, name = "rejected"),
        @JsonSubTypes.Type(value = TargetOutcome.Completed.class, name = "completed"),
        @JsonSubTypes.Type(value = TargetOutcome.Failed.class, name = "failed")})
public sealed interface TargetOutcome {
    String requestId();

    String planId();

    String targetId();

    /** Planned: {@code stepCount} commands emitted (none for a dry run), {@code summary} says which. */
    record Planned(String requestId, String planId, String targetId, int stepCount, String summary, boolean dryRun)
            implements TargetOutcome {}

    /** Refused: nothing emitted for this target. */
    record Rejected(String requestId, String planId, String targetId, String errorCode, String reason)
            implements TargetOutcome {}

    /** Every step of the target's plan is applied (or there was none). */
    record Completed(String requestId, String planId, String targetId, int stepCount) implements TargetOutcome {}

    /** A step failed; the rest of the target's plan will not be applied. */
    record Failed(String requestId, String planId, String targetId, String errorCode, String reason)
            implements TargetOutcome {}
}

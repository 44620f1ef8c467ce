package io.convoy.planner.ledger;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A plan event the planner publishes (converted to the Avro {@code PlanEvent} at the edge).
 *
 * @param planId    empty when the request was rejected before a plan was made
 * @param targetId  empty: about the whole request
 * @param stepCount steps planned (for the target, or in all)
 */
public record PlanNotice(
        String requestId,
        Optional<String> planId,
        Optional<String> targetId,
        Status status,
        Optional<String> reason,
        Optional<String> errorCode,
        Optional<Integer> stepCount) {

    /** Mirrors the Avro {@code PlanStatus}. */
    public enum Status { ACCEPTED, REJECTED, COMPLETED, FAILED }

    public PlanNotice {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(stepCount, "stepCount");
    }

    /** Deterministic: at most one event per request, status and target, so a consumer can deduplicate on it. */
    public String eventId() {
        return requestId + "/" + status.name().toLowerCase(Locale.ROOT) + "/" + targetId.orElse("*");
    }

    public static PlanNotice of(String requestId, String planId, String targetId, Status status, String reason,
                                String errorCode, Integer stepCount) {
        return new PlanNotice(requestId, Optional.ofNullable(planId), Optional.ofNullable(targetId), status,
                Optional.ofNullable(reason), Optional.ofNullable(errorCode), Optional.ofNullable(stepCount));
    }
}

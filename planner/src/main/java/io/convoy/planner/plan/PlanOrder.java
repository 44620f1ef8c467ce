package io.convoy.planner.plan;

import io.convoy.core.graph.Direction;
import java.util.List;
import java.util.Objects;

/**
 * One target's share of an accepted request: what the per-target side of the planner must plan. Travels from the
 * request side (keyed by request id) to the target side (keyed by target id) through an internal topic.
 *
 * @param requestId      the request
 * @param planId         the request's plan id
 * @param targetId       the target to plan for
 * @param targetRevision revision spec to reach
 * @param direction      upgrade or downgrade
 * @param dryRun         plan only
 * @param approvals      rule ids whose lint findings the requester approves
 */
public record PlanOrder(String requestId, String planId, String targetId, String targetRevision, Direction direction,
                        boolean dryRun, List<String> approvals) {
    public PlanOrder {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(targetRevision, "targetRevision");
        Objects.requireNonNull(direction, "direction");
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
    }
}

package io.convoy.planner.plan;

import io.convoy.core.graph.Direction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A migration request, as the planner works with it (converted from the Avro {@code MigrationRequest} at the
 * edge, see {@code io.convoy.planner.stream.AvroCodec}).
 *
 * @param requestId      unique id chosen by the requester; the idempotency key
 * @param requestedBy    who asks
 * @param targetIds      targets named explicitly
 * @param selector       label selector; a target matches when it carries every pair
 * @param targetRevision revision spec to reach ({@code head}, an id, {@code billing@head}, {@code -1}, ...)
 * @param direction      upgrade or downgrade
 * @param dryRun         plan and report, emit no command
 * @param ticket         change ticket, if any
 * @param reason         free-text reason, if any
 * @param createdAt      when the requester created it
 * @param approvals      lint/policy rule ids whose findings the requester approves
 */
public record PlanRequest(
        String requestId,
        String requestedBy,
        List<String> targetIds,
        Map<String, String> selector,
        String targetRevision,
        Direction direction,
        boolean dryRun,
        Optional<String> ticket,
        Optional<String> reason,
        Instant createdAt,
        List<String> approvals) {

    public PlanRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(targetRevision, "targetRevision");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(createdAt, "createdAt");
        targetIds = List.copyOf(targetIds);
        selector = Map.copyOf(selector);
        ticket = Objects.requireNonNull(ticket, "ticket");
        reason = Objects.requireNonNull(reason, "reason");
        approvals = List.copyOf(approvals);
    }
}

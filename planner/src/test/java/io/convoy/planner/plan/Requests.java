package io.convoy.planner.plan;

import io.convoy.core.graph.Direction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Request and order builders for tests. */
public final class Requests {
    private Requests() {}

    public static PlanRequest upgrade(String id, String revision, String... targets) {
        return request(id, revision, Direction.UPGRADE, false, Map.of(), targets);
    }

    public static PlanRequest request(String id, String revision, Direction direction, boolean dryRun,
                                      Map<String, String> selector, String... targets) {
        return new PlanRequest(id, "alice", List.of(targets), selector, revision, direction, dryRun,
                Optional.of("OPS-1"), Optional.empty(), Instant.parse("2025-01-01T00:00:00Z"), List.of());
    }

    public static PlanOrder order(String requestId, String target, String revision, Direction direction) {
        return new PlanOrder(requestId, CommandFactory.planId(requestId), target, revision, direction, false, List.of());
    }

    public static PlanOrder dryOrder(String requestId, String target, String revision) {
        return new PlanOrder(requestId, CommandFactory.planId(requestId), target, revision, Direction.UPGRADE, true, List.of());
    }
}

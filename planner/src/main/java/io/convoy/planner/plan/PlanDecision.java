package io.convoy.planner.plan;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Plan;
import java.util.Objects;

/** What the planner decided for one target of a request. */
public sealed interface PlanDecision {

    /** Planned: {@code plan} holds the steps (none when the target is already there). */
    record Accepted(String targetId, Plan plan) implements PlanDecision {
        public Accepted {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(plan, "plan");
        }
    }

    /** Refused: nothing is emitted for this target. */
    record Rejected(String targetId, ErrorCode code, String reason) implements PlanDecision {
        public Rejected {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

package io.convoy.planner.plan;

import io.convoy.core.error.ErrorCode;
import io.convoy.planner.fleet.Target;
import java.util.List;
import java.util.Objects;

/** The request-level verdict on a request, before any target is planned. */
public sealed interface Intake {

    /** Valid: plan for these targets (sorted by id, at least one). */
    record Valid(PlanRequest request, List<Target> targets) implements Intake {
        public Valid {
            Objects.requireNonNull(request, "request");
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a valid request names at least one target");
            }
        }
    }

    /** Invalid as a whole: rejected with this code and reason; no target is planned. */
    record Invalid(ErrorCode code, String reason) implements Intake {
        public Invalid {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

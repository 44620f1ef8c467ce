package io.convoy.planner.plan;

import io.convoy.planner.lint.LintFinding;
import java.util.List;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Plan;
import java.util.Objects;

/** What the planner decided for one target of a request. */
public sealed interface PlanDecision {

    /**
     * Planned: {@code plan} holds the steps (none when the target is already there); {@code approved} the lint
     * findings the request's approvals let through, recorded in the ACCEPTED plan event for the audit trail.
     */
    record Accepted(String targetId, Plan plan, List<LintFinding> approved) implements PlanDecision {
        public Accepted {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(plan, "plan");
            approved = List.copyOf(approved);
        }

        public Accepted(String targetId, Plan plan) {
            this(targetId, plan, List.of());
        }

        /** {@code ; approved: CV002 on b2 (...)} for the plan event, empty when nothing was approved. */
        public String approvalNote() {
            if (approved.isEmpty()) {
                return "";
            }
            StringBuilder b = new StringBuilder("; approved lint findings: ");
            for (int i = 0; i < approved.size(); i++) {
                LintFinding f = approved.get(i);
                b.append(i == 0 ? "" : "; ").append(f.rule()).append(" on ").append(f.revision()).append(" (").append(f.message()).append(')');
            }
            return b.toString();
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

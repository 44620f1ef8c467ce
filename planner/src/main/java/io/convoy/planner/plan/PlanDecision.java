package io.convoy.planner.plan;

import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.ReviewedFinding;
import java.util.List;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Plan;
import java.util.Objects;

/** What the planner decided for one target of a request. */
public sealed interface PlanDecision {

    /**
     * Planned: {@code plan} holds the steps (none when the target is already there); {@code findings} every lint
     * finding on the plan's revisions, each marked approved when the request's approvals name its rule. The approved
     * error-level ones ({@link #approved()}) are named in the ACCEPTED plan event; all of them go with the commands.
     */
    record Accepted(String targetId, Plan plan, List<ReviewedFinding> findings) implements PlanDecision {
        public Accepted {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(plan, "plan");
            findings = List.copyOf(findings);
        }

        public Accepted(String targetId, Plan plan) {
            this(targetId, plan, List.of());
        }

        /** The error-level findings the request's approvals let through. */
        public List<LintFinding> approved() {
            return findings.stream().filter(ReviewedFinding::approvedBlocking).map(ReviewedFinding::finding).toList();
        }

        /** {@code ; approved: CV002 on b2 (...)} for the plan event, empty when nothing was approved. */
        public String approvalNote() {
            List<LintFinding> approved = approved();
            if (approved.isEmpty()) {
                return "";
            }
            StringBuilder b = new StringBuilder("; approved lint findings: ");
            for (int i = 0; i < approved.size(); i++) {
                LintFinding f = approved.get(i);
                b.append(i == 0 ? "" : "; ").append(f.rule()).append(" on ").append(f.revision()).append(" (").append(f.text()).append(')');
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

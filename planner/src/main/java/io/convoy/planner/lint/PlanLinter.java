package io.convoy.planner.lint;

import io.convoy.core.graph.Plan;
import java.util.List;

/**
 * The seam where linting plugs in (a later issue fills it): looks at the revisions one target's plan would apply
 * and reports findings. A finding whose rule id the request lists in {@code approvals} is accepted; any other
 * rejects the target before a command is emitted.
 */
@FunctionalInterface
public interface PlanLinter {
    /** A linter that finds nothing: the planner's default until linting lands. */
    PlanLinter NONE = (targetId, plan) -> List.of();

    /** Findings for {@code plan}, the plan of {@code targetId}; empty when there is nothing to say. */
    List<LintFinding> lint(String targetId, Plan plan);
}

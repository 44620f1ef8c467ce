package io.convoy.planner.lint;

import io.convoy.core.graph.Plan;
import java.util.List;

/**
 * The seam where linting plugs in: looks at the revisions one target's plan would apply and reports findings of
 * every severity. An error-level finding ({@link LintFinding#blocks()}) whose rule id the request lists in
 * {@code approvals} is accepted; any other error-level finding rejects the target before a command is emitted.
 * Warnings and infos never block; every finding travels with the commands that apply its revision.
 */
@FunctionalInterface
public interface PlanLinter {
    /** A linter that finds nothing: the planner's default until linting lands. */
    PlanLinter NONE = (targetId, plan) -> List.of();

    /** Findings for {@code plan}, the plan of {@code targetId}; empty when there is nothing to say. */
    List<LintFinding> lint(String targetId, Plan plan);
}

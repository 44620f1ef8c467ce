package io.convoy.planner.plan;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.lint.ReviewedFinding;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans one target: the steps from its heads to the requested revision, with the checks that need the steps.
 * Pure: no Kafka, no clock.
 * <ul>
 *   <li>the graph's errors become rejections with their code (MIG011 unknown/ambiguous revision, MIG001 several
 *       heads, MIG004 heads not in the versions directory);</li>
 *   <li>a downgrade through a revision that has no {@code -- convoy:downgrade} section: MIG020 naming it and its
 *       file, and nothing of the plan is emitted;</li>
 *   <li>error-level lint findings the request does not approve (see {@link PlanLinter}); every finding, approved
 *       or not, blocking or not, is handed on with the accepted plan for its commands.</li>
 * </ul>
 */
public final class TargetPlanner {
    private final RevisionGraph graph;
    private final PlanLinter linter;

    public TargetPlanner(RevisionGraph graph, PlanLinter linter) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.linter = Objects.requireNonNull(linter, "linter");
    }

    public RevisionGraph graph() {
        return graph;
    }

    public PlanDecision plan(PlanOrder order, Set<String> currentHeads) {
        String target = order.targetId();
        Plan plan;
        try {
            plan = order.direction() == Direction.UPGRADE
                    ? graph.upgrade(currentHeads, order.targetRevision().strip())
                    : graph.downgrade(currentHeads, order.targetRevision().strip());
        } catch (ConvoyException e) {
            return new PlanDecision.Rejected(target, e.code(), "target " + target + ": " + e.getMessage());
        }
        List<MigrationStep> irreversible = plan.steps().stream()
                .filter(s -> s.direction() == Direction.DOWNGRADE && !s.revision().hasDowngrade())
                .toList();
        if (!irreversible.isEmpty()) {
            return new PlanDecision.Rejected(target, ErrorCode.MIG020, "target " + target + ": cannot downgrade to '"
                    + order.targetRevision().strip() + "': " + irreversible.stream()
                            .map(s -> s.revision().id() + " (" + s.revision().source() + ")")
                            .collect(Collectors.joining(", "))
                    + (irreversible.size() == 1 ? " has" : " have") + " no -- convoy:downgrade section");
        }
        List<LintFinding> findings = linter.lint(target, plan);
        List<LintFinding> blocking = findings.stream()
                .filter(f -> f.blocks() && !order.approvals().contains(f.rule()))
                .toList();
        if (!blocking.isEmpty()) {
            LintFinding first = blocking.get(0);
            return new PlanDecision.Rejected(target, first.code(), "target " + target + ": " + blocking.stream()
                    .map(f -> "lint rule " + f.rule() + " on " + f.revision() + ": " + f.text())
                    .collect(Collectors.joining("; "))
                    + " (approve with " + blocking.stream().map(LintFinding::rule).distinct()
                            .collect(Collectors.joining(", ")) + " in approvals)");
        }
        return new PlanDecision.Accepted(target, plan, ReviewedFinding.review(findings, order.approvals()));
    }

    /** {@code upgrade a1 → b2 → c3} (or {@code nothing to do, already at c3}), for plan events. */
    public static String describe(Plan plan) {
        if (plan.isEmpty()) {
            return "nothing to do: already at " + (plan.fromHeads().isEmpty() ? "base" : String.join(", ", sorted(plan.fromHeads())));
        }
        return plan.direction().verb() + " " + plan.steps().stream().map(s -> s.revision().id())
                .collect(Collectors.joining(" → "));
    }

    static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}

package io.convoy.planner.lint;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A finding as the planner decided on it for one request: {@code approved} when the request's approvals name its
 * rule (required for a blocking finding to pass; recorded for any finding).
 */
public record ReviewedFinding(LintFinding finding, boolean approved) {
    public ReviewedFinding {
        Objects.requireNonNull(finding, "finding");
    }

    /** Every finding of {@code findings}, marked approved when {@code approvals} names its rule. */
    public static List<ReviewedFinding> review(List<LintFinding> findings, Collection<String> approvals) {
        return findings.stream().map(f -> new ReviewedFinding(f, approvals.contains(f.rule()))).toList();
    }

    /** A blocking finding the request approved: what the ACCEPTED plan event names. */
    public boolean approvedBlocking() {
        return approved && finding.blocks();
    }
}

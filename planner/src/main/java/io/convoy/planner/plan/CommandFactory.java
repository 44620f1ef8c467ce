package io.convoy.planner.plan;

import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import io.convoy.planner.lint.ReviewedFinding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns one target's plan into its commands: one per step, in order, with deterministic ids, the statements and
 * transactional flag of the revision, its checksum, and its lock/statement timeouts (the revision's headers, else
 * the configured defaults).
 */
public final class CommandFactory {
    private final Duration defaultLockTimeout;
    private final Optional<Duration> defaultStatementTimeout;

    public CommandFactory(Duration defaultLockTimeout, Optional<Duration> defaultStatementTimeout) {
        this.defaultLockTimeout = Objects.requireNonNull(defaultLockTimeout, "defaultLockTimeout");
        this.defaultStatementTimeout = Objects.requireNonNull(defaultStatementTimeout, "defaultStatementTimeout");
    }

    /** The plan id of a request: a name-based UUID of its request id, so the same request always gets the same one. */
    public static String planId(String requestId) {
        return UUID.nameUUIDFromBytes(("convoy-plan:" + requestId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** {@code <planId>/<targetId>/<stepIndex>}: the same plan, target and step always give the same id. */
    public static String commandId(String planId, String targetId, int stepIndex) {
        return planId + "/" + targetId + "/" + stepIndex;
    }

    public List<TargetCommand> commands(PlanOrder order, Plan plan, Instant createdAt) {
        return commands(order, plan, createdAt, List.of());
    }

    /**
     * Like {@link #commands(PlanOrder, Plan, Instant)}, each command carrying every finding on its revision (the
     * linter ran once per revision checksum, so every command applying a revision gets the same findings) and, apart,
     * the approved error-level ones.
     */
    public List<TargetCommand> commands(PlanOrder order, Plan plan, Instant createdAt, List<ReviewedFinding> findings) {
        List<TargetCommand> out = new ArrayList<>(plan.steps().size());
        int count = plan.steps().size();
        for (int i = 0; i < count; i++) {
            MigrationStep step = plan.steps().get(i);
            Revision r = step.revision();
            out.add(new TargetCommand(
                    commandId(order.planId(), order.targetId(), i),
                    order.planId(),
                    order.requestId(),
                    order.targetId(),
                    i,
                    count,
                    r.id(),
                    step.direction(),
                    TargetPlanner.sorted(step.headsBefore()),
                    TargetPlanner.sorted(step.headsAfter()),
                    step.statements(),
                    r.transactional(),
                    r.checksum(),
                    r.lockTimeout().orElse(defaultLockTimeout),
                    r.statementTimeout().isPresent() ? r.statementTimeout() : defaultStatementTimeout,
                    createdAt,
                    findings.stream().filter(f -> f.approvedBlocking() && f.finding().revision().equals(r.id()))
                            .map(ReviewedFinding::finding).toList(),
                    findings.stream().filter(f -> f.finding().revision().equals(r.id())).toList()));
        }
        return out;
    }
}

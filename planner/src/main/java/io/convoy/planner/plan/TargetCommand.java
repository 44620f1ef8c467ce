package io.convoy.planner.plan;

import io.convoy.planner.lint.LintFinding;
import io.convoy.planner.lint.ReviewedFinding;

import io.convoy.core.graph.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of one target's plan, as the planner builds it (converted to the Avro {@code MigrationCommand} at the
 * edge).
 *
 * @param commandId         deterministic: {@code <planId>/<targetId>/<stepIndex>}
 * @param expectedFromHeads the target's heads before the step, sorted (the executor's optimistic check)
 * @param headsAfter        the target's heads after the step, sorted
 * @param statements        the statements of the step in order
 * @param statementTimeout  empty for no limit
 * @param approvedFindings  error-level lint findings on this step's revision that the request approved
 * @param lintFindings      every lint finding on this step's revision (any severity), each marked approved or not
 */
public record TargetCommand(
        String commandId,
        String planId,
        String requestId,
        String targetId,
        int stepIndex,
        int stepCount,
        String revision,
        Direction direction,
        List<String> expectedFromHeads,
        List<String> headsAfter,
        List<String> statements,
        boolean transactional,
        String checksum,
        Duration lockTimeout,
        Optional<Duration> statementTimeout,
        Instant createdAt,
        List<LintFinding> approvedFindings,
        List<ReviewedFinding> lintFindings) {

    public TargetCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(createdAt, "createdAt");
        expectedFromHeads = List.copyOf(expectedFromHeads);
        headsAfter = List.copyOf(headsAfter);
        statements = List.copyOf(statements);
        approvedFindings = List.copyOf(approvedFindings);
        lintFindings = List.copyOf(lintFindings);
    }

    /** A command with no lint finding. */
    public TargetCommand(String commandId, String planId, String requestId, String targetId, int stepIndex, int stepCount,
            String revision, Direction direction, List<String> expectedFromHeads, List<String> headsAfter,
            List<String> statements, boolean transactional, String checksum, Duration lockTimeout,
            Optional<Duration> statementTimeout, Instant createdAt) {
        this(commandId, planId, requestId, targetId, stepIndex, stepCount, revision, direction, expectedFromHeads, headsAfter,
                statements, transactional, checksum, lockTimeout, statementTimeout, createdAt, List.of(), List.of());
    }
}

package io.convoy.executor.command;

import io.convoy.core.graph.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One step of a plan for one target, as the executor works with it: a validated
 * {@link io.convoy.schemas.avro.MigrationCommand} ({@link CommandDecoder} builds it; nothing else inside the
 * executor sees the Avro class).
 *
 * @param stepIndex        zero-based position of the step in the target's plan
 * @param stepCount        number of steps of the target's plan
 * @param statements       the SQL statements, in the order they run
 * @param statementTimeout empty: no statement_timeout
 */
public record Command(
        String commandId,
        String planId,
        String requestId,
        String targetId,
        int stepIndex,
        int stepCount,
        String revision,
        Direction direction,
        Set<String> expectedFromHeads,
        Set<String> headsAfter,
        List<String> statements,
        boolean transactional,
        String checksum,
        Duration lockTimeout,
        Optional<Duration> statementTimeout,
        Instant createdAt) {

    public Command {
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
        expectedFromHeads = Set.copyOf(expectedFromHeads);
        headsAfter = Set.copyOf(headsAfter);
        statements = List.copyOf(statements);
    }

    /** {@code plan p-1 step 2/3 (upgrade of r2) on target orders-eu-1}: for logs and messages. */
    public String describe() {
        return "plan " + planId + " step " + (stepIndex + 1) + "/" + stepCount + " (" + direction.verb() + " of " + revision
                + ", command " + commandId + ") on target " + targetId;
    }

    /** The heads sorted, for messages. */
    public static String heads(Set<String> heads) {
        return heads.isEmpty() ? "base (no revision)" : String.join(", ", new TreeSet<>(heads));
    }
}

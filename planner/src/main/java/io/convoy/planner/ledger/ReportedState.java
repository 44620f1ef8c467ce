package io.convoy.planner.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A target's state as its executor last reported it (from the Avro {@code TargetState}).
 *
 * @param heads     the target's version-table heads (empty: no revision applied)
 * @param updatedAt when the executor derived it
 */
public record ReportedState(String targetId, Set<String> heads, Instant updatedAt) {
    public ReportedState {
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(updatedAt, "updatedAt");
        heads = Set.copyOf(heads);
    }
}

package io.convoy.core.graph;

import java.util.List;
import java.util.Set;

/** An ordered list of steps from {@code fromHeads} to {@code toHeads}. Empty when already there. */
public record Plan(Direction direction, Set<String> fromHeads, Set<String> toHeads, List<MigrationStep> steps) {
    public Plan {
        fromHeads = Set.copyOf(fromHeads);
        toHeads = Set.copyOf(toHeads);
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() { return steps.isEmpty(); }
}

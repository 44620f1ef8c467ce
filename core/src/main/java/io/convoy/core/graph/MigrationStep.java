package io.convoy.core.graph;

import io.convoy.core.script.Revision;
import java.util.List;
import java.util.Set;

/**
 * One revision applied in one direction, with the version-table heads before and after it.
 * {@code headsBefore} is what the executor checks optimistically; {@code headsAfter} is what the
 * version table holds once the step commits.
 */
public record MigrationStep(Revision revision, Direction direction, Set<String> headsBefore, Set<String> headsAfter) {
    public MigrationStep {
        headsBefore = Set.copyOf(headsBefore);
        headsAfter = Set.copyOf(headsAfter);
    }

    /** The statements this step runs (upgrade or downgrade section). */
    public List<String> statements() {
        return direction == Direction.UPGRADE ? revision.upgrade() : revision.downgrade();
    }
}

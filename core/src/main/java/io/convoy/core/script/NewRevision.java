package io.convoy.core.script;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code convoy revision} / {@code convoy merge} asks to create. {@code id} empty: a random
 * 12-hex-digit id. {@code upgrade}/{@code downgrade} empty: a template body to fill in.
 */
public record NewRevision(
        Optional<String> id,
        String message,
        List<String> downRevisions,
        Set<String> branchLabels,
        List<String> dependsOn,
        boolean transactional,
        Optional<String> upgrade,
        Optional<String> downgrade) {
    public NewRevision {
        downRevisions = List.copyOf(downRevisions);
        branchLabels = Set.copyOf(branchLabels);
        dependsOn = List.copyOf(dependsOn);
    }
}

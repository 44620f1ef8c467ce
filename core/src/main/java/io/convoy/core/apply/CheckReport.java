package io.convoy.core.apply;

import io.convoy.core.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code convoy check} found. {@link #worst()} decides the exit code: MIG004 (drift or
 * vanished) over MIG001 (several heads) over MIG005 (behind head); empty when all is well.
 */
public record CheckReport(
        Set<String> databaseHeads,
        Set<String> graphHeads,
        List<Drift> changed,
        List<String> vanished,
        boolean multipleHeads,
        boolean atHead) {

    /** An applied revision whose file's checksum differs from the one stored at apply. */
    public record Drift(String revision, String appliedChecksum, String fileChecksum, String file) {}

    public CheckReport {
        databaseHeads = Set.copyOf(databaseHeads);
        graphHeads = Set.copyOf(graphHeads);
        changed = List.copyOf(changed);
        vanished = List.copyOf(vanished);
    }

    public Optional<ErrorCode> worst() {
        if (!changed.isEmpty() || !vanished.isEmpty()) {
            return Optional.of(ErrorCode.MIG004);
        }
        if (multipleHeads) {
            return Optional.of(ErrorCode.MIG001);
        }
        if (!atHead) {
            return Optional.of(ErrorCode.MIG005);
        }
        return Optional.empty();
    }
}

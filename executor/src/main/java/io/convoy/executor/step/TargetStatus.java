package io.convoy.executor.step;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What the executor knows of one target, published as a {@link io.convoy.schemas.avro.TargetState}. */
public record TargetStatus(String targetId, Set<String> heads, Optional<String> lastPlanId, Optional<String> lastErrorCode,
        Instant updatedAt) {
    public TargetStatus {
        Objects.requireNonNull(targetId, "targetId");
        heads = Set.copyOf(heads);
        Objects.requireNonNull(lastPlanId, "lastPlanId");
        Objects.requireNonNull(lastErrorCode, "lastErrorCode");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}

package io.convoy.core.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One row of convoy.history (append-only). {@code direction} is upgrade, downgrade or stamp. */
public record HistoryEntry(
        long id,
        String revision,
        String direction,
        String checksum,
        Instant startedAt,
        Instant finishedAt,
        Duration duration,
        String appliedBy,
        String host,
        int statementCount,
        Optional<String> planId,
        Optional<String> commandId) {}

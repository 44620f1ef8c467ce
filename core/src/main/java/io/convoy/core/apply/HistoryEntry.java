package io.convoy.core.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One row of convoy.history (append-only).
 *
 * @param direction   {@code upgrade}, {@code downgrade} or {@code stamp}
 * @param outcome     {@code applied} or {@code failed} (a failed attempt is recorded after its rollback)
 * @param errorCode   the ErrorCode name when failed
 * @param error       the error message (masked) when failed
 */
public record HistoryEntry(
        long id,
        String revision,
        String direction,
        String outcome,
        String checksum,
        Instant startedAt,
        Instant finishedAt,
        Duration duration,
        String appliedBy,
        String host,
        int statementCount,
        Optional<String> planId,
        Optional<String> commandId,
        Optional<String> errorCode,
        Optional<String> error) {}

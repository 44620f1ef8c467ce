package io.convoy.executor.step;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One row of convoy.history as the executor reads it (with the SQLSTATE, which
 * {@link io.convoy.core.apply.HistoryEntry} leaves out).
 */
public record HistoryRow(
        long id,
        Optional<String> planId,
        Optional<String> commandId,
        String revision,
        String direction,
        String outcome,
        Optional<String> checksum,
        Duration duration,
        Instant finishedAt,
        String appliedBy,
        String host,
        Optional<String> errorCode,
        Optional<String> sqlState,
        Optional<String> error) {

    public boolean applied() {
        return "applied".equals(outcome);
    }

    /** A failed row that is a real failure, not a step stopped by the executor ({@link StepInterrupted}). */
    public boolean failure() {
        return "failed".equals(outcome) && !StepInterrupted.isInterruption(error.orElse(null));
    }

    public String where() {
        return "convoy.history id " + id + ", " + finishedAt + " by " + appliedBy + " on " + host;
    }
}

package io.convoy.executor.step;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The latest {@link TargetStatus} of each target this executor touched: seeded at start-up from the database
 * (heads, latest plan and failure in convoy.history), then moved by every finished step. The last error is
 * set by FAILED, cleared by APPLIED, kept by SKIPPED. Thread-safe; the steps of one target are serialised by the caller.
 */
public final class TargetStates {
    private final Map<String, TargetStatus> states = new java.util.concurrent.ConcurrentHashMap<>();

    public void seed(TargetStatus status) {
        states.put(status.targetId(), status);
    }

    public Optional<TargetStatus> get(String targetId) {
        return Optional.ofNullable(states.get(targetId));
    }

    /**
     * The state after a finished step, or empty when the target's heads are not known (the database could not
     * be read: publishing guessed heads would mislead whoever plans from them).
     */
    public Optional<TargetStatus> after(StepUpdate update, Optional<Set<String>> currentHeads, Instant now) {
        String target = update.command().targetId();
        TargetStatus previous = states.get(target);
        Optional<String> lastError = switch (update.status()) {
            case FAILED -> update.errorCode().map(Enum::name);
            case APPLIED -> Optional.empty();
            default -> previous == null ? Optional.empty() : previous.lastErrorCode();
        };
        if (currentHeads.isEmpty()) {
            return Optional.empty();
        }
        TargetStatus next = new TargetStatus(target, currentHeads.get(), Optional.of(update.command().planId()), lastError, now);
        states.put(target, next);
        return Optional.of(next);
    }
}

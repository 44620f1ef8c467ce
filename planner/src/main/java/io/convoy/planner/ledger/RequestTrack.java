package io.convoy.planner.ledger;

import java.util.List;
import java.util.Objects;

/**
 * What the planner remembers of one request (the value of the per-request store; its presence is what makes a
 * second request with the same id a duplicate).
 *
 * @param planId       the plan id; null when the request was rejected as a whole
 * @param status       REJECTED (as a whole), OPEN (targets pending or in flight) or FINISHED
 * @param decided      true once the request-level ACCEPTED/REJECTED was published
 * @param finishedAtMs when the request was rejected or finished; 0 while open
 * @param targets      every target of the request with its progress, sorted by id
 */
public record RequestTrack(
        String requestId,
        String planId,
        boolean dryRun,
        Status status,
        boolean decided,
        long receivedAtMs,
        long finishedAtMs,
        List<TargetProgress> targets) {

    public enum Status { REJECTED, OPEN, FINISHED }

    /** Where one target of the request stands. */
    public enum Phase {
        PENDING, PLANNED, REJECTED, COMPLETED, FAILED;

        /** Nothing more will happen to the target in this request. */
        public boolean terminal() {
            return this == REJECTED || this == COMPLETED || this == FAILED;
        }
    }

    /**
     * @param stepCount steps planned, once planned
     * @param errorCode for REJECTED and FAILED
     * @param reason    the last reason given
     */
    public record TargetProgress(String targetId, Phase phase, Integer stepCount, String errorCode, String reason) {
        public TargetProgress {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(phase, "phase");
        }

        TargetProgress to(Phase newPhase, Integer steps, String code, String why) {
            return new TargetProgress(targetId, newPhase, steps == null ? stepCount : steps, code, why);
        }
    }

    public RequestTrack {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** Can be forgotten once finished (or rejected) for longer than {@code retentionMs}. */
    public boolean expired(long nowMs, long retentionMs) {
        return status != Status.OPEN && finishedAtMs + retentionMs <= nowMs;
    }
}

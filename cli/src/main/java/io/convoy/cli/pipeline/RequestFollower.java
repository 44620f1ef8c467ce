package io.convoy.cli.pipeline;

import io.convoy.core.error.ErrorCode;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows one request through its plan events and step events until the planner's request-level verdict:
 * REJECTED, COMPLETED, FAILED, or ACCEPTED of a dry run.
 */
public final class RequestFollower {
    /** How a request ended. */
    public record Outcome(PlanStatus status, Optional<String> errorCode, String reason, Map<String, PlanStatus> targets) {
        /** 0 when completed (or a dry run was accepted); else the error code's exit code (1 when none is known). */
        public int exitCode() {
            if (status == PlanStatus.COMPLETED || status == PlanStatus.ACCEPTED) {
                return 0;
            }
            return errorCode.flatMap(RequestFollower::code).map(ErrorCode::exitCode).orElse(1);
        }
    }

    private final String requestId;
    private final boolean dryRun;
    private final Map<String, PlanStatus> targets = new LinkedHashMap<>();
    private final Map<String, String> targetErrors = new LinkedHashMap<>();
    private Outcome outcome;

    public RequestFollower(String requestId, boolean dryRun) {
        this.requestId = requestId;
        this.dryRun = dryRun;
    }

    /** The line to print for the event, empty when it is about another request. */
    public Optional<String> accept(PlanEvent e) {
        if (!requestId.equals(e.getRequestId())) {
            return Optional.empty();
        }
        if (e.getTargetId() != null) {
            targets.put(e.getTargetId(), e.getStatus());
            if (e.getErrorCode() != null) {
                targetErrors.putIfAbsent(e.getTargetId(), e.getErrorCode());
            }
        } else if (e.getStatus() != PlanStatus.ACCEPTED || dryRun) {
            String code = e.getErrorCode() != null ? e.getErrorCode()
                    : targetErrors.values().stream().findFirst().orElse(null);
            outcome = new Outcome(e.getStatus(), Optional.ofNullable(code), e.getReason() == null ? "" : e.getReason(), Map.copyOf(targets));
        }
        return Optional.of(EventFormat.plan(e));
    }

    public Optional<String> accept(StepEvent e) {
        if (!requestId.equals(e.getRequestId())) {
            return Optional.empty();
        }
        return Optional.of(EventFormat.step(e));
    }

    public Optional<Outcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    static Optional<ErrorCode> code(String name) {
        try {
            return Optional.of(ErrorCode.valueOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

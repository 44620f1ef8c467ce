package io.convoy.cli.pipeline;

import io.convoy.core.util.Secrets;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.StepEvent;
import java.util.List;

/** One line per event, for submit --wait, watch and status. */
public final class EventFormat {
    private EventFormat() {}

    public static String plan(PlanEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.getTargetId() == null ? "request " + e.getRequestId() : pad(e.getTargetId())).append("  ");
        sb.append(e.getStatus());
        if (e.getStepCount() != null) {
            sb.append(" (").append(e.getStepCount()).append(e.getStepCount() == 1 ? " step)" : " steps)");
        }
        if (e.getErrorCode() != null) {
            sb.append(' ').append(e.getErrorCode());
        }
        if (e.getReason() != null) {
            sb.append(": ").append(Secrets.mask(e.getReason()));
        }
        return sb.toString();
    }

    public static String step(StepEvent e) {
        StringBuilder sb = new StringBuilder(pad(e.getTargetId())).append("  ");
        if (e.getStepIndex() >= 0 && e.getStepCount() > 0) {
            sb.append('[').append(e.getStepIndex() + 1).append('/').append(e.getStepCount()).append("] ");
        }
        sb.append(e.getDirection() == io.convoy.schemas.avro.Direction.UPGRADE ? "upgrade " : "downgrade ")
                .append(e.getRevision()).append(' ').append(e.getStatus());
        if (e.getAttempts() > 1) {
            sb.append(" (attempt ").append(e.getAttempts()).append(')');
        }
        if (e.getDurationMs() != null && e.getStatus() != io.convoy.schemas.avro.StepStatus.STARTED) {
            sb.append(" in ").append(e.getDurationMs()).append(" ms");
        }
        if (e.getErrorCode() != null) {
            sb.append(' ').append(e.getErrorCode());
        }
        if (e.getMessage() != null && e.getStatus() != io.convoy.schemas.avro.StepStatus.APPLIED) {
            sb.append(": ").append(Secrets.mask(e.getMessage()));
        }
        sb.append("  [").append(e.getExecutorId()).append(']');
        return sb.toString();
    }

    public static String heads(List<String> heads) {
        return heads.isEmpty() ? "<base>" : String.join(", ", heads.stream().sorted().toList());
    }

    static String pad(String target) {
        return String.format("%-14s", target);
    }
}

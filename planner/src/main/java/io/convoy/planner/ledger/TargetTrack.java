package io.convoy.planner.ledger;

import io.convoy.planner.plan.PlanOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the planner knows about one target (the value of the per-target store). Immutable; lists are kept sorted or
 * in arrival order so that the stored JSON is stable.
 *
 * @param targetId       the target
 * @param reportedHeads  heads its executor last reported (TargetState or step event); null: never reported
 * @param reportedAtMs   when the executor produced that report (its clock), 0 when never
 * @param projectedHeads heads once every command emitted so far is applied; null when no plan is in flight (then
 *                       {@code reportedHeads} is the truth)
 * @param openPlans      plans with commands emitted whose outcome is not known yet, oldest first
 * @param waiting        orders waiting for the target's first state, in arrival order
 */
public record TargetTrack(
        String targetId,
        List<String> reportedHeads,
        long reportedAtMs,
        List<String> projectedHeads,
        List<OpenPlan> openPlans,
        List<Waiting> waiting) {

    /**
     * A plan of this target whose commands were emitted.
     *
     * @param lastCommandId the command whose APPLIED completes the plan
     * @param valid         false once an earlier plan failed: this plan was computed from heads the target will not
     *                      reach, so the executor will refuse it (MIG004); it no longer counts for the projection
     */
    public record OpenPlan(String planId, String requestId, String lastCommandId, int stepCount, boolean valid) {
        public OpenPlan invalidated() {
            return new OpenPlan(planId, requestId, lastCommandId, stepCount, false);
        }
    }

    /** An order waiting for the target's state until {@code deadlineMs}. */
    public record Waiting(PlanOrder order, long deadlineMs) {}

    public TargetTrack {
        Objects.requireNonNull(targetId, "targetId");
        reportedHeads = reportedHeads == null ? null : sorted(reportedHeads);
        projectedHeads = projectedHeads == null ? null : sorted(projectedHeads);
        openPlans = openPlans == null ? List.of() : List.copyOf(openPlans);
        waiting = waiting == null ? List.of() : List.copyOf(waiting);
    }

    /** A target the planner knows nothing about yet. */
    public static TargetTrack unknown(String targetId) {
        return new TargetTrack(targetId, null, 0, null, List.of(), List.of());
    }

    /** The heads to plan from: projected while plans are in flight, else reported; empty when never reported. */
    public Optional<Set<String>> planningHeads() {
        if (projectedHeads != null) {
            return Optional.of(Set.copyOf(projectedHeads));
        }
        return reportedHeads == null ? Optional.empty() : Optional.of(Set.copyOf(reportedHeads));
    }

    /** The earliest deadline of the waiting orders, if any wait. */
    public Optional<Long> earliestDeadline() {
        return waiting.stream().map(Waiting::deadlineMs).min(Long::compare);
    }

    public Optional<OpenPlan> openPlan(String planId) {
        return openPlans.stream().filter(p -> p.planId().equals(planId)).findFirst();
    }

    TargetTrack withReported(Set<String> heads, long atMs) {
        return new TargetTrack(targetId, new ArrayList<>(heads), atMs, projectedHeads, openPlans, waiting);
    }

    TargetTrack withProjection(List<String> heads, List<OpenPlan> plans) {
        return new TargetTrack(targetId, reportedHeads, reportedAtMs, heads, plans, waiting);
    }

    TargetTrack withWaiting(List<Waiting> newWaiting) {
        return new TargetTrack(targetId, reportedHeads, reportedAtMs, projectedHeads, openPlans, newWaiting);
    }

    private static List<String> sorted(List<String> heads) {
        return heads.stream().sorted().distinct().toList();
    }
}

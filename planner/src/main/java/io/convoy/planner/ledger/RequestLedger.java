package io.convoy.planner.ledger;

import io.convoy.core.error.ErrorCode;
import io.convoy.planner.fleet.Target;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.Intake;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.PlanRequest;
import io.convoy.planner.plan.RequestValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The per-request state machine of the planner. Pure, like {@link TargetLedger}.
 *
 * <ul>
 *   <li>A request id already in the store is a duplicate: ignored, nothing is emitted.</li>
 *   <li>A request invalid as a whole (see {@link RequestValidator}) gets one REJECTED event and is remembered.</li>
 *   <li>A valid one is remembered with its targets PENDING and one {@link PlanOrder} per target goes to the
 *       per-target side.</li>
 *   <li>Each target's outcome gives one per-target event (ACCEPTED with its step count, REJECTED, then COMPLETED or
 *       FAILED). When no target is pending any more, one request-level event: REJECTED when every target was
 *       rejected, else ACCEPTED with the plan id and the total step count (a dry run ends there). When every target
 *       is finished: request-level COMPLETED if all completed, else FAILED.</li>
 * </ul>
 */
public final class RequestLedger {
    private static final int MAX_LISTED = 10;

    private final RequestValidator validator;

    /**
     * What one input produced.
     *
     * @param track     the request's new track; empty: nothing to store
     * @param notices   plan events to publish, in order
     * @param orders    per-target orders to send, in order
     * @param duplicate the input was a duplicate request and was ignored
     */
    public record Result(Optional<RequestTrack> track, List<PlanNotice> notices, List<PlanOrder> orders, boolean duplicate) {
        public Result {
            notices = List.copyOf(notices);
            orders = List.copyOf(orders);
        }
    }

    public RequestLedger(RequestValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    /** A decoded request; {@code existing} is what the store holds under its id. */
    public Result onRequest(RequestTrack existing, PlanRequest request, long nowMs) {
        if (existing != null) {
            return new Result(Optional.of(existing), List.of(), List.of(), true);
        }
        Intake intake = validator.validate(request);
        if (intake instanceof Intake.Invalid invalid) {
            return rejectWhole(request.requestId(), invalid.code(), invalid.reason(), nowMs);
        }
        Intake.Valid valid = (Intake.Valid) intake;
        String planId = CommandFactory.planId(request.requestId());
        List<RequestTrack.TargetProgress> progress = new ArrayList<>();
        List<PlanOrder> orders = new ArrayList<>();
        for (Target t : valid.targets()) {
            progress.add(new RequestTrack.TargetProgress(t.id(), RequestTrack.Phase.PENDING, null, null, null));
            orders.add(new PlanOrder(request.requestId(), planId, t.id(), request.targetRevision().strip(),
                    request.direction(), request.dryRun(), request.approvals()));
        }
        RequestTrack track = new RequestTrack(request.requestId(), planId, request.dryRun(), RequestTrack.Status.OPEN,
                false, nowMs, 0, progress);
        return new Result(Optional.of(track), List.of(), orders, false);
    }

    /**
     * A request rejected as a whole without the validator (e.g. its record could not be decoded): one REJECTED
     * event, and a track the caller stores only when the id is trustworthy (a decoded request, not the key of
     * undecodable bytes).
     */
    public Result rejectWhole(String requestId, ErrorCode code, String reason, long nowMs) {
        RequestTrack track = new RequestTrack(requestId, null, false, RequestTrack.Status.REJECTED, true, nowMs, nowMs, List.of());
        PlanNotice notice = PlanNotice.of(requestId, null, null, PlanNotice.Status.REJECTED, reason, code.name(), null);
        return new Result(Optional.of(track), List.of(notice), List.of(), false);
    }

    /** One target's outcome; {@code track} is what the store holds under its request id (null if nothing). */
    public Result onOutcome(RequestTrack track, TargetOutcome outcome, long nowMs) {
        if (track == null || track.status() != RequestTrack.Status.OPEN || !Objects.equals(track.planId(), outcome.planId())) {
            return new Result(Optional.ofNullable(track), List.of(), List.of(), false);
        }
        List<RequestTrack.TargetProgress> targets = new ArrayList<>(track.targets());
        int index = indexOf(targets, outcome.targetId());
        if (index < 0) {
            return new Result(Optional.of(track), List.of(), List.of(), false);
        }
        RequestTrack.TargetProgress p = targets.get(index);
        List<PlanNotice> notices = new ArrayList<>();
        String req = track.requestId();
        String plan = track.planId();
        String target = outcome.targetId();
        if (outcome instanceof TargetOutcome.Planned o && p.phase() == RequestTrack.Phase.PENDING) {
            p = p.to(RequestTrack.Phase.PLANNED, o.stepCount(), null, o.summary());
            notices.add(PlanNotice.of(req, plan, target, PlanNotice.Status.ACCEPTED, o.summary(), null, o.stepCount()));
        } else if (outcome instanceof TargetOutcome.Rejected o && p.phase() == RequestTrack.Phase.PENDING) {
            p = p.to(RequestTrack.Phase.REJECTED, null, o.errorCode(), o.reason());
            notices.add(PlanNotice.of(req, plan, target, PlanNotice.Status.REJECTED, o.reason(), o.errorCode(), null));
        } else if (outcome instanceof TargetOutcome.Completed o && p.phase() == RequestTrack.Phase.PLANNED) {
            String why = o.stepCount() == 0 ? "nothing to apply" : "all " + o.stepCount() + " step(s) applied";
            p = p.to(RequestTrack.Phase.COMPLETED, null, null, why);
            notices.add(PlanNotice.of(req, plan, target, PlanNotice.Status.COMPLETED, why, null, p.stepCount()));
        } else if (outcome instanceof TargetOutcome.Failed o && p.phase() == RequestTrack.Phase.PLANNED) {
            p = p.to(RequestTrack.Phase.FAILED, null, o.errorCode(), o.reason());
            notices.add(PlanNotice.of(req, plan, target, PlanNotice.Status.FAILED, o.reason(), o.errorCode(), p.stepCount()));
        } else {
            return new Result(Optional.of(track), List.of(), List.of(), false); // out of order or repeated: ignore
        }
        targets.set(index, p);
        boolean decided = track.decided();
        RequestTrack.Status status = track.status();
        long finishedAt = track.finishedAtMs();
        if (!decided && targets.stream().noneMatch(t -> t.phase() == RequestTrack.Phase.PENDING)) {
            decided = true;
            PlanNotice decision = decision(track, targets);
            notices.add(decision);
            if (decision.status() == PlanNotice.Status.REJECTED || track.dryRun()) {
                status = RequestTrack.Status.FINISHED;
                finishedAt = nowMs;
            }
        }
        if (decided && status == RequestTrack.Status.OPEN && targets.stream().allMatch(t -> t.phase().terminal())) {
            status = RequestTrack.Status.FINISHED;
            finishedAt = nowMs;
            notices.add(ending(track, targets));
        }
        RequestTrack next = new RequestTrack(track.requestId(), track.planId(), track.dryRun(), status, decided,
                track.receivedAtMs(), finishedAt, targets);
        return new Result(Optional.of(next), notices, List.of(), false);
    }

    private static PlanNotice decision(RequestTrack track, List<RequestTrack.TargetProgress> targets) {
        List<RequestTrack.TargetProgress> rejected = inPhase(targets, RequestTrack.Phase.REJECTED);
        if (rejected.size() == targets.size()) {
            return PlanNotice.of(track.requestId(), track.planId(), null, PlanNotice.Status.REJECTED,
                    (targets.size() == 1 ? "its target was rejected: " : "all " + targets.size() + " targets were rejected: ")
                            + reasons(rejected), rejected.get(0).errorCode(), null);
        }
        List<RequestTrack.TargetProgress> planned = targets.stream()
                .filter(t -> t.phase() != RequestTrack.Phase.REJECTED).toList();
        int steps = planned.stream().mapToInt(t -> t.stepCount() == null ? 0 : t.stepCount()).sum();
        StringBuilder reason = new StringBuilder();
        if (track.dryRun()) {
            reason.append("dry run, no command emitted: ");
        }
        reason.append(planned.size()).append(planned.size() == 1 ? " target" : " targets").append(" planned, ")
                .append(steps).append(steps == 1 ? " step" : " steps");
        if (track.dryRun()) {
            reason.append(" (").append(planned.stream().limit(MAX_LISTED)
                    .map(t -> t.targetId() + ": " + t.reason()).collect(Collectors.joining("; ")))
                    .append(planned.size() > MAX_LISTED ? "; ..." : "").append(')');
        }
        if (!rejected.isEmpty()) {
            reason.append("; rejected: ").append(list(rejected));
        }
        return PlanNotice.of(track.requestId(), track.planId(), null, PlanNotice.Status.ACCEPTED, reason.toString(),
                null, steps);
    }

    private static PlanNotice ending(RequestTrack track, List<RequestTrack.TargetProgress> targets) {
        int steps = targets.stream().mapToInt(t -> t.stepCount() == null ? 0 : t.stepCount()).sum();
        if (targets.stream().allMatch(t -> t.phase() == RequestTrack.Phase.COMPLETED)) {
            return PlanNotice.of(track.requestId(), track.planId(), null, PlanNotice.Status.COMPLETED,
                    "all " + targets.size() + (targets.size() == 1 ? " target" : " targets") + " completed", null, steps);
        }
        List<RequestTrack.TargetProgress> failed = inPhase(targets, RequestTrack.Phase.FAILED);
        List<RequestTrack.TargetProgress> rejected = inPhase(targets, RequestTrack.Phase.REJECTED);
        List<RequestTrack.TargetProgress> bad = new ArrayList<>(failed);
        bad.addAll(rejected);
        long completed = targets.stream().filter(t -> t.phase() == RequestTrack.Phase.COMPLETED).count();
        String reason = completed + " of " + targets.size() + " targets completed"
                + (failed.isEmpty() ? "" : "; failed: " + list(failed))
                + (rejected.isEmpty() ? "" : "; rejected: " + list(rejected));
        return PlanNotice.of(track.requestId(), track.planId(), null, PlanNotice.Status.FAILED, reason,
                bad.get(0).errorCode(), steps);
    }

    private static List<RequestTrack.TargetProgress> inPhase(List<RequestTrack.TargetProgress> targets, RequestTrack.Phase phase) {
        return targets.stream().filter(t -> t.phase() == phase).toList();
    }

    /** {@code t1 (MIG011), t2 (MIG021)}: the per-target events carry the details. */
    private static String list(List<RequestTrack.TargetProgress> targets) {
        return targets.stream().limit(MAX_LISTED)
                .map(t -> t.targetId() + (t.errorCode() == null ? "" : " (" + t.errorCode() + ")"))
                .collect(Collectors.joining(", ")) + (targets.size() > MAX_LISTED ? ", ..." : "");
    }

    /** The targets' reasons in full (each names its target). */
    private static String reasons(List<RequestTrack.TargetProgress> targets) {
        return targets.stream().limit(MAX_LISTED).map(RequestTrack.TargetProgress::reason)
                .collect(Collectors.joining("; ")) + (targets.size() > MAX_LISTED ? "; ..." : "");
    }

    private static int indexOf(List<RequestTrack.TargetProgress> targets, String targetId) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).targetId().equals(targetId)) {
                return i;
            }
        }
        return -1;
    }
}

package io.convoy.planner.ledger;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.config.Durations;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.PlanDecision;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.TargetCommand;
import io.convoy.planner.plan.TargetPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The per-target state machine of the planner. Pure: each method takes the target's {@link TargetTrack} and one
 * input and returns the new track with the commands and outcomes to emit; the Kafka Streams processor only loads,
 * stores and forwards.
 *
 * <h2>Which heads a plan starts from</h2>
 * While plans of the target are in flight the next one starts from the <em>projected</em> heads (the heads after the
 * last command emitted), so that consecutive requests chain: the second request's first command expects the first
 * request's last heads. With nothing in flight the heads the executor last reported are used (TargetState or the
 * heads carried by a step event, whichever was produced last). The executor's optimistic check on
 * {@code expected_from_heads} stays the safety net.
 *
 * <h2>Outcomes</h2>
 * The APPLIED event of a plan's last command completes it; a FAILED (or SKIPPED: not run because the plan stopped) event
 * fails it. A failed plan makes every later plan in flight for the target invalid (they were planned from heads
 * the target will not reach, so the executor refuses them and they fail in turn) and drops the projection: the
 * next plan starts from the heads the failure event reported.
 *
 * <h2>A target that never reported</h2>
 * Its orders wait, in arrival order, until its first TargetState or step event; an order still waiting after
 * {@code stateWait} is rejected with MIG021. Other targets of the same request do not wait for it.
 */
public final class TargetLedger {
    private final TargetPlanner planner;
    private final CommandFactory commands;
    private final Duration stateWait;

    /**
     * What one input produced.
     *
     * @param track    the target's new track
     * @param commands commands to emit, in order
     * @param outcomes outcomes to send to the request side, in order
     */
    public record Result(TargetTrack track, List<TargetCommand> commands, List<TargetOutcome> outcomes) {
        public Result {
            commands = List.copyOf(commands);
            outcomes = List.copyOf(outcomes);
        }
    }

    public TargetLedger(TargetPlanner planner, CommandFactory commands, Duration stateWait) {
        this.planner = Objects.requireNonNull(planner, "planner");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.stateWait = Objects.requireNonNull(stateWait, "stateWait");
    }

    public Result onOrder(TargetTrack track, PlanOrder order, long nowMs) {
        Acc acc = new Acc(track);
        if (acc.track.openPlan(order.planId()).isPresent()
                || acc.track.waiting().stream().anyMatch(w -> w.order().planId().equals(order.planId()))) {
            return acc.result(); // the same order twice: already planned or waiting
        }
        if (acc.track.waiting().isEmpty() && acc.track.planningHeads().isPresent()) {
            plan(acc, order, acc.track.planningHeads().get(), nowMs);
        } else {
            List<TargetTrack.Waiting> waiting = new ArrayList<>(acc.track.waiting());
            waiting.add(new TargetTrack.Waiting(order, nowMs + stateWait.toMillis()));
            acc.track = acc.track.withWaiting(waiting);
        }
        return acc.result();
    }

    public Result onState(TargetTrack track, ReportedState state, long nowMs) {
        Acc acc = new Acc(track);
        long at = state.updatedAt().toEpochMilli();
        if (acc.track.reportedHeads() == null || at >= acc.track.reportedAtMs()) {
            acc.track = acc.track.withReported(state.heads(), at);
        }
        drain(acc, nowMs);
        return acc.result();
    }

    public Result onStep(TargetTrack track, StepUpdate step, long nowMs) {
        Acc acc = new Acc(track);
        long at = step.occurredAt().toEpochMilli();
        if (acc.track.reportedHeads() == null || at >= acc.track.reportedAtMs()) {
            acc.track = acc.track.withReported(step.heads(), at);
        }
        Optional<TargetTrack.OpenPlan> open = acc.track.openPlan(step.planId());
        if (open.isPresent()) {
            TargetTrack.OpenPlan plan = open.get();
            if (step.status().done() && step.commandId().equals(plan.lastCommandId())) {
                List<TargetTrack.OpenPlan> rest = without(acc.track.openPlans(), plan);
                boolean anyValid = rest.stream().anyMatch(TargetTrack.OpenPlan::valid);
                acc.track = acc.track.withProjection(anyValid ? acc.track.projectedHeads() : null, rest);
                acc.outcomes.add(new TargetOutcome.Completed(plan.requestId(), plan.planId(), track.targetId(), plan.stepCount()));
            } else if (step.status().stopsPlan()) {
                List<TargetTrack.OpenPlan> rest = without(acc.track.openPlans(), plan);
                if (plan.valid()) {
                    rest = rest.stream().map(TargetTrack.OpenPlan::invalidated).toList();
                    acc.track = acc.track.withProjection(null, rest);
                } else {
                    acc.track = acc.track.withProjection(acc.track.projectedHeads(), rest);
                }
                acc.outcomes.add(new TargetOutcome.Failed(plan.requestId(), plan.planId(), track.targetId(),
                        step.errorCode().orElse(null), "step " + step.commandId() + " (revision " + step.revision()
                                + (step.status() == StepUpdate.Status.SKIPPED ? ") was skipped" : ") failed")
                                + step.message().map(m -> ": " + m).orElse("")));
            }
        }
        drain(acc, nowMs);
        return acc.result();
    }

    /** Rejects the orders that waited longer than {@code stateWait} for the target's state. */
    public Result onTick(TargetTrack track, long nowMs) {
        Acc acc = new Acc(track);
        List<TargetTrack.Waiting> still = new ArrayList<>();
        for (TargetTrack.Waiting w : acc.track.waiting()) {
            if (w.deadlineMs() <= nowMs) {
                PlanOrder o = w.order();
                acc.outcomes.add(new TargetOutcome.Rejected(o.requestId(), o.planId(), o.targetId(), ErrorCode.MIG021.name(),
                        "target " + o.targetId() + " reported no state within " + Durations.format(stateWait)
                                + ": no TargetState or step event was seen for it; is an executor running for it and"
                                + " able to connect?"));
            } else {
                still.add(w);
            }
        }
        acc.track = acc.track.withWaiting(still);
        return acc.result();
    }

    private void drain(Acc acc, long nowMs) {
        while (!acc.track.waiting().isEmpty() && acc.track.planningHeads().isPresent()) {
            List<TargetTrack.Waiting> waiting = new ArrayList<>(acc.track.waiting());
            PlanOrder next = waiting.remove(0).order();
            acc.track = acc.track.withWaiting(waiting);
            plan(acc, next, acc.track.planningHeads().get(), nowMs);
        }
    }

    private void plan(Acc acc, PlanOrder order, Set<String> heads, long nowMs) {
        PlanDecision decision;
        try {
            decision = planner.plan(order, heads);
        } catch (RuntimeException e) {
            decision = new PlanDecision.Rejected(order.targetId(), ErrorCode.MIG099, "target " + order.targetId()
                    + ": internal error while planning: " + e);
        }
        if (decision instanceof PlanDecision.Accepted a) {
            accept(acc, order, a, nowMs);
        } else if (decision instanceof PlanDecision.Rejected r) {
            acc.outcomes.add(new TargetOutcome.Rejected(order.requestId(), order.planId(), order.targetId(),
                    r.code().name(), r.reason()));
        }
    }

    private void accept(Acc acc, PlanOrder order, PlanDecision.Accepted decision, long nowMs) {
        Plan plan = decision.plan();
        String summary = TargetPlanner.describe(plan) + decision.approvalNote();
        int n = plan.steps().size();
        if (order.dryRun()) {
            acc.outcomes.add(new TargetOutcome.Planned(order.requestId(), order.planId(), order.targetId(), n,
                    "dry run: would " + (plan.isEmpty() ? "do nothing (" + summary + ")" : summary), true));
            return;
        }
        acc.outcomes.add(new TargetOutcome.Planned(order.requestId(), order.planId(), order.targetId(), n, summary, false));
        if (plan.isEmpty()) {
            acc.outcomes.add(new TargetOutcome.Completed(order.requestId(), order.planId(), order.targetId(), 0));
            return;
        }
        List<TargetCommand> cmds = commands.commands(order, plan, Instant.ofEpochMilli(nowMs), decision.findings());
        acc.commands.addAll(cmds);
        MigrationStep last = plan.steps().get(n - 1);
        List<TargetTrack.OpenPlan> plans = new ArrayList<>(acc.track.openPlans());
        plans.add(new TargetTrack.OpenPlan(order.planId(), order.requestId(), cmds.get(n - 1).commandId(), n, true));
        acc.track = acc.track.withProjection(new ArrayList<>(last.headsAfter()), plans);
    }

    private static List<TargetTrack.OpenPlan> without(List<TargetTrack.OpenPlan> plans, TargetTrack.OpenPlan plan) {
        return plans.stream().filter(p -> !p.planId().equals(plan.planId())).toList();
    }

    /** Accumulates one input's effects. */
    private static final class Acc {
        TargetTrack track;
        final List<TargetCommand> commands = new ArrayList<>();
        final List<TargetOutcome> outcomes = new ArrayList<>();

        Acc(TargetTrack track) {
            this.track = track;
        }

        Result result() {
            return new Result(track, commands, outcomes);
        }
    }
}

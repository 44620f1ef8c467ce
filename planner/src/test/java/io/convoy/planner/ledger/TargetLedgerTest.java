package io.convoy.planner.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.graph.Direction;
import io.convoy.planner.TestGraph;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.Requests;
import io.convoy.planner.plan.TargetCommand;
import io.convoy.planner.plan.TargetPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetLedgerTest {
    private static final long T0 = 1_000_000L;
    private final TargetLedger ledger = new TargetLedger(new TargetPlanner(TestGraph.graph(), PlanLinter.NONE),
            new CommandFactory(Duration.ofSeconds(2), Optional.empty()), Duration.ofSeconds(30));

    private static ReportedState state(Set<String> heads, long at) {
        return new ReportedState("t01", heads, Instant.ofEpochMilli(at));
    }

    private static StepUpdate step(TargetCommand c, StepUpdate.Status status, Set<String> heads, long at, String code) {
        return new StepUpdate("t01", c.planId(), c.requestId(), c.commandId(), c.revision(), status,
                Optional.ofNullable(code), Optional.ofNullable(code == null ? null : "boom"), heads, Instant.ofEpochMilli(at));
    }

    private TargetTrack known(Set<String> heads) {
        return ledger.onState(TargetTrack.unknown("t01"), state(heads, T0), T0).track();
    }

    @Test
    void aKnownTargetIsPlannedAtOnce() {
        TargetLedger.Result r = ledger.onOrder(known(Set.of("a1")), Requests.order("r1", "t01", "c3", Direction.UPGRADE), T0);
        assertThat(r.commands()).extracting(TargetCommand::revision).containsExactly("b2", "c3");
        assertThat(r.commands().get(0).expectedFromHeads()).containsExactly("a1");
        assertThat(r.commands().get(0).createdAt()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(r.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Planned.class, p -> {
            assertThat(p.stepCount()).isEqualTo(2);
            assertThat(p.summary()).isEqualTo("upgrade b2 → c3");
        });
        assertThat(r.track().projectedHeads()).containsExactly("c3");
        assertThat(r.track().openPlans()).singleElement().satisfies(p -> assertThat(p.lastCommandId()).endsWith("/t01/1"));
    }

    @Test
    void aSecondRequestChainsOnTheProjectedHeadsOfTheFirst() {
        TargetLedger.Result first = ledger.onOrder(known(Set.of()), Requests.order("r1", "t01", "b2", Direction.UPGRADE), T0);
        TargetLedger.Result second = ledger.onOrder(first.track(), Requests.order("r2", "t01", "c3", Direction.UPGRADE), T0 + 1);
        assertThat(second.commands()).singleElement().satisfies(c -> {
            assertThat(c.revision()).isEqualTo("c3");
            assertThat(c.expectedFromHeads()).containsExactly("b2");
        });
        // the first plan completes: the projection stays, the second is still in flight
        TargetCommand lastOfFirst = first.commands().get(1);
        TargetLedger.Result done = ledger.onStep(second.track(), step(lastOfFirst, StepUpdate.Status.APPLIED, Set.of("b2"), T0 + 5, null), T0 + 5);
        assertThat(done.outcomes()).singleElement().isInstanceOf(TargetOutcome.Completed.class);
        assertThat(done.track().projectedHeads()).containsExactly("c3");
        // the second completes: nothing in flight, the reported heads rule again
        TargetLedger.Result all = ledger.onStep(done.track(), step(second.commands().get(0), StepUpdate.Status.APPLIED, Set.of("c3"), T0 + 9, null), T0 + 9);
        assertThat(all.track().projectedHeads()).isNull();
        assertThat(all.track().openPlans()).isEmpty();
        assertThat(all.track().planningHeads()).contains(Set.of("c3"));
    }

    @Test
    void onlyTheLastCommandCompletesAPlan() {
        TargetLedger.Result planned = ledger.onOrder(known(Set.of()), Requests.order("r1", "t01", "c3", Direction.UPGRADE), T0);
        TargetLedger.Result r = ledger.onStep(planned.track(), step(planned.commands().get(0), StepUpdate.Status.APPLIED, Set.of("a1"), T0 + 1, null), T0 + 1);
        assertThat(r.outcomes()).isEmpty();
        assertThat(r.track().reportedHeads()).containsExactly("a1");
        assertThat(r.track().planningHeads()).as("still projected").contains(Set.of("c3"));
        TargetLedger.Result last = ledger.onStep(r.track(), step(planned.commands().get(2), StepUpdate.Status.APPLIED, Set.of("c3"), T0 + 2, null), T0 + 2);
        assertThat(last.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Completed.class,
                c -> assertThat(c.stepCount()).isEqualTo(3));
    }

    @Test
    void aSkippedStepStopsThePlanInsteadOfCompletingIt() {
        // The executor skips the rest of a plan that stopped on this target (e.g. refused with MIG004):
        // the target does not hold those revisions, so the plan must not count as completed.
        TargetLedger.Result planned = ledger.onOrder(known(Set.of()), Requests.order("r1", "t01", "c3", Direction.UPGRADE), T0);
        TargetLedger.Result skipped = ledger.onStep(planned.track(), step(planned.commands().get(2), StepUpdate.Status.SKIPPED, Set.of(), T0 + 2, null), T0 + 2);
        assertThat(skipped.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Failed.class,
                f -> assertThat(f.reason()).contains("was skipped"));
        assertThat(skipped.track().openPlans()).isEmpty();
    }

    @Test
    void aFailureFailsThePlanInvalidatesLaterPlansAndReplansFromTheReportedHeads() {
        TargetLedger.Result r1 = ledger.onOrder(known(Set.of()), Requests.order("r1", "t01", "b2", Direction.UPGRADE), T0);
        TargetLedger.Result r2 = ledger.onOrder(r1.track(), Requests.order("r2", "t01", "c3", Direction.UPGRADE), T0);
        TargetLedger.Result failed = ledger.onStep(r2.track(),
                step(r1.commands().get(1), StepUpdate.Status.FAILED, Set.of("a1"), T0 + 3, "MIG013"), T0 + 3);
        assertThat(failed.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Failed.class, f -> {
            assertThat(f.requestId()).isEqualTo("r1");
            assertThat(f.errorCode()).isEqualTo("MIG013");
            assertThat(f.reason()).contains("revision b2").contains("boom");
        });
        assertThat(failed.track().openPlans()).singleElement().satisfies(p -> {
            assertThat(p.requestId()).isEqualTo("r2");
            assertThat(p.valid()).isFalse();
        });
        assertThat(failed.track().planningHeads()).contains(Set.of("a1"));

        TargetLedger.Result r3 = ledger.onOrder(failed.track(), Requests.order("r3", "t01", "c3", Direction.UPGRADE), T0 + 4);
        assertThat(r3.commands()).extracting(TargetCommand::revision).containsExactly("b2", "c3");
        assertThat(r3.commands().get(0).expectedFromHeads()).containsExactly("a1");

        // the executor refuses r2's command (MIG004): r2 fails, r3's projection stands
        TargetLedger.Result r2failed = ledger.onStep(r3.track(),
                step(r2.commands().get(0), StepUpdate.Status.FAILED, Set.of("a1"), T0 + 5, "MIG004"), T0 + 5);
        assertThat(r2failed.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Failed.class,
                f -> assertThat(f.errorCode()).isEqualTo("MIG004"));
        assertThat(r2failed.track().planningHeads()).contains(Set.of("c3"));
        assertThat(r2failed.track().openPlans()).extracting(TargetTrack.OpenPlan::requestId).containsExactly("r3");
    }

    @Test
    void anUnknownTargetWaitsForItsStateThenPlansInArrivalOrder() {
        TargetTrack t = TargetTrack.unknown("t01");
        TargetLedger.Result w1 = ledger.onOrder(t, Requests.order("r1", "t01", "b2", Direction.UPGRADE), T0);
        TargetLedger.Result w2 = ledger.onOrder(w1.track(), Requests.order("r2", "t01", "c3", Direction.UPGRADE), T0 + 10);
        assertThat(w2.commands()).isEmpty();
        assertThat(w2.outcomes()).isEmpty();
        assertThat(w2.track().earliestDeadline()).contains(T0 + 30_000);
        assertThat(ledger.onTick(w2.track(), T0 + 29_999).outcomes()).isEmpty();

        TargetLedger.Result known = ledger.onState(w2.track(), state(Set.of("a1"), T0 + 20), T0 + 20);
        assertThat(known.commands()).extracting(c -> c.requestId() + ":" + c.revision() + ":" + c.expectedFromHeads())
                .containsExactly("r1:b2:[a1]", "r2:c3:[b2]");
        assertThat(known.outcomes()).hasSize(2).allMatch(o -> o instanceof TargetOutcome.Planned);
        assertThat(known.track().waiting()).isEmpty();
        assertThat(known.track().earliestDeadline()).isEmpty();
    }

    @Test
    void aStepEventIsStateToo() {
        TargetLedger.Result w = ledger.onOrder(TargetTrack.unknown("t01"), Requests.order("r1", "t01", "c3", Direction.UPGRADE), T0);
        StepUpdate foreign = new StepUpdate("t01", "other-plan", "other", "other/t01/0", "b2", StepUpdate.Status.APPLIED,
                Optional.empty(), Optional.empty(), Set.of("b2"), Instant.ofEpochMilli(T0 + 1));
        TargetLedger.Result r = ledger.onStep(w.track(), foreign, T0 + 1);
        assertThat(r.commands()).extracting(TargetCommand::revision).containsExactly("c3");
    }

    @Test
    void ordersStillWaitingAfterTheWaitAreRejectedWithMig021() {
        TargetLedger.Result w1 = ledger.onOrder(TargetTrack.unknown("t01"), Requests.order("r1", "t01", "b2", Direction.UPGRADE), T0);
        TargetLedger.Result w2 = ledger.onOrder(w1.track(), Requests.order("r2", "t01", "c3", Direction.UPGRADE), T0 + 5_000);
        TargetLedger.Result tick = ledger.onTick(w2.track(), T0 + 30_000);
        assertThat(tick.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Rejected.class, r -> {
            assertThat(r.requestId()).isEqualTo("r1");
            assertThat(r.errorCode()).isEqualTo("MIG021");
            assertThat(r.reason()).contains("t01 reported no state within 30s");
        });
        assertThat(tick.track().waiting()).extracting(x -> x.order().requestId()).containsExactly("r2");
    }

    @Test
    void anOlderReportDoesNotOverrideANewerOne() {
        TargetTrack t = ledger.onState(known(Set.of("b2")), state(Set.of("a1"), T0 - 1), T0).track();
        assertThat(t.reportedHeads()).containsExactly("b2");
    }

    @Test
    void aDryRunPlansButEmitsAndReservesNothing() {
        PlanOrder dry = Requests.dryOrder("r1", "t01", "c3");
        TargetLedger.Result r = ledger.onOrder(known(Set.of()), dry, T0);
        assertThat(r.commands()).isEmpty();
        assertThat(r.track().projectedHeads()).isNull();
        assertThat(r.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Planned.class, p -> {
            assertThat(p.dryRun()).isTrue();
            assertThat(p.stepCount()).isEqualTo(3);
            assertThat(p.summary()).isEqualTo("dry run: would upgrade a1 → b2 → c3");
        });
    }

    @Test
    void nothingToDoCompletesAtOnceAndRejectionsEmitNothing() {
        TargetLedger.Result r = ledger.onOrder(known(Set.of("c3")), Requests.order("r1", "t01", "c3", Direction.UPGRADE), T0);
        assertThat(r.commands()).isEmpty();
        assertThat(r.outcomes()).hasSize(2);
        assertThat(r.outcomes().get(1)).isInstanceOf(TargetOutcome.Completed.class);
        TargetLedger.Result rejected = ledger.onOrder(known(Set.of("c3")), Requests.order("r2", "t01", "a1", Direction.DOWNGRADE), T0);
        assertThat(rejected.commands()).isEmpty();
        assertThat(rejected.outcomes()).singleElement().isInstanceOfSatisfying(TargetOutcome.Rejected.class,
                x -> assertThat(x.errorCode()).isEqualTo("MIG020"));
        assertThat(rejected.track().projectedHeads()).isNull();
    }

    @Test
    void theSameOrderTwiceIsPlannedOnce() {
        PlanOrder o = Requests.order("r1", "t01", "c3", Direction.UPGRADE);
        TargetLedger.Result first = ledger.onOrder(known(Set.of()), o, T0);
        TargetLedger.Result again = ledger.onOrder(first.track(), o, T0);
        assertThat(again.commands()).isEmpty();
        assertThat(again.outcomes()).isEmpty();
        assertThat(List.of(first.track())).containsExactly(again.track());
    }
}

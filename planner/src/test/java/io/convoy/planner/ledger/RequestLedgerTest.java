package io.convoy.planner.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.planner.TestFleet;
import io.convoy.planner.TestGraph;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.RequestValidator;
import io.convoy.planner.plan.Requests;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLedgerTest {
    private final RequestLedger ledger = new RequestLedger(new RequestValidator(TestFleet.of(8), TestGraph.graph()));
    private final String plan = CommandFactory.planId("r1");

    private RequestTrack open(String... targets) {
        RequestLedger.Result r = ledger.onRequest(null, Requests.upgrade("r1", "c3", targets), 1);
        assertThat(r.notices()).isEmpty();
        return r.track().orElseThrow();
    }

    @Test
    void aValidRequestFansOutOneOrderPerTarget() {
        RequestLedger.Result r = ledger.onRequest(null, Requests.request("r1", "c3", Direction.UPGRADE, true,
                Map.of("env", "staging"), "t08"), 1);
        assertThat(r.orders()).extracting(PlanOrder::targetId).containsExactly("t01", "t02", "t03", "t04", "t05", "t08");
        assertThat(r.orders()).allSatisfy(o -> {
            assertThat(o.planId()).isEqualTo(plan);
            assertThat(o.dryRun()).isTrue();
            assertThat(o.targetRevision()).isEqualTo("c3");
        });
        assertThat(r.track().orElseThrow().targets()).allMatch(t -> t.phase() == RequestTrack.Phase.PENDING);
    }

    @Test
    void aRequestIdSeenBeforeIsADuplicate() {
        RequestTrack track = open("t01");
        RequestLedger.Result again = ledger.onRequest(track, Requests.upgrade("r1", "x9", "t02"), 2);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.orders()).isEmpty();
        assertThat(again.notices()).isEmpty();
        RequestLedger.Result rejected = ledger.onRequest(null, Requests.upgrade("r2", "nope", "t01"), 3);
        assertThat(ledger.onRequest(rejected.track().orElseThrow(), Requests.upgrade("r2", "c3", "t01"), 4).duplicate()).isTrue();
    }

    @Test
    void anInvalidRequestIsRejectedAsAWhole() {
        RequestLedger.Result r = ledger.onRequest(null, Requests.upgrade("r1", "c3", "t01", "t42"), 1);
        assertThat(r.orders()).isEmpty();
        assertThat(r.notices()).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo(PlanNotice.Status.REJECTED);
            assertThat(n.targetId()).isEmpty();
            assertThat(n.planId()).isEmpty();
            assertThat(n.errorCode()).contains("MIG020");
            assertThat(n.reason().orElseThrow()).contains("t42");
            assertThat(n.eventId()).isEqualTo("r1/rejected/*");
        });
        assertThat(r.track().orElseThrow().status()).isEqualTo(RequestTrack.Status.REJECTED);
    }

    @Test
    void outcomesGivePerTargetEventsThenTheRequestLevelOnes() {
        RequestTrack t = open("t01", "t02");
        RequestLedger.Result a = ledger.onOutcome(t, new TargetOutcome.Planned("r1", plan, "t01", 3, "upgrade a1 → b2 → c3", false), 2);
        assertThat(a.notices()).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo(PlanNotice.Status.ACCEPTED);
            assertThat(n.targetId()).contains("t01");
            assertThat(n.stepCount()).contains(3);
        });
        RequestLedger.Result b = ledger.onOutcome(a.track().orElseThrow(), new TargetOutcome.Planned("r1", plan, "t02", 1, "upgrade c3", false), 3);
        assertThat(b.notices()).extracting(PlanNotice::status, PlanNotice::targetId, PlanNotice::stepCount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(PlanNotice.Status.ACCEPTED, java.util.Optional.of("t02"), java.util.Optional.of(1)),
                org.assertj.core.groups.Tuple.tuple(PlanNotice.Status.ACCEPTED, java.util.Optional.empty(), java.util.Optional.of(4)));
        assertThat(b.notices().get(1).planId()).contains(plan);
        RequestLedger.Result c = ledger.onOutcome(b.track().orElseThrow(), new TargetOutcome.Completed("r1", plan, "t02", 1), 4);
        assertThat(c.notices()).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo(PlanNotice.Status.COMPLETED));
        RequestLedger.Result d = ledger.onOutcome(c.track().orElseThrow(), new TargetOutcome.Completed("r1", plan, "t01", 3), 5);
        assertThat(d.notices()).extracting(PlanNotice::status, PlanNotice::targetId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(PlanNotice.Status.COMPLETED, java.util.Optional.of("t01")),
                org.assertj.core.groups.Tuple.tuple(PlanNotice.Status.COMPLETED, java.util.Optional.empty()));
        assertThat(d.track().orElseThrow().status()).isEqualTo(RequestTrack.Status.FINISHED);
        assertThat(d.track().orElseThrow().expired(5 + 10, 10)).isTrue();
        // a repeated outcome changes nothing
        assertThat(ledger.onOutcome(d.track().orElseThrow(), new TargetOutcome.Completed("r1", plan, "t01", 3), 6).notices()).isEmpty();
    }

    @Test
    void aFailedOrRejectedTargetFailsTheRequest() {
        RequestTrack t = open("t01", "t02");
        t = ledger.onOutcome(t, new TargetOutcome.Rejected("r1", plan, "t01", "MIG021", "target t01 reported no state"), 2).track().orElseThrow();
        RequestLedger.Result accepted = ledger.onOutcome(t, new TargetOutcome.Planned("r1", plan, "t02", 2, "upgrade b2 → c3", false), 3);
        PlanNotice decision = accepted.notices().get(1);
        assertThat(decision.status()).isEqualTo(PlanNotice.Status.ACCEPTED);
        assertThat(decision.reason().orElseThrow()).isEqualTo("1 target planned, 2 steps; rejected: t01 (MIG021)");
        RequestLedger.Result failed = ledger.onOutcome(accepted.track().orElseThrow(),
                new TargetOutcome.Failed("r1", plan, "t02", "MIG013", "step x failed"), 4);
        assertThat(failed.notices()).extracting(PlanNotice::status).containsExactly(PlanNotice.Status.FAILED, PlanNotice.Status.FAILED);
        PlanNotice end = failed.notices().get(1);
        assertThat(end.targetId()).isEmpty();
        assertThat(end.errorCode()).contains("MIG013");
        assertThat(end.reason().orElseThrow()).isEqualTo("0 of 2 targets completed; failed: t02 (MIG013); rejected: t01 (MIG021)");
    }

    @Test
    void whenEveryTargetIsRejectedTheRequestIsRejected() {
        RequestTrack t = open("t01");
        RequestLedger.Result r = ledger.onOutcome(t, new TargetOutcome.Rejected("r1", plan, "t01", "MIG020",
                "target t01: cannot downgrade"), 2);
        assertThat(r.notices()).extracting(PlanNotice::status).containsExactly(PlanNotice.Status.REJECTED, PlanNotice.Status.REJECTED);
        assertThat(r.notices().get(1).reason().orElseThrow()).isEqualTo("its target was rejected: target t01: cannot downgrade");
        assertThat(r.notices().get(1).errorCode()).contains("MIG020");
        assertThat(r.track().orElseThrow().status()).isEqualTo(RequestTrack.Status.FINISHED);
    }

    @Test
    void aDryRunEndsWithItsAcceptance() {
        RequestLedger.Result opened = ledger.onRequest(null, Requests.request("r1", "c3", Direction.UPGRADE, true, Map.of(), "t01"), 1);
        RequestLedger.Result r = ledger.onOutcome(opened.track().orElseThrow(),
                new TargetOutcome.Planned("r1", plan, "t01", 3, "dry run: would upgrade a1 → b2 → c3", true), 2);
        assertThat(r.notices().get(1).reason().orElseThrow())
                .isEqualTo("dry run, no command emitted: 1 target planned, 3 steps (t01: dry run: would upgrade a1 → b2 → c3)");
        assertThat(r.track().orElseThrow().status()).isEqualTo(RequestTrack.Status.FINISHED);
    }

    @Test
    void malformedRequestsAreRejectedWithTheirCode() {
        RequestLedger.Result r = ledger.rejectWhole("k1", ErrorCode.MIG020, "malformed request: x", 1);
        assertThat(r.notices()).singleElement().satisfies(n -> assertThat(n.errorCode()).contains("MIG020"));
    }
}

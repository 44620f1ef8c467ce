package io.convoy.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.planner.TestFleet;
import io.convoy.planner.TestGraph;
import io.convoy.planner.fleet.Target;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(TestFleet.of(8), TestGraph.graph());

    private Intake.Invalid invalid(PlanRequest r) {
        Intake intake = validator.validate(r);
        assertThat(intake).isInstanceOf(Intake.Invalid.class);
        return (Intake.Invalid) intake;
    }

    @Test
    void targetsAreTheUnionOfIdsAndSelectorMatches() {
        Intake intake = validator.validate(Requests.request("r", "c3", Direction.UPGRADE, false, Map.of("env", "staging"), "t07"));
        assertThat(intake).isInstanceOfSatisfying(Intake.Valid.class, v -> assertThat(v.targets())
                .extracting(Target::id).containsExactly("t01", "t02", "t03", "t04", "t05", "t07"));
    }

    @Test
    void unknownTargetsAreNamed() {
        Intake.Invalid i = invalid(Requests.upgrade("r", "c3", "t01", "t99", "db-x"));
        assertThat(i.code()).isEqualTo(ErrorCode.MIG020);
        assertThat(i.reason()).isEqualTo("unknown targets db-x, t99: not in the fleet file fleet.yaml");
    }

    @Test
    void aSelectorThatMatchesNothingOrNoTargetAtAllIsRejected() {
        assertThat(invalid(Requests.request("r", "c3", Direction.UPGRADE, false, Map.of("env", "qa"))).reason())
                .isEqualTo("the selector {env=qa} matches no target of the fleet file fleet.yaml");
        assertThat(invalid(Requests.upgrade("r", "c3")).reason()).contains("names no target");
    }

    @Test
    void headWithSeveralHeadsIsMig001NamingThem() {
        Intake.Invalid i = invalid(Requests.upgrade("r", "head", "t01"));
        assertThat(i.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(i.reason()).contains("c3").contains("x9").contains("convoy merge");
    }

    @Test
    void unknownOrAmbiguousRevisionsAreMig011() {
        assertThat(invalid(Requests.upgrade("r", "zz99", "t01")).code()).isEqualTo(ErrorCode.MIG011);
        assertThat(invalid(Requests.upgrade("r", "zz99", "t01")).reason()).contains("zz99");
    }

    @Test
    void specsRelativeToTheCurrentHeadsAreLeftToEachTarget() {
        assertThat(validator.validate(Requests.upgrade("r", "+1", "t01"))).isInstanceOf(Intake.Valid.class);
        assertThat(validator.validate(Requests.request("r", "-1", Direction.DOWNGRADE, false, Map.of(), "t01")))
                .isInstanceOf(Intake.Valid.class);
        assertThat(validator.validate(Requests.upgrade("r", "current", "t01"))).isInstanceOf(Intake.Valid.class);
        assertThat(RevisionSpecs.dependsOnCurrentHeads("c3-1")).isFalse();
        assertThat(RevisionSpecs.dependsOnCurrentHeads("billing@-2")).isTrue();
        assertThat(RevisionSpecs.dependsOnCurrentHeads("billing@current")).isTrue();
        assertThat(RevisionSpecs.dependsOnCurrentHeads("billing@head")).isFalse();
    }

    @Test
    void whoAsksMustBeSaid() {
        PlanRequest anonymous = new PlanRequest("r", " ", java.util.List.of("t01"), Map.of(), "c3", Direction.UPGRADE,
                false, java.util.Optional.empty(), java.util.Optional.empty(), java.time.Instant.EPOCH, java.util.List.of());
        assertThat(invalid(anonymous).reason()).contains("requested_by is empty");
    }
}

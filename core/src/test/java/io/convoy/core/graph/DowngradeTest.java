package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.graph;
import static io.convoy.core.graph.Revs.ids;
import static io.convoy.core.graph.Revs.rev;
import static io.convoy.core.graph.Revs.transitions;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DowngradeTest {
    private final RevisionGraph linear = Revs.linear(4);
    private final RevisionGraph diamond = Revs.diamond();

    private static ConvoyException failure(Runnable r) {
        try {
            r.run();
        } catch (ConvoyException e) {
            return e;
        }
        throw new AssertionError("no ConvoyException");
    }

    @Test
    void linearDowngradeToARevisionRemovesOnlyItsDescendants() {
        Plan plan = linear.downgrade(Set.of("r4"), "r2");
        assertThat(plan.direction()).isEqualTo(Direction.DOWNGRADE);
        assertThat(transitions(plan)).containsExactly("r4 {r4} -> {r3}", "r3 {r3} -> {r2}");
        assertThat(plan.toHeads()).containsExactly("r2");
        assertThat(plan.steps().get(0).statements()).containsExactly("-- downgrade r4");
    }

    @Test
    void relativeDowngrades() {
        assertThat(ids(linear.downgrade(Set.of("r4"), "-1"))).containsExactly("r4");
        assertThat(ids(linear.downgrade(Set.of("r4"), "-2"))).containsExactly("r4", "r3");
        assertThat(ids(linear.downgrade(Set.of("r4"), "-4"))).containsExactly("r4", "r3", "r2", "r1");
        assertThat(ids(linear.downgrade(Set.of("r4"), "r3-2"))).containsExactly("r4", "r3", "r2");
        assertThat(ids(linear.downgrade(Set.of("r4"), "r1+1"))).containsExactly("r4", "r3");
    }

    @Test
    void relativeDowngradeBelowBaseFails() {
        ConvoyException e = failure(() -> linear.downgrade(Set.of("r2"), "-3"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("goes below base");
    }

    @Test
    void upwardRelativeTargetIsRejected() {
        ConvoyException e = failure(() -> linear.downgrade(Set.of("r2"), "+1"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("use upgrade");
    }

    @Test
    void downgradeToBaseRemovesEverythingChildrenFirst() {
        Plan plan = diamond.downgrade(Set.of("m"), "base");
        assertThat(transitions(plan)).containsExactly(
                "m {m} -> {b2,c1}",
                "c1 {b2,c1} -> {b2}",
                "b2 {b2} -> {b1}",
                "b1 {b1} -> {a}",
                "a {a} -> {root}",
                "root {root} -> {}");
        assertThat(plan.toHeads()).isEmpty();
    }

    @Test
    void downgradeBelowAMergePointLeavesTheOtherBranchHead() {
        Plan plan = diamond.downgrade(Set.of("m"), "b1");
        assertThat(transitions(plan)).containsExactly("m {m} -> {b2,c1}", "b2 {b2,c1} -> {b1,c1}");
        assertThat(plan.toHeads()).containsExactlyInAnyOrder("b1", "c1");
    }

    @Test
    void downgradeToTheBranchPointRemovesBothBranches() {
        Plan plan = diamond.downgrade(Set.of("b2", "c1"), "a");
        assertThat(transitions(plan)).containsExactly(
                "c1 {b2,c1} -> {b2}", "b2 {b2} -> {b1}", "b1 {b1} -> {a}");
    }

    @Test
    void downgradeOneBranchWithRevMinusN() {
        Plan plan = diamond.downgrade(Set.of("b2", "c1"), "b2-1");
        assertThat(transitions(plan)).containsExactly("b2 {b2,c1} -> {b1,c1}");
        Plan other = diamond.downgrade(Set.of("b2", "c1"), "c1-1");
        // c1-1 is a, the branch point: as in Alembic, going to a reverts everything above it
        assertThat(ids(other)).containsExactly("c1", "b2", "b1");
    }

    @Test
    void relativeDowngradeIsAmbiguousWithSeveralHeadsOrAtAMerge() {
        ConvoyException heads = failure(() -> diamond.downgrade(Set.of("b2", "c1"), "-1"));
        assertThat(heads.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(heads.getMessage()).contains("several heads (b2, c1)");
        ConvoyException merge = failure(() -> diamond.downgrade(Set.of("m"), "-1"));
        assertThat(merge.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(merge.getMessage()).contains("merge of b2, c1");
    }

    @Test
    void targetThatIsNotAppliedIsRejected() {
        ConvoyException e = failure(() -> diamond.downgrade(Set.of("b1", "c1"), "b2"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("cannot downgrade to b2").contains("not applied")
                .contains("the database is at b1, c1");
        assertThat(failure(() -> linear.downgrade(Set.of(), "r1")).getMessage()).contains("database is at base");
    }

    @Test
    void downgradeToTheCurrentRevisionOrBaseWhenEmptyIsAnEmptyPlan() {
        assertThat(linear.downgrade(Set.of("r2"), "r2").isEmpty()).isTrue();
        assertThat(linear.downgrade(Set.of("r2"), "current").isEmpty()).isTrue();
        Plan plan = linear.downgrade(Set.of(), "base");
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.toHeads()).isEmpty();
    }

    @Test
    void unknownCurrentHeadIsAVersionMismatch() {
        ConvoyException e = failure(() -> linear.downgrade(Set.of("ghost"), "base"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG004);
        assertThat(e.getMessage()).contains("ghost");
    }

    @Test
    void removingADependencyRemovesItsDependentsFirst() {
        RevisionGraph g = Revs.twoRootsWithDependency();
        Plan plan = g.downgrade(Set.of("net2"), "core1");
        assertThat(transitions(plan)).containsExactly(
                "net2 {net2} -> {core2,net1}", "core2 {core2,net1} -> {core1,net1}");
    }

    @Test
    void relativeDowngradeOfADependentKeepsItsDependency() {
        RevisionGraph g = Revs.twoRootsWithDependency();
        Plan plan = g.downgrade(Set.of("net2"), "-1");
        assertThat(transitions(plan)).containsExactly("net2 {net2} -> {core2,net1}");
    }

    @Test
    void dependencyWithinOneTreeIsPutBackWhenItsDependentIsRemoved() {
        RevisionGraph g = graph(rev("root"), rev("b1").down("root"), rev("c1").down("root").deps("b1"));
        Plan plan = g.downgrade(Set.of("c1"), "-1");
        assertThat(transitions(plan)).containsExactly("c1 {c1} -> {b1}");
        Plan toRoot = g.downgrade(Set.of("c1"), "root");
        assertThat(transitions(toRoot)).containsExactly("c1 {c1} -> {b1}", "b1 {b1} -> {root}");
    }

    @Test
    void labelAtBaseRevertsOnlyThatBranch() {
        RevisionGraph g = Revs.labelled();
        Set<String> all = Set.of("b2", "c1", "n2");
        Plan billing = g.downgrade(all, "billing@base");
        assertThat(transitions(billing)).containsExactly("b2 {b2,c1,n2} -> {b1,c1,n2}", "b1 {b1,c1,n2} -> {c1,n2}");
        Plan networking = g.downgrade(all, "networking@base");
        assertThat(transitions(networking)).containsExactly("n2 {b2,c1,n2} -> {b2,c1,n1}", "n1 {b2,c1,n1} -> {b2,c1}");
        assertThat(g.downgrade(Set.of("c1"), "billing@base").isEmpty()).isTrue();
    }

    @Test
    void labelRelativeDowngradeStaysOnTheBranch() {
        RevisionGraph g = Revs.labelled();
        Plan plan = g.downgrade(Set.of("b2", "c1"), "billing@-1");
        assertThat(transitions(plan)).containsExactly("b2 {b2,c1} -> {b1,c1}");
    }

    @Test
    void downgradeOfAThreeWayMergeToBase() {
        RevisionGraph g = graph(rev("root"), rev("x").down("root"), rev("y").down("root"), rev("z").down("root"),
                rev("m3").down("x", "y", "z"));
        Plan plan = g.downgrade(Set.of("m3"), "base");
        assertThat(transitions(plan)).containsExactly(
                "m3 {m3} -> {x,y,z}", "z {x,y,z} -> {x,y}", "y {x,y} -> {x}", "x {x} -> {root}", "root {root} -> {}");
        Plan toY = g.downgrade(Set.of("m3"), "y");
        assertThat(transitions(toY)).containsExactly("m3 {m3} -> {x,y,z}");
    }
}

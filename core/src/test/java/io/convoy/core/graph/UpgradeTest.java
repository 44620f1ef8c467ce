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

class UpgradeTest {
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
    void linearChainFromEmptyToHead() {
        Plan plan = linear.upgrade(Set.of(), "head");
        assertThat(plan.direction()).isEqualTo(Direction.UPGRADE);
        assertThat(ids(plan)).containsExactly("r1", "r2", "r3", "r4");
        assertThat(transitions(plan)).containsExactly(
                "r1 {} -> {r1}", "r2 {r1} -> {r2}", "r3 {r2} -> {r3}", "r4 {r3} -> {r4}");
        assertThat(plan.fromHeads()).isEmpty();
        assertThat(plan.toHeads()).containsExactly("r4");
        assertThat(plan.steps().get(0).statements()).containsExactly("-- upgrade r1");
    }

    @Test
    void partialUpgradeToARevisionAndByRelativeSteps() {
        assertThat(ids(linear.upgrade(Set.of("r1"), "r3"))).containsExactly("r2", "r3");
        assertThat(ids(linear.upgrade(Set.of("r1"), "+2"))).containsExactly("r2", "r3");
        assertThat(ids(linear.upgrade(Set.of(), "+1"))).containsExactly("r1");
        assertThat(ids(linear.upgrade(Set.of("r1"), "r2+1"))).containsExactly("r2", "r3");
        assertThat(ids(linear.upgrade(Set.of(), "r4-1"))).containsExactly("r1", "r2", "r3");
    }

    @Test
    void alreadyAppliedTargetGivesAnEmptyPlan() {
        Plan plan = linear.upgrade(Set.of("r3"), "r2");
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.fromHeads()).containsExactly("r3");
        assertThat(plan.toHeads()).containsExactly("r3");
        assertThat(linear.upgrade(Set.of("r4"), "head").isEmpty()).isTrue();
        assertThat(linear.upgrade(Set.of("r2"), "base").isEmpty()).isTrue();
    }

    @Test
    void downwardRelativeTargetIsRejected() {
        ConvoyException e = failure(() -> linear.upgrade(Set.of("r3"), "-1"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("use downgrade");
    }

    @Test
    void relativeUpgradeBeyondTheHeadFails() {
        ConvoyException e = failure(() -> linear.upgrade(Set.of("r3"), "+2"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("beyond the head");
    }

    @Test
    void unknownCurrentHeadIsAVersionMismatch() {
        ConvoyException e = failure(() -> linear.upgrade(Set.of("r2", "feedface"), "head"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG004);
        assertThat(e.getMessage()).isEqualTo("database is at feedface which is not in the versions directory");
    }

    @Test
    void twoBranchesFromOnePoint() {
        RevisionGraph g = graph(rev("root"), rev("b1").down("root"), rev("b2").down("b1"), rev("c1").down("root"));
        assertThat(g.heads()).containsExactlyInAnyOrder("b2", "c1");
        assertThat(g.bases()).containsExactly("root");
        Plan plan = g.upgrade(Set.of(), "heads");
        assertThat(transitions(plan)).containsExactly(
                "root {} -> {root}", "b1 {root} -> {b1}", "b2 {b1} -> {b2}", "c1 {b2} -> {b2,c1}");
        assertThat(plan.toHeads()).containsExactlyInAnyOrder("b2", "c1");
    }

    @Test
    void headWithSeveralHeadsFailsListingThemAndSuggestingMerge() {
        RevisionGraph g = graph(rev("root"), rev("b1").down("root"), rev("c1").down("root"));
        ConvoyException e = failure(() -> g.upgrade(Set.of("root"), "head"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("b1, c1").contains("run `convoy merge`");
    }

    @Test
    void mergeOfTwoHeadsReplacesBothRows() {
        Plan plan = diamond.upgrade(Set.of(), "head");
        assertThat(transitions(plan)).containsExactly(
                "root {} -> {root}",
                "a {root} -> {a}",
                "b1 {a} -> {b1}",
                "b2 {b1} -> {b2}",
                "c1 {b2} -> {b2,c1}",
                "m {b2,c1} -> {m}");
    }

    @Test
    void mergeOfThreeHeads() {
        RevisionGraph g = graph(rev("root"), rev("x").down("root"), rev("y").down("root"), rev("z").down("root"),
                rev("m3").down("x", "y", "z"));
        assertThat(g.heads()).containsExactly("m3");
        Plan plan = g.upgrade(Set.of("x", "y"), "head");
        assertThat(transitions(plan)).containsExactly("z {x,y} -> {x,y,z}", "m3 {x,y,z} -> {m3}");
        assertThat(plan.fromHeads()).containsExactlyInAnyOrder("x", "y");
        assertThat(plan.toHeads()).containsExactly("m3");
    }

    @Test
    void upgradeFromAPartiallyAppliedBranch() {
        Plan fromOneBranch = diamond.upgrade(Set.of("b1"), "head");
        assertThat(transitions(fromOneBranch)).containsExactly(
                "b2 {b1} -> {b2}", "c1 {b2} -> {b2,c1}", "m {b2,c1} -> {m}");
        Plan fromBoth = diamond.upgrade(Set.of("b1", "c1"), "head");
        assertThat(transitions(fromBoth)).containsExactly("b2 {b1,c1} -> {b2,c1}", "m {b2,c1} -> {m}");
    }

    @Test
    void upgradeToAnotherBranchAddsARow() {
        Plan plan = diamond.upgrade(Set.of("b2"), "c1");
        assertThat(transitions(plan)).containsExactly("c1 {b2} -> {b2,c1}");
    }

    @Test
    void mergeRevisionAppliesAfterAllItsParents() {
        Plan plan = diamond.upgrade(Set.of("a"), "m");
        assertThat(ids(plan)).containsExactly("b1", "b2", "c1", "m");
    }

    @Test
    void dependsOnAcrossRootsOrdersTheDependencyFirstButKeepsTwoHeads() {
        RevisionGraph g = Revs.twoRootsWithDependency();
        assertThat(g.heads()).containsExactlyInAnyOrder("core2", "net2");
        assertThat(g.bases()).containsExactlyInAnyOrder("core1", "net1");
        Plan plan = g.upgrade(Set.of(), "net@head");
        assertThat(ids(plan)).containsExactly("core1", "core2", "net1", "net2");
        // as in Alembic, the dependency's row is absorbed by the revision that depends on it
        assertThat(transitions(plan)).containsExactly(
                "core1 {} -> {core1}",
                "core2 {core1} -> {core2}",
                "net1 {core2} -> {core2,net1}",
                "net2 {core2,net1} -> {net2}");
        assertThat(g.applied(Set.of("net2"))).containsExactlyInAnyOrder("core1", "core2", "net1", "net2");
    }

    @Test
    void dependsOnWithinOneTreeKeepsTheDependedOnRevisionAHead() {
        RevisionGraph g = graph(rev("root"), rev("b1").down("root"), rev("c1").down("root").deps("b1"));
        assertThat(g.heads()).containsExactlyInAnyOrder("b1", "c1");
        assertThat(failure(() -> g.upgrade(Set.of(), "head")).code()).isEqualTo(ErrorCode.MIG001);
        Plan plan = g.upgrade(Set.of(), "c1");
        assertThat(transitions(plan)).containsExactly("root {} -> {root}", "b1 {root} -> {b1}", "c1 {b1} -> {c1}");
        assertThat(g.upgrade(Set.of("c1"), "heads").isEmpty()).isTrue();
    }

    @Test
    void upgradeOnlyTheDependencyOfAnAppliedBranch() {
        RevisionGraph g = Revs.twoRootsWithDependency();
        Plan plan = g.upgrade(Set.of("core1"), "core@head");
        assertThat(transitions(plan)).containsExactly("core2 {core1} -> {core2}");
        Plan net = g.upgrade(Set.of("core2"), "net1");
        assertThat(transitions(net)).containsExactly("net1 {core2} -> {core2,net1}");
    }

    @Test
    void branchLabelTargets() {
        RevisionGraph g = Revs.labelled();
        assertThat(ids(g.upgrade(Set.of(), "billing@head"))).containsExactly("root", "a", "b1", "b2");
        assertThat(ids(g.upgrade(Set.of("a"), "billing@+1"))).containsExactly("b1");
        assertThat(ids(g.upgrade(Set.of("b2"), "shipping"))).containsExactly("c1");
        Plan all = g.upgrade(Set.of(), "heads");
        assertThat(all.toHeads()).containsExactlyInAnyOrder("b2", "c1", "n2");
        assertThat(ids(all)).hasSize(7);
    }
}

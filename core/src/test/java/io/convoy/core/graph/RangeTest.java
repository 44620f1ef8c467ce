package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.ids;
import static io.convoy.core.graph.Revs.transitions;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** Offline ({@code --sql}) ranges. */
class RangeTest {
    private final RevisionGraph linear = Revs.linear(4);

    private static ConvoyException failure(Runnable r) {
        try {
            r.run();
        } catch (ConvoyException e) {
            return e;
        }
        throw new AssertionError("no ConvoyException");
    }

    @Test
    void upgradeFromBase() {
        Plan plan = linear.range("base:head", Direction.UPGRADE);
        assertThat(ids(plan)).containsExactly("r1", "r2", "r3", "r4");
        assertThat(plan.fromHeads()).isEmpty();
        assertThat(ids(linear.range("base:r2", Direction.UPGRADE))).containsExactly("r1", "r2");
        assertThat(ids(linear.range("base:+3", Direction.UPGRADE))).containsExactly("r1", "r2", "r3");
    }

    @Test
    void upgradeBetweenTwoRevisionsExcludesTheStart() {
        Plan plan = linear.range("r2:r4", Direction.UPGRADE);
        assertThat(transitions(plan)).containsExactly("r3 {r2} -> {r3}", "r4 {r3} -> {r4}");
        assertThat(plan.fromHeads()).containsExactly("r2");
        assertThat(linear.range("r4:r2", Direction.UPGRADE).isEmpty()).isTrue();
    }

    @Test
    void downgradeRanges() {
        Plan all = linear.range("head:base", Direction.DOWNGRADE);
        assertThat(transitions(all)).containsExactly(
                "r4 {r4} -> {r3}", "r3 {r3} -> {r2}", "r2 {r2} -> {r1}", "r1 {r1} -> {}");
        assertThat(ids(linear.range("r4:r2", Direction.DOWNGRADE))).containsExactly("r4", "r3");
        assertThat(ids(linear.range("r3:-1", Direction.DOWNGRADE))).containsExactly("r3");
    }

    @Test
    void offlineRangesOverBranches() {
        RevisionGraph diamond = Revs.diamond();
        assertThat(transitions(diamond.range("b1:m", Direction.UPGRADE)))
                .containsExactly("b2 {b1} -> {b2}", "c1 {b2} -> {b2,c1}", "m {b2,c1} -> {m}");
        assertThat(transitions(diamond.range("m:b1", Direction.DOWNGRADE)))
                .containsExactly("m {m} -> {b2,c1}", "b2 {b2,c1} -> {b1,c1}");
        RevisionGraph deps = Revs.twoRootsWithDependency();
        // 'heads' as a start means the version table holds its maximal revisions: net2 (which implies core2)
        assertThat(transitions(deps.range("heads:base", Direction.DOWNGRADE)).get(0)).isEqualTo("net2 {net2} -> {core2,net1}");
        ConvoyException e = failure(() -> deps.range("base:head", Direction.UPGRADE));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("core2, net2").contains("convoy merge");
    }

    @Test
    void missingColonNamesTheArgument() {
        ConvoyException up = failure(() -> linear.range("r2", Direction.UPGRADE));
        assertThat(up.code()).isEqualTo(ErrorCode.MIG020);
        assertThat(up.getMessage()).contains("'r2'").contains("<start>:<end>");
        ConvoyException down = failure(() -> linear.range("base", Direction.DOWNGRADE));
        assertThat(down.code()).isEqualTo(ErrorCode.MIG020);
        assertThat(down.getMessage()).contains("'base'").contains("head:base");
        assertThat(failure(() -> linear.range("a:b:c", Direction.UPGRADE)).code()).isEqualTo(ErrorCode.MIG020);
        assertThat(failure(() -> linear.range(":head", Direction.UPGRADE)).code()).isEqualTo(ErrorCode.MIG020);
        assertThat(failure(() -> linear.range(null, Direction.UPGRADE)).code()).isEqualTo(ErrorCode.MIG020);
    }

    @Test
    void offlineRangesCannotUseTheCurrentRevision() {
        ConvoyException e = failure(() -> linear.range("current:head", Direction.UPGRADE));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG020);
        assertThat(e.getMessage()).contains("offline");
    }

    @Test
    void unknownRevisionInARange() {
        ConvoyException e = failure(() -> linear.range("base:nope", Direction.UPGRADE));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).isEqualTo("unknown revision 'nope'");
    }
}

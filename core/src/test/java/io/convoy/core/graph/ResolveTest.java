package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.graph;
import static io.convoy.core.graph.Revs.rev;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResolveTest {
    private final RevisionGraph linear = Revs.linear(4);
    private final RevisionGraph diamond = Revs.diamond();
    private final RevisionGraph labelled = Revs.labelled();
    private final RevisionGraph hex = graph(
            rev("3f2a9c1b7d4e"),
            rev("3f2b11112222").down("3f2a9c1b7d4e"),
            rev("9c8b7a6d5e4f").down("3f2b11112222"));

    private static ConvoyException failure(Runnable r) {
        try {
            r.run();
        } catch (ConvoyException e) {
            return e;
        }
        throw new AssertionError("no ConvoyException");
    }

    @Test
    void fullIdAndUniquePrefixes() {
        assertThat(hex.resolve("3f2a9c1b7d4e", Set.of())).containsExactly("3f2a9c1b7d4e");
        assertThat(hex.resolve("3f2a", Set.of())).containsExactly("3f2a9c1b7d4e");
        assertThat(hex.resolve("9", Set.of())).containsExactly("9c8b7a6d5e4f");
        assertThat(hex.resolve("  3f2b1 ", Set.of())).containsExactly("3f2b11112222");
    }

    @Test
    void ambiguousPrefixListsTheCandidates() {
        ConvoyException e = failure(() -> hex.resolve("3f2", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("ambiguous").contains("3f2a9c1b7d4e").contains("3f2b11112222");
    }

    @Test
    void unknownIdentifier() {
        ConvoyException e = failure(() -> hex.resolve("zz", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).isEqualTo("unknown revision 'zz'");
        assertThat(failure(() -> hex.resolve(" ", Set.of())).code()).isEqualTo(ErrorCode.MIG011);
    }

    @Test
    void symbolicNames() {
        assertThat(linear.resolve("head", Set.of())).containsExactly("r4");
        assertThat(linear.resolve("base", Set.of("r3"))).isEmpty();
        assertThat(linear.resolve("current", Set.of("r3"))).containsExactly("r3");
        assertThat(linear.resolve("current", Set.of())).isEmpty();
        assertThat(diamond.resolve("heads", Set.of())).containsExactly("m");
        assertThat(labelled.resolve("heads", Set.of())).containsExactlyInAnyOrder("b2", "c1", "n2");
    }

    @Test
    void headWithSeveralHeadsIsAConflictNamingThemAndConvoyMerge() {
        ConvoyException e = failure(() -> labelled.resolve("head", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("multiple heads: b2, c1, n2").contains("convoy merge");
        ConvoyException single = failure(labelled::singleHead);
        assertThat(single.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(single.getMessage()).contains("b2, c1, n2").contains("convoy merge");
    }

    @Test
    void singleHeadOfEmptyGraphIsUnknown() {
        RevisionGraph empty = RevisionGraph.of(java.util.List.of());
        assertThat(failure(empty::singleHead).code()).isEqualTo(ErrorCode.MIG011);
        assertThat(empty.resolve("head", Set.of())).isEmpty();
        assertThat(Revs.linear(2).singleHead()).isEqualTo("r2");
    }

    @Test
    void currentWithRevisionsOutsideTheGraphIsAVersionMismatch() {
        ConvoyException e = failure(() -> linear.resolve("current", Set.of("dead1")));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG004);
        assertThat(e.getMessage()).isEqualTo("database is at dead1 which is not in the versions directory");
    }

    @Test
    void branchLabels() {
        assertThat(labelled.branchLabels()).containsEntry("billing", "b1").containsEntry("shipping", "c1")
                .containsEntry("networking", "n1").hasSize(3);
        assertThat(labelled.resolve("billing", Set.of())).containsExactly("b1");
        assertThat(labelled.resolve("billing@head", Set.of())).containsExactly("b2");
        assertThat(labelled.resolve("shipping@head", Set.of())).containsExactly("c1");
        assertThat(labelled.resolve("networking@head", Set.of())).containsExactly("n2");
        assertThat(labelled.resolve("billing@base", Set.of())).isEmpty();
        assertThat(labelled.resolve("billing@heads", Set.of())).containsExactly("b2");
    }

    @Test
    void labelsApplyToDescendantsAndTheUnbranchedSegmentBelow() {
        assertThat(labelled.labelsOf("b2")).containsExactly("billing");
        assertThat(labelled.labelsOf("b1")).containsExactly("billing");
        assertThat(labelled.labelsOf("a")).isEmpty();
        assertThat(labelled.labelsOf("n2")).containsExactly("networking");
        RevisionGraph midLabel = graph(rev("p1"), rev("p2").down("p1").labels("pay"), rev("p3").down("p2"));
        assertThat(midLabel.labelsOf("p1")).containsExactly("pay");
        assertThat(midLabel.resolve("pay@head", Set.of())).containsExactly("p3");
    }

    @Test
    void revisionAtHeadIsTheHeadOfItsBranch() {
        assertThat(labelled.resolve("b1@head", Set.of())).containsExactly("b2");
        assertThat(labelled.resolve("n1@head", Set.of())).containsExactly("n2");
        ConvoyException e = failure(() -> labelled.resolve("a@head", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("branch 'a'").contains("b2, c1").contains("convoy merge");
    }

    @Test
    void labelQualifiedRevisionMustBeOnTheBranch() {
        assertThat(labelled.resolve("billing@b2", Set.of())).containsExactly("b2");
        ConvoyException e = failure(() -> labelled.resolve("billing@c1", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("c1 is not on branch 'billing'");
        assertThat(failure(() -> labelled.resolve("nosuch@head", Set.of())).getMessage()).contains("unknown branch 'nosuch'");
    }

    @Test
    void relativeToARevision() {
        assertThat(linear.resolve("r1+2", Set.of())).containsExactly("r3");
        assertThat(linear.resolve("r4-3", Set.of())).containsExactly("r1");
        assertThat(linear.resolve("r4-4", Set.of())).isEmpty();
        assertThat(linear.resolve("head-1", Set.of())).containsExactly("r3");
        assertThat(linear.resolve("base+1", Set.of())).containsExactly("r1");
        assertThat(labelled.resolve("billing+1", Set.of())).containsExactly("b2");
    }

    @Test
    void relativeToCurrent() {
        assertThat(linear.resolve("+1", Set.of("r2"))).containsExactly("r3");
        assertThat(linear.resolve("+2", Set.of("r2"))).containsExactly("r4");
        assertThat(linear.resolve("-1", Set.of("r2"))).containsExactly("r1");
        assertThat(linear.resolve("-2", Set.of("r2"))).isEmpty();
        assertThat(linear.resolve("+1", Set.of())).containsExactly("r1");
    }

    @Test
    void relativeStepsBeyondTheGraphFail() {
        ConvoyException below = failure(() -> linear.resolve("-3", Set.of("r2")));
        assertThat(below.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(below.getMessage()).contains("goes below base").contains("only 2 step(s) down from r2");
        ConvoyException above = failure(() -> linear.resolve("r3+2", Set.of()));
        assertThat(above.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(above.getMessage()).contains("goes beyond the head").contains("only 1 step(s) up from r3");
        ConvoyException nothing = failure(() -> linear.resolve("-1", Set.of()));
        assertThat(nothing.getMessage()).contains("no revision is applied");
    }

    @Test
    void relativeStepsAreAmbiguousWithSeveralCurrentHeadsOrAtForksAndMerges() {
        ConvoyException heads = failure(() -> diamond.resolve("+1", Set.of("b1", "c1")));
        assertThat(heads.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(heads.getMessage()).contains("several heads (b1, c1)");
        ConvoyException fork = failure(() -> diamond.resolve("a+1", Set.of()));
        assertThat(fork.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(fork.getMessage()).contains("a is followed by several revisions (b1, c1)");
        ConvoyException merge = failure(() -> diamond.resolve("m-1", Set.of()));
        assertThat(merge.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(merge.getMessage()).contains("m is a merge of b2, c1");
    }

    @Test
    void branchQualifiedRelativeStepsFollowTheBranch() {
        assertThat(labelled.resolve("billing@+1", Set.of("a"))).containsExactly("b1");
        assertThat(labelled.resolve("shipping@+1", Set.of("a"))).containsExactly("c1");
        assertThat(labelled.resolve("billing@-1", Set.of("b2", "c1"))).containsExactly("b1");
        assertThat(labelled.resolve("networking@+1", Set.of("b2", "c1"))).containsExactly("n1");
        assertThat(failure(() -> labelled.resolve("+1", Set.of("a"))).getMessage()).contains("several revisions (b1, c1)");
    }

    @Test
    void branchQualifiedSymbolIsReadOnTheBranch() {
        assertThat(labelled.resolve("billing@head-1", Set.of())).containsExactly("b1");
        assertThat(labelled.resolve("networking@base+1", Set.of())).containsExactly("n1");
        assertThat(labelled.resolve("billing@b1+1", Set.of())).containsExactly("b2");
        ConvoyException e = failure(() -> labelled.resolve("billing@c1-1", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("c1 is not on branch 'billing'");
    }

    @Test
    void getIsExact() {
        assertThat(hex.get("3f2a9c1b7d4e").id()).isEqualTo("3f2a9c1b7d4e");
        assertThat(failure(() -> hex.get("3f2a")).code()).isEqualTo(ErrorCode.MIG011);
    }
}

package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.graph;
import static io.convoy.core.graph.Revs.rev;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphValidationTest {

    private static ConvoyException failure(Revs... revs) {
        try {
            graph(revs);
        } catch (ConvoyException e) {
            return e;
        }
        throw new AssertionError("the graph was accepted");
    }

    @Test
    void emptyGraphIsValidWithoutHeadsOrBases() {
        RevisionGraph g = RevisionGraph.of(List.of());
        assertThat(g.heads()).isEmpty();
        assertThat(g.bases()).isEmpty();
        assertThat(g.revisions()).isEmpty();
        assertThat(g.branchLabels()).isEmpty();
    }

    @Test
    void duplicateRevisionIdNamesBothFiles() {
        ConvoyException e = failure(rev("r1"), rev("r1").file("r1_copy.sql"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage())
                .contains("duplicate revision id 'r1'")
                .contains("versions/r1.sql:1")
                .contains("versions/r1_copy.sql:1");
    }

    @Test
    void unknownDownRevisionNamesFileAndLine() {
        ConvoyException e = failure(rev("r1"), rev("r2").down("zz9"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("versions/r2.sql:2").contains("down_revision 'zz9'").contains("r2");
    }

    @Test
    void unknownDownRevisionThatIsAPrefixSuggestsTheFullId() {
        ConvoyException e = failure(rev("3f2a9c1b7d4e"), rev("r2").down("3f2a"));
        assertThat(e.getMessage()).contains("versions/r2.sql:2").contains("did you mean 3f2a9c1b7d4e");
    }

    @Test
    void unknownDependsOnNamesFileAndLine() {
        ConvoyException e = failure(rev("r1"), rev("r2").down("r1").deps("nope"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("versions/r2.sql:4").contains("depends_on 'nope'");
    }

    @Test
    void cycleThroughDownRevisionsNamesTheRevisionsOnIt() {
        ConvoyException e = failure(rev("r1"), rev("x").down("z"), rev("y").down("x"), rev("z").down("y"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage())
                .contains("cycle")
                .contains("x -> z -> y -> x")
                .contains("versions/x.sql:2")
                .contains("versions/y.sql:2")
                .contains("versions/z.sql:2")
                .doesNotContain("r1");
    }

    @Test
    void cycleThroughDependsOnIsDetected() {
        ConvoyException e = failure(rev("p").deps("q"), rev("q").down("p"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("cycle").contains("versions/p.sql:4").contains("versions/q.sql:2");
    }

    @Test
    void selfReferenceIsACycle() {
        ConvoyException e = failure(rev("r1").down("r1"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("r1 -> r1").contains("versions/r1.sql:2");
    }

    @Test
    void branchLabelDeclaredTwiceNamesBothRevisions() {
        ConvoyException e = failure(rev("r1").labels("billing"), rev("r2").down("r1").labels("billing"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage())
                .contains("branch label 'billing' is declared twice")
                .contains("versions/r1.sql:3")
                .contains("versions/r2.sql:3");
    }

    @Test
    void branchLabelEqualToARevisionIdIsRejected() {
        ConvoyException e = failure(rev("r1"), rev("r2").down("r1").labels("r1"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("versions/r2.sql:3").contains("equals the id of revision r1");
    }

    @Test
    void illegalCharactersAndReservedWordsInIdsAreMalformedFiles() {
        ConvoyException dash = failure(rev("rel-2"));
        assertThat(dash.code()).isEqualTo(ErrorCode.MIG010);
        assertThat(dash.getMessage()).contains("versions/rel-2.sql:1").contains("'rel-2'");

        ConvoyException reserved = failure(rev("head"));
        assertThat(reserved.code()).isEqualTo(ErrorCode.MIG010);
        assertThat(reserved.getMessage()).contains("reserved");

        ConvoyException label = failure(rev("r1").labels("release-2"));
        assertThat(label.code()).isEqualTo(ErrorCode.MIG010);
        assertThat(label.getMessage()).contains("versions/r1.sql:3").contains("relative");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConvoyException e = failure(rev("r1"), rev("r2").down("gone"), rev("r3").down("r1").deps("missing"));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG001);
        assertThat(e.getMessage()).contains("2 problems").contains("versions/r2.sql:2").contains("versions/r3.sql:4");
    }

    @Test
    void dependsOnMayNameABranchLabel() {
        RevisionGraph g = graph(rev("core1").labels("core"), rev("core2").down("core1"), rev("net1").deps("core"));
        assertThat(g.upgrade(java.util.Set.of(), "net1").steps())
                .extracting(s -> s.revision().id())
                .containsExactly("core1", "net1");
    }
}

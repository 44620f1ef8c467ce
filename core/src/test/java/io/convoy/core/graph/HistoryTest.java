package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code history -r} ranges, newest first. */
class HistoryTest {
    private final RevisionGraph linear = Revs.linear(6);

    private static ConvoyException failure(Runnable r) {
        try {
            r.run();
        } catch (ConvoyException e) {
            return e;
        }
        throw new AssertionError("no ConvoyException");
    }

    @Test
    void wholeHistoryNewestFirst() {
        assertThat(ids(linear.history("base:head", Set.of()))).containsExactly("r6", "r5", "r4", "r3", "r2", "r1");
        assertThat(ids(linear.history(null, Set.of()))).containsExactly("r6", "r5", "r4", "r3", "r2", "r1");
        assertThat(ids(linear.history(":", Set.of()))).containsExactly("r6", "r5", "r4", "r3", "r2", "r1");
    }

    @Test
    void openEndedRanges() {
        assertThat(ids(linear.history("r4:", Set.of()))).containsExactly("r6", "r5", "r4");
        assertThat(ids(linear.history(":r2", Set.of()))).containsExactly("r2", "r1");
        assertThat(ids(linear.history("r2:r4", Set.of()))).containsExactly("r4", "r3", "r2");
    }

    @Test
    void rangesRelativeToCurrent() {
        assertThat(ids(linear.history("-3:current", Set.of("r5")))).containsExactly("r5", "r4", "r3", "r2");
        assertThat(ids(linear.history("current:", Set.of("r5")))).containsExactly("r6", "r5");
        assertThat(ids(linear.history(":current", Set.of("r2")))).containsExactly("r2", "r1");
        assertThat(ids(linear.history("r3:+2", Set.of()))).containsExactly("r5", "r4", "r3");
    }

    @Test
    void relativeHistoryStopsAtTheEndsInsteadOfFailing() {
        assertThat(ids(linear.history("-9:current", Set.of("r2")))).containsExactly("r2", "r1");
        assertThat(ids(linear.history("r5:+9", Set.of()))).containsExactly("r6", "r5");
        assertThat(linear.history("-3:current", Set.of())).isEmpty();
        assertThat(ids(linear.history("current:", Set.of()))).hasSize(6);
    }

    @Test
    void historyOverBranchesAndMerges() {
        RevisionGraph diamond = Revs.diamond();
        assertThat(ids(diamond.history("base:heads", Set.of()))).containsExactly("m", "c1", "b2", "b1", "a", "root");
        // as Alembic: a start narrows to what descends from it, so the other branch is left out
        assertThat(ids(diamond.history("b1:m", Set.of()))).containsExactly("m", "b2", "b1");
        assertThat(ids(diamond.history(":current", Set.of("b1", "c1")))).containsExactly("c1", "b1", "a", "root");
    }

    @Test
    void startThatIsNotAnAncestorOfTheEndIsRejected() {
        ConvoyException e = failure(() -> linear.history("r4:r2", Set.of()));
        assertThat(e.code()).isEqualTo(ErrorCode.MIG011);
        assertThat(e.getMessage()).contains("r4").contains("is not an ancestor of 'r2'");
    }

    @Test
    void malformedHistoryRanges() {
        ConvoyException noColon = failure(() -> linear.history("r2", Set.of()));
        assertThat(noColon.code()).isEqualTo(ErrorCode.MIG020);
        assertThat(noColon.getMessage()).contains("'r2'");
        assertThat(failure(() -> linear.history("-1:+1", Set.of())).code()).isEqualTo(ErrorCode.MIG020);
        assertThat(failure(() -> linear.history("current:", Set.of("elsewhere"))).code()).isEqualTo(ErrorCode.MIG004);
        assertThat(failure(() -> linear.history("x9:", Set.of())).code()).isEqualTo(ErrorCode.MIG011);
    }
}

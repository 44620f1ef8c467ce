package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckComparisonTest {
    private final Revision a = Fixture.rev("aaa", null, List.of("CREATE TABLE a (id int)"), List.of("DROP TABLE a"));
    private final Revision b = Fixture.rev("bbb", "aaa", List.of("CREATE TABLE b (id int)"), List.of("DROP TABLE b"));
    private final Revision c = Fixture.rev("ccc", "bbb", List.of("CREATE TABLE c (id int)"), List.of("DROP TABLE c"));
    private final List<HistoryEntry> history = new ArrayList<>();

    private void row(String revision, String direction, String outcome, String checksum) {
        history.add(new HistoryEntry(history.size() + 1, revision, direction, outcome, checksum, Instant.EPOCH, Instant.EPOCH,
                Duration.ZERO, "me", "here", 1, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private void applied(Revision... revs) {
        for (Revision r : revs) {
            row(r.id(), "upgrade", "applied", r.checksum());
        }
    }

    @Test
    void databaseAtHeadWithUnchangedFilesIsClean() {
        applied(a, b, c);
        CheckReport report = CheckComparison.compare(Set.of("ccc"), history, List.of(a, b, c), Set.of("ccc"));
        assertThat(report.worst()).isEmpty();
        assertThat(report.changed()).isEmpty();
        assertThat(report.vanished()).isEmpty();
        assertThat(CheckComparison.describe(report)).isEmpty();
    }

    @Test
    void changedChecksumOfAnAppliedRevisionIsDrift() {
        applied(a, b);
        Revision edited = Fixture.withChecksum(b, "f00d");
        CheckReport report = CheckComparison.compare(Set.of("bbb"), history, List.of(a, edited, c), Set.of("ccc"));
        assertThat(report.changed()).containsExactly(new CheckReport.Drift("bbb", b.checksum(), "f00d", "versions/bbb.sql"));
        assertThat(report.worst()).contains(ErrorCode.MIG004);
        assertThat(report.atHead()).isFalse();
        assertThat(CheckComparison.describe(report)).anySatisfy(line -> assertThat(line).startsWith("MIG004")
                .contains(b.checksum()).contains("f00d"));
    }

    @Test
    void aChangedFileThatIsNotAppliedIsNotDrift() {
        applied(a, b);
        Revision editedC = Fixture.withChecksum(c, "f00d");
        CheckReport report = CheckComparison.compare(Set.of("bbb"), history, List.of(a, b, editedC), Set.of("ccc"));
        assertThat(report.changed()).isEmpty();
        assertThat(report.worst()).contains(ErrorCode.MIG005);
    }

    @Test
    void driftCountsTheLatestAppliedUpgradeAndSkipsDowngradedOnes() {
        row("aaa", "upgrade", "applied", "old");
        row("aaa", "upgrade", "failed", "older-failed");
        row("aaa", "downgrade", "applied", "old");
        applied(a);
        applied(b);
        row("bbb", "downgrade", "applied", b.checksum());
        CheckReport report = CheckComparison.compare(Set.of("aaa"), history, List.of(a, Fixture.withChecksum(b, "x")),
                Set.of("bbb"));
        assertThat(report.changed()).isEmpty();
    }

    @Test
    void aDatabaseHeadMissingFromTheFilesHasVanished() {
        applied(a, b, c);
        CheckReport report = CheckComparison.compare(Set.of("ccc"), history, List.of(a, b), Set.of("bbb"));
        assertThat(report.vanished()).containsExactly("ccc");
        assertThat(report.worst()).contains(ErrorCode.MIG004);
    }

    @Test
    void anAppliedRevisionRemovedFromTheMiddleHasVanished() {
        Revision x = Fixture.rev("xxx", "aaa", List.of("SELECT 1"), List.of());
        Revision cOnA = Fixture.rev("ccc", "aaa", List.of("CREATE TABLE c (id int)"), List.of());
        applied(a, x);
        row("ccc", "upgrade", "applied", cOnA.checksum());
        CheckReport report = CheckComparison.compare(Set.of("ccc"), history, List.of(a, cOnA), Set.of("ccc"));
        assertThat(report.vanished()).containsExactly("xxx");
    }

    @Test
    void aStampForgetsWhatWasAppliedBeforeIt() {
        Revision x = Fixture.rev("xxx", "aaa", List.of("SELECT 1"), List.of());
        applied(a, x);
        row("aaa", "stamp", "applied", null);
        CheckReport report = CheckComparison.compare(Set.of("aaa"), history, List.of(a), Set.of("aaa"));
        assertThat(report.vanished()).isEmpty();
        assertThat(report.worst()).isEmpty();
    }

    @Test
    void stampedRevisionsHaveNoChecksumToCompare() {
        row("bbb", "stamp", "applied", null);
        CheckReport report = CheckComparison.compare(Set.of("bbb"), history, List.of(a, Fixture.withChecksum(b, "x")),
                Set.of("bbb"));
        assertThat(report.changed()).isEmpty();
        assertThat(report.worst()).isEmpty();
    }

    @Test
    void severalGraphHeadsIsAConflictAndWorseThanBehindHead() {
        Revision d = Fixture.rev("ddd", "aaa", List.of("SELECT 1"), List.of());
        applied(a);
        CheckReport report = CheckComparison.compare(Set.of("aaa"), history, List.of(a, b, d), Set.of("bbb", "ddd"));
        assertThat(report.multipleHeads()).isTrue();
        assertThat(report.atHead()).isFalse();
        assertThat(report.worst()).contains(ErrorCode.MIG001);
        assertThat(CheckComparison.describe(report)).hasSize(2).first().asString().startsWith("MIG001").contains("bbb, ddd");
    }

    @Test
    void mergeAncestryCoversBothParents() {
        Revision d = Fixture.rev("ddd", "aaa", List.of("SELECT 1"), List.of());
        Revision m = Fixture.merge("mmm", List.of("bbb", "ddd"), List.of());
        applied(a, b, d, m);
        CheckReport report = CheckComparison.compare(Set.of("mmm"), history,
                List.of(a, b, Fixture.withChecksum(d, "changed"), m), Set.of("mmm"));
        assertThat(report.changed()).extracting(CheckReport.Drift::revision).containsExactly("ddd");
    }
}

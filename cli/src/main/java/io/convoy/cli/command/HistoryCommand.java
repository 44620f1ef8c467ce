package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.HistoryEntry;
import io.convoy.core.apply.Migrator;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", description = {"List revisions, newest first, as Alembic does: <down> -> <rev> (labels) (head), message.",
        "--verbose adds full entries and, when a url is configured, applied-at/by/duration/checksum from convoy.history.",
        "--checkpoints adds, under each revision, the checkpoint rows its batched statements left in convoy.history"
                + " (one per committed batch; left out by default)."})
public final class HistoryCommand extends AbstractCommand {
    @Option(names = {"-r", "--rev-range"}, paramLabel = "<range>", description = "a range such as base:head, <rev>:, :<rev>, -3:current")
    String range;

    @Option(names = {"-i", "--indicate-current"}, description = "mark the database's current revision(s) with (current)")
    boolean indicateCurrent;

    @Option(names = "--checkpoints", description = "also list the per-batch checkpoint rows of batched statements from"
            + " convoy.history (needs a url)")
    boolean checkpoints;

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        RevisionFormat fmt = new RevisionFormat(graph);
        boolean needsDatabase = indicateCurrent || checkpoints || (range != null && range.contains("current"))
                || (root.verbose() && project.config().url().isPresent());
        Set<String> current = Set.of();
        Optional<List<HistoryEntry>> history = Optional.empty();
        List<HistoryEntry> checkpointRows = List.of();
        if (needsDatabase) {
            Migrator migrator = project.migrator(e -> { });
            current = migrator.currentHeads();
            if (checkpoints) {
                List<HistoryEntry> all = migrator.history(true);
                checkpointRows = all.stream().filter(HistoryEntry::isCheckpoint).toList();
                if (root.verbose()) {
                    history = Optional.of(all.stream().filter(h -> !h.isCheckpoint()).toList());
                }
            } else if (root.verbose()) {
                history = Optional.of(migrator.history());
            }
        }
        List<Revision> revisions;
        if (range == null) {
            revisions = new ArrayList<>(graph.revisions());
            Collections.reverse(revisions);
        } else {
            revisions = graph.history(range, current);
        }
        Reports.history(out(), fmt, revisions, current, indicateCurrent, root.verbose(), history, checkpointRows, "");
        return 0;
    }
}

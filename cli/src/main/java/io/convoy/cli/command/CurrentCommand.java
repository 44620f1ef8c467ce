package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.HistoryEntry;
import io.convoy.core.apply.Migrator;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "current", description = "Show the revision(s) the database is at (--verbose: full entries with applied-at/by).")
public final class CurrentCommand extends AbstractCommand {
    @Override
    int execute() {
        Project project = project();
        RevisionFormat fmt = new RevisionFormat(project.graph());
        Migrator migrator = project.migrator(e -> { });
        List<HistoryEntry> history = root.verbose() ? migrator.history() : List.of();
        Reports.current(out(), fmt, migrator.currentHeads(), root.verbose(), project.target(), history, "");
        return 0;
    }
}

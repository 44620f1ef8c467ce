package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.CheckReport;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "check", description = {"Compare the database with the versions directory: checksum drift, vanished files, several heads, behind head.",
        "Exit code: 0 clean, 14 (MIG004) drift or vanished file, 11 (MIG001) several heads, 15 (MIG005) not at head."})
public final class CheckCommand extends AbstractCommand {
    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        CheckReport report = project.migrator(e -> { }).check(graph);
        out().println("database:       " + project.target());
        out().println("database heads: " + heads(report.databaseHeads()));
        out().println("graph heads:    " + heads(report.graphHeads()));
        List<String> problems = new ArrayList<>();
        for (CheckReport.Drift d : report.changed()) {
            problems.add("MIG004 " + d.revision() + " changed since it was applied: " + d.file() + " has checksum "
                    + RevisionFormat.shortSum(d.fileChecksum()) + ", applied " + RevisionFormat.shortSum(d.appliedChecksum()));
        }
        for (String v : report.vanished()) {
            problems.add("MIG004 " + v + " is applied but no file in " + project.config().versionsDirectory() + " declares it");
        }
        if (report.multipleHeads()) {
            problems.add("MIG001 several heads: " + heads(report.graphHeads()) + " (merge them: convoy merge -m ...)");
        }
        if (!report.atHead()) {
            problems.add("MIG005 not at head: the database is at " + heads(report.databaseHeads()) + ", the head is " + heads(report.graphHeads()));
        }
        problems.forEach(p -> out().println(p));
        Optional<ErrorCode> worst = report.worst();
        if (worst.isEmpty()) {
            out().println("OK: at head, every applied revision matches its file");
            return 0;
        }
        out().flush();
        throw new ConvoyException(worst.get(), "check found " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + " (worst: " + worst.get().title() + ")");
    }
}

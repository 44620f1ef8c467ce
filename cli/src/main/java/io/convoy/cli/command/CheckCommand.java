package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.CheckReport;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.shadow.ShadowDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "check", description = {"Compare the database with the versions directory: checksum drift, vanished files, several heads, behind head.",
        "With a models directory (schema_dir), also whether the revisions at head build exactly the desired schema (Alembic's check).",
        "Exit code: 0 clean, 14 (MIG004) drift or vanished file, 11 (MIG001) several heads, 15 (MIG005) not at head, 16 (MIG006) schema differs from models."})
public final class CheckCommand extends AbstractCommand {
    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        boolean database = project.config().url().isPresent();
        if (!database && !project.hasModels()) {
            throw new ConvoyException(ErrorCode.MIG020, "nothing to check: no database URL (set --url or CONVOY_URL) and no models directory "
                    + project.config().schemaDirectory() + " (keep the desired schema there to check the revisions against it)");
        }
        List<String> problems = new ArrayList<>();
        Optional<ErrorCode> worst = Optional.empty();
        if (database) {
            CheckReport report = project.migrator(e -> { }).check(graph);
            out().println("database:       " + project.target());
            out().println("database heads: " + heads(report.databaseHeads()));
            out().println("graph heads:    " + heads(report.graphHeads()));
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
            worst = report.worst();
        }
        if (project.hasModels()) {
            out().println("models:         " + project.config().schemaDirectory());
            if (graph.heads().size() > 1) {
                problems.add("MIG001 several heads: " + heads(graph.heads()) + " — the models are compared with a single head (merge them: convoy merge -m ...)");
                worst = worst.or(() -> Optional.of(ErrorCode.MIG001));
            } else {
                List<String> differences;
                try (ShadowDatabase shadow = ShadowDatabase.start()) {
                    differences = project.autogenerator(shadow).check(graph.revisions(), project.schemaFiles());
                }
                if (!differences.isEmpty()) {
                    problems.add("MIG006 schema differs from models: the revisions at head build a schema that differs from "
                            + project.config().schemaDirectory() + " (" + differences.size() + (differences.size() == 1 ? " change" : " changes")
                            + "; convoy revision --autogenerate -m <message> writes them):");
                    differences.forEach(d -> problems.add("    " + d));
                    worst = worst.or(() -> Optional.of(ErrorCode.MIG006));
                }
            }
        }
        problems.forEach(p -> out().println(p));
        if (worst.isEmpty()) {
            out().println("OK: " + (database ? "at head, every applied revision matches its file" : "")
                    + (database && project.hasModels() ? "; " : "") + (project.hasModels() ? "the revisions match the models" : ""));
            return 0;
        }
        out().flush();
        long count = problems.stream().filter(p -> p.startsWith("MIG")).count();
        throw new ConvoyException(worst.get(), "check found " + count + (count == 1 ? " problem" : " problems")
                + " (worst: " + worst.get().title() + ")");
    }
}

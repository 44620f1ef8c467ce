package io.convoy.cli.command;

import io.convoy.cli.ProgressPrinter;
import io.convoy.cli.Project;
import io.convoy.core.apply.CheckReport;
import io.convoy.core.apply.Migrator;
import io.convoy.core.apply.OfflineRenderer;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Option;

/** upgrade and downgrade: online through the Migrator, or offline SQL with --sql. */
abstract class ApplyCommand extends AbstractCommand {
    @Option(names = "--sql", description = "print the SQL instead of running it (offline; a start:end range, e.g. base:head)")
    boolean sql;

    abstract Direction direction();

    abstract String target();

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        if (sql) {
            out().print(new OfflineRenderer(project.config().toApplyOptions()).render(graph.range(offlineRange(), direction())));
            return 0;
        }
        ProgressPrinter progress = new ProgressPrinter(out(), root.verbose(), "");
        Migrator migrator = project.migrator(progress);
        return apply(project, graph, migrator, progress, direction(), target(), out(), "");
    }

    /** Plans from the database's heads, refuses drifted scripts, applies and prints progress. Used by convoy local too. */
    static int apply(Project project, RevisionGraph graph, Migrator migrator, ProgressPrinter progress, Direction direction,
                     String target, java.io.PrintWriter out, String indent) {
        Set<String> current = migrator.currentHeads();
        refuseDrift(migrator.check(graph));
        Plan plan = direction == Direction.UPGRADE ? graph.upgrade(current, target) : graph.downgrade(current, target);
        if (plan.isEmpty()) {
            out.println(indent + "Nothing to do: " + project.target() + " is at " + heads(current));
            return 0;
        }
        out.println(indent + (direction == Direction.UPGRADE ? "Upgrading " : "Downgrading ") + project.target() + " from "
                + heads(plan.fromHeads()) + " to " + heads(plan.toHeads()) + " (" + plan.steps().size()
                + (plan.steps().size() == 1 ? " revision)" : " revisions)"));
        long t0 = System.nanoTime();
        Set<String> after;
        try {
            after = migrator.apply(plan);
        } finally {
            progress.finish();
        }
        out.println(indent + "Now at " + heads(after) + " (" + io.convoy.core.config.Durations.human(Duration.ofNanos(System.nanoTime() - t0)) + ")");
        return 0;
    }

    /** Flyway's safety: never build on revisions whose applied script changed or vanished. */
    static void refuseDrift(CheckReport report) {
        if (!report.changed().isEmpty() || !report.vanished().isEmpty()) {
            StringBuilder b = new StringBuilder("applied revisions differ from the versions directory:");
            for (CheckReport.Drift d : report.changed()) {
                b.append(" ").append(d.revision()).append(" changed since it was applied (").append(d.file()).append(");");
            }
            for (String v : report.vanished()) {
                b.append(" ").append(v).append(" is applied but its file is gone;");
            }
            b.append(" run convoy check for details");
            throw new ConvoyException(ErrorCode.MIG004, b.toString());
        }
    }

    String offlineRange() {
        String t = target();
        if (t.contains(":")) {
            return t;
        }
        if (direction() == Direction.DOWNGRADE) {
            throw new ConvoyException(ErrorCode.MIG020, "downgrade --sql needs a <from>:<to> range, e.g. convoy downgrade --sql head:base");
        }
        return "base:" + t;
    }
}

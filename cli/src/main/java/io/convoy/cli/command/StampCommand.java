package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.core.apply.Migrator;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stamp", description = {"Set the version table to the given revisions without running any migration SQL.",
        "--from-alembic adopts a database managed by Alembic: it stamps the revisions found in alembic_version."})
public final class StampCommand extends AbstractCommand {
    @Parameters(arity = "0..*", paramLabel = "<rev>", description = "revisions to stamp (head, heads, base, <rev>, <label>@head)")
    List<String> revisions = new ArrayList<>();

    @Option(names = "--from-alembic", arity = "0..1", fallbackValue = "alembic_version", paramLabel = "<table>",
            description = "read the revisions from Alembic's version table (default table: alembic_version)")
    String fromAlembic;

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        Migrator migrator = project.migrator(e -> { });
        if (fromAlembic != null) {
            if (!revisions.isEmpty()) {
                throw new ConvoyException(ErrorCode.MIG020, "give either revisions or --from-alembic, not both");
            }
            Set<String> adopted = migrator.adoptAlembic(fromAlembic);
            out().println("Stamped " + project.target() + " at " + heads(adopted) + " (from " + fromAlembic + ")");
            return 0;
        }
        if (revisions.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "give the revision(s) to stamp, e.g. convoy stamp head, or --from-alembic");
        }
        Set<String> current = migrator.currentHeads();
        TreeSet<String> target = new TreeSet<>();
        for (String spec : revisions) {
            target.addAll(graph.resolve(spec, current));
        }
        migrator.stamp(target);
        out().println("Stamped " + project.target() + " at " + heads(target) + " (was " + heads(current) + ")");
        return 0;
    }
}

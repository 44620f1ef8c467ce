package io.convoy.cli.command;

import io.convoy.cli.RevisionFormat;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "branches", description = "Show the branch points and the revisions they branch into.")
public final class BranchesCommand extends AbstractCommand {
    @Override
    int execute() {
        RevisionGraph graph = project().graph();
        RevisionFormat fmt = new RevisionFormat(graph);
        for (Revision r : graph.revisions()) {
            if (!fmt.isBranchPoint(r.id())) {
                continue;
            }
            if (root.verbose()) {
                out().print(fmt.entry(r, Set.of(), Optional.empty()));
            } else {
                out().println(fmt.line(r, false, true, false, true, Set.of()));
            }
            String pad = " ".repeat(r.id().length());
            for (String child : fmt.children(r.id())) {
                out().println(pad + " -> " + fmt.line(graph.get(child), false, true, root.verbose(), true, Set.of()));
            }
            out().println();
        }
        return 0;
    }
}

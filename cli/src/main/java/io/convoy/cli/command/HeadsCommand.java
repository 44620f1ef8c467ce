package io.convoy.cli.command;

import io.convoy.cli.RevisionFormat;
import io.convoy.core.graph.RevisionGraph;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;

@Command(name = "heads", description = "Show the head revision(s) of the versions directory.")
public final class HeadsCommand extends AbstractCommand {
    @Override
    int execute() {
        RevisionGraph graph = project().graph();
        RevisionFormat fmt = new RevisionFormat(graph);
        for (String id : new TreeSet<>(graph.heads())) {
            if (root.verbose()) {
                out().print(fmt.entry(graph.get(id), Set.of(), Optional.empty()));
            } else {
                out().println(fmt.line(graph.get(id), false, true, false, false, Set.of()));
            }
        }
        return 0;
    }
}

package io.convoy.cli.command;

import io.convoy.cli.RevisionFormat;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show one revision: parents, labels, file, statements, checksum.")
public final class ShowCommand extends AbstractCommand {
    @Parameters(index = "0", paramLabel = "<rev>", description = "a revision id, unique prefix, head or <label>@head")
    String revision;

    @Override
    int execute() {
        RevisionGraph graph = project().graph();
        Revision r = one(graph, revision, Set.of());
        out().print(new RevisionFormat(graph).entry(r, Set.of(), Optional.empty()));
        return 0;
    }
}

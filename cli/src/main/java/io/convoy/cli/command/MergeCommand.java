package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.NewRevision;
import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge", description = "Create a merge revision whose parents are the given revisions (default: all heads).")
public final class MergeCommand extends AbstractCommand {
    @Parameters(arity = "0..*", paramLabel = "<rev>", description = "revisions to merge (default: heads)")
    List<String> revisions = new ArrayList<>();

    @Option(names = {"-m", "--message"}, required = true, paramLabel = "<message>", description = "what the merge is for")
    String message;

    @Option(names = "--branch-label", split = ",", paramLabel = "<label>", description = "branch label(s) of the merge revision")
    List<String> branchLabels = new ArrayList<>();

    @Option(names = "--rev-id", paramLabel = "<id>", description = "the id of the merge revision (default: 12 random hex digits)")
    String revId;

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        TreeSet<String> parents = new TreeSet<>();
        for (String spec : revisions.isEmpty() ? List.of("heads") : revisions) {
            parents.addAll(graph.resolve(spec, Set.of()));
        }
        if (parents.size() < 2) {
            throw new ConvoyException(ErrorCode.MIG020, "nothing to merge: " + (revisions.isEmpty() ? "there is only one head (" + heads(graph.heads()) + ")"
                    : "the revisions given resolve to " + heads(parents)) + "; a merge needs at least two revisions");
        }
        Revision created = project.scripts().create(new NewRevision(Optional.ofNullable(revId), message, List.copyOf(parents),
                RevisionCommand.labels(graph, branchLabels), List.of(), true, Optional.empty(), Optional.empty()));
        out().println("Generating " + created.source() + " ... done");
        out().println("Revision " + created.id() + " merges " + String.join(", ", parents));
        return 0;
    }
}

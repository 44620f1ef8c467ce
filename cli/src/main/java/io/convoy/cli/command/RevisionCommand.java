package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.NewRevision;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "revision", description = {"Create a new revision file on top of the head (Alembic's rules for --head and --splice).",
        "With several heads, --head is required (or merge them first: convoy merge -m ...)."})
public final class RevisionCommand extends AbstractCommand {
    @Option(names = {"-m", "--message"}, required = true, paramLabel = "<message>", description = "what the revision does")
    String message;

    @Option(names = "--head", paramLabel = "<rev>", description = "the revision to build on: a head, label@head, or base for a new root; a non-head needs --splice")
    String head;

    @Option(names = "--splice", description = "allow --head to name a revision that is not a head (starts a new branch)")
    boolean splice;

    @Option(names = "--branch-label", split = ",", paramLabel = "<label>", description = "branch label(s) of the new revision")
    List<String> branchLabels = new ArrayList<>();

    @Option(names = "--depends-on", split = ",", paramLabel = "<rev>", description = "revision(s) that must be applied first, without being parents")
    List<String> dependsOn = new ArrayList<>();

    @Option(names = "--rev-id", paramLabel = "<id>", description = "the id of the new revision (default: 12 random hex digits)")
    String revId;

    @Option(names = "--non-transactional", description = "run the statements one by one in autocommit (for CREATE INDEX CONCURRENTLY and kin)")
    boolean nonTransactional;

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        List<String> parents = parents(graph);
        Revision created = project.scripts().create(new NewRevision(Optional.ofNullable(revId), message, parents,
                labels(graph, branchLabels), dependencies(graph, dependsOn), !nonTransactional, Optional.empty(), Optional.empty()));
        out().println("Generating " + created.source() + " ... done");
        out().println("Revision " + created.id() + " (parent: " + (parents.isEmpty() ? "<base>" : String.join(", ", parents)) + ")");
        return 0;
    }

    private List<String> parents(RevisionGraph graph) {
        Set<String> heads = graph.heads();
        if (head == null) {
            if (heads.size() > 1) {
                RevisionFormat fmt = new RevisionFormat(graph);
                List<String> described = new ArrayList<>();
                for (String h : new TreeSet<>(heads)) {
                    described.add(fmt.currentLine(h));
                }
                throw new ConvoyException(ErrorCode.MIG001, "several heads are present: " + String.join("; ", described)
                        + ". Give --head <rev> (or <label>@head) to choose one, or merge them: convoy merge heads -m \"merge\"");
            }
            return new ArrayList<>(heads);
        }
        if (head.equals("base")) {
            return List.of();
        }
        Revision base = one(graph, head, Set.of());
        if (!heads.contains(base.id()) && !splice) {
            throw new ConvoyException(ErrorCode.MIG020, "revision " + base.id() + " is not a head revision; give --splice to create a new branch from it");
        }
        return List.of(base.id());
    }

    static Set<String> labels(RevisionGraph graph, List<String> labels) {
        Map<String, String> existing = graph.branchLabels();
        Set<String> out = new LinkedHashSet<>();
        for (String l : labels) {
            String label = l.strip();
            try {
                RevisionIds.checkLabel(label);
            } catch (IllegalArgumentException e) {
                throw new ConvoyException(ErrorCode.MIG020, "--branch-label: " + e.getMessage(), e);
            }
            if (existing.containsKey(label)) {
                throw new ConvoyException(ErrorCode.MIG020, "branch label " + label + " is already used by revision " + existing.get(label));
            }
            out.add(label);
        }
        return out;
    }

    static List<String> dependencies(RevisionGraph graph, List<String> specs) {
        List<String> out = new ArrayList<>();
        for (String spec : specs) {
            String id = one(graph, spec.strip(), Set.of()).id();
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }
}

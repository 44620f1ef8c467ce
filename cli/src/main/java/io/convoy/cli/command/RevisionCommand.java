package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.autogen.AutogenResult;
import io.convoy.core.autogen.Autogenerator;
import io.convoy.core.autogen.RenameHints;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.NewRevision;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionIds;
import io.convoy.core.shadow.ShadowDatabase;
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

    @Option(names = "--autogenerate", description = {"write the revision from the difference between the schema the revisions build and the desired schema files (schema_dir),",
            "both built in a throwaway PostgreSQL"})
    boolean autogenerate;

    @Option(names = "--from-database", description = {"with --autogenerate: the current side is the database of --url / CONVOY_URL (read only; it must be at head)",
            "instead of the revisions replayed into a throwaway PostgreSQL"})
    boolean fromDatabase;

    @Option(names = "--rename", paramLabel = "<old=new>", description = {"with --autogenerate: a rename it cannot tell from drop + add;",
            "old=new for a table, table.old=new for a column (repeatable)"})
    List<String> renames = new ArrayList<>();

    @Override
    int execute() {
        Project project = project();
        RevisionGraph graph = project.graph();
        List<String> parents = parents(graph);
        if ((!renames.isEmpty() || fromDatabase) && !autogenerate) {
            throw new ConvoyException(ErrorCode.MIG020, "--rename and --from-database only apply with --autogenerate");
        }
        if (autogenerate) {
            if (revId != null || nonTransactional) {
                throw new ConvoyException(ErrorCode.MIG020, "--rev-id and --non-transactional do not apply with --autogenerate (it chooses per part)");
            }
            return autogenerate(project, graph, parents);
        }
        Revision created = project.scripts().create(new NewRevision(Optional.ofNullable(revId), message, parents,
                labels(graph, branchLabels), dependencies(graph, dependsOn), !nonTransactional, Optional.empty(), Optional.empty()));
        out().println("Generating " + created.source() + " ... done");
        out().println("Revision " + created.id() + " (parent: " + (parents.isEmpty() ? "<base>" : String.join(", ", parents)) + ")");
        return 0;
    }

    private int autogenerate(Project project, RevisionGraph graph, List<String> parents) {
        List<java.nio.file.Path> models = project.schemaFiles();
        RenameHints hints = RenameHints.parse(renames);
        boolean live = fromDatabase;
        if (live) {
            Set<String> databaseHeads = project.migrator(e -> { }).currentHeads();
            if (!databaseHeads.equals(graph.heads())) {
                throw new ConvoyException(ErrorCode.MIG005, project.target() + " is at " + heads(databaseHeads) + ", not at the head "
                        + heads(graph.heads()) + ": upgrade it first, or autogenerate from the revisions (without --from-database)");
            }
        }
        if (!graph.heads().isEmpty() && !graph.heads().equals(Set.copyOf(parents))) {
            throw new ConvoyException(ErrorCode.MIG020, "--autogenerate compares the head of the revisions with the models: build on the head, not on "
                    + String.join(", ", parents));
        }
        AutogenResult result;
        try (ShadowDatabase shadow = ShadowDatabase.start()) {
            Autogenerator generator = project.autogenerator(shadow);
            result = live ? generator.fromDatabase(project.config().connectionSource(), models, hints)
                    : generator.fromRevisions(graph.revisions(), models, hints);
        }
        result.warnings().forEach(w -> err().println("warning: " + w));
        if (result.isEmpty()) {
            out().println("No changes: " + (live ? project.target() : "the revisions") + " already match the schema in "
                    + project.config().schemaDirectory() + "; no revision written");
            return 0;
        }
        out().println("Detected changes (" + (live ? project.target() : "revisions at head") + " → " + project.config().schemaDirectory() + "):");
        result.summaryText().lines().forEach(l -> out().println("  " + l));
        List<Revision> written = Autogenerator.write(project.scripts(), result, message, parents, labels(graph, branchLabels));
        for (Revision r : written) {
            out().println("Generating " + r.source() + " ... done" + (r.transactional() ? "" : " (non-transactional)"));
        }
        out().println("Review the generated SQL (lines marked -- REVIEW: need a decision) before applying it.");
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

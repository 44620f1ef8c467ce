package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.Revision;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The revision graph with Alembic's semantics.
 *
 * <p>Two kinds of edge: {@code down_revision} makes branches, merges, heads and bases;
 * {@code depends_on} only orders (a revision that others merely depend on stays a head, as in
 * Alembic). Applying a revision requires all its ancestors through both kinds of edge. The version
 * table holds the maximal applied revisions through both kinds of edge (Alembic's HeadMaintainer);
 * every {@link MigrationStep} carries it before and after the step.
 */
public final class RevisionGraph {
    private final GraphIndex g;
    private final SpecResolver resolver;
    private final Planner planner;
    private final HistoryQuery historyQuery;
    private final List<Revision> ordered;
    private final Map<String, SortedSet<String>> memberLabels;

    private RevisionGraph(GraphIndex g) {
        this.g = g;
        this.resolver = new SpecResolver(g);
        this.planner = new Planner(g, resolver);
        this.historyQuery = new HistoryQuery(g, resolver);
        this.ordered = g.topo.stream().map(g.byId::get).toList();
        this.memberLabels = propagateLabels(g);
    }

    /** Builds and validates: duplicate ids, unknown down_revision / depends_on, cycles → MIG001 naming file and line. */
    public static RevisionGraph of(Collection<Revision> revisions) {
        return new RevisionGraph(GraphValidator.build(revisions));
    }

    /** All revisions, parents (and dependencies) before children; ties broken by id. */
    public List<Revision> revisions() {
        return ordered;
    }

    /** The revision with exactly this id; MIG011 when there is none. */
    public Revision get(String id) {
        Revision r = id == null ? null : g.byId.get(id);
        if (r == null) {
            throw new ConvoyException(ErrorCode.MIG011, "unknown revision '" + id + "'");
        }
        return r;
    }

    /** Revisions that are no revision's down_revision (depends_on does not count, as in Alembic). */
    public Set<String> heads() {
        return g.heads;
    }

    /** Revisions without a down_revision (they may still have depends_on). */
    public Set<String> bases() {
        return g.bases;
    }

    /** Branch label → the revision that declares it. */
    public Map<String, String> branchLabels() {
        return Collections.unmodifiableMap(g.labels);
    }

    /**
     * The branch labels that apply to a revision: those it declares, those of its ancestors through
     * down_revision (a label covers all descendants) and, as in Alembic, those of descendants in
     * the same unbranched segment below the declaring revision.
     */
    public Set<String> labelsOf(String id) {
        get(id);
        return memberLabels.getOrDefault(id, Collections.emptySortedSet());
    }

    /** The single head; MIG001 naming the heads and saying to run {@code convoy merge} when there are several. */
    public String singleHead() {
        if (g.heads.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG011, "no revisions: the versions directory holds no revision, so there is no head");
        }
        return resolver.single(g.heads, "head", null);
    }

    /**
     * Every revision the given version-table contents imply as applied: the heads and all their
     * ancestors through down_revision and depends_on. MIG004 for a head not in the graph.
     */
    public Set<String> applied(Set<String> currentHeads) {
        return Collections.unmodifiableSet(new TreeSet<>(g.ancestors(resolver.current(currentHeads), true)));
    }

    /**
     * Resolves one identifier to revision ids: full id, unique prefix, {@code head}, {@code heads},
     * {@code base} (empty set), {@code <label>@head}, {@code <label>}, {@code <rev>+N}, {@code <rev>-N},
     * {@code current} (the given heads). MIG011 when it does not resolve or a prefix is ambiguous.
     */
    public Set<String> resolve(String spec, Set<String> currentHeads) {
        return resolver.resolve(spec, currentHeads);
    }

    /** Upgrade plan from {@code currentHeads} to {@code target} ({@code head}, {@code heads}, rev, {@code +N}, ...). */
    public Plan upgrade(Set<String> currentHeads, String target) {
        return planner.upgrade(currentHeads, target);
    }

    /** Downgrade plan from {@code currentHeads} to {@code target} ({@code base}, rev, {@code -N}, ...). */
    public Plan downgrade(Set<String> currentHeads, String target) {
        return planner.downgrade(currentHeads, target);
    }

    /** Offline {@code start:end} range; for upgrade start is the from-revision ({@code base} allowed). */
    public Plan range(String range, Direction direction) {
        return planner.range(range, direction);
    }

    /** Revisions selected by a {@code history -r} range such as {@code base:head}, {@code rev:}, {@code :rev}, {@code -3:current}; newest first. */
    public List<Revision> history(String range, Set<String> currentHeads) {
        return historyQuery.history(range, currentHeads);
    }

    private static Map<String, SortedSet<String>> propagateLabels(GraphIndex g) {
        Map<String, SortedSet<String>> labels = new HashMap<>();
        g.labels.forEach((label, declaring) -> {
            Set<String> members = g.descendants(List.of(declaring), false);
            Set<String> below = g.ancestors(List.of(declaring), false);
            below.retainAll(g.descendants(List.of(g.segmentStart(declaring)), false));
            members.addAll(below);
            for (String m : members) {
                labels.computeIfAbsent(m, k -> new TreeSet<>()).add(label);
            }
        });
        Map<String, SortedSet<String>> frozen = new TreeMap<>();
        labels.forEach((id, set) -> frozen.put(id, Collections.unmodifiableSortedSet(set)));
        return frozen;
    }
}

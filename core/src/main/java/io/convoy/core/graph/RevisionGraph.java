package io.convoy.core.graph;

import io.convoy.core.script.Revision;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The revision graph with Alembic's semantics. SKELETON: the signatures are the contract; the
 * bodies are written by the graph work.
 */
public final class RevisionGraph {

    /** Builds and validates: duplicate ids, unknown down_revision / depends_on, cycles → MIG001 naming file and line. */
    public static RevisionGraph of(Collection<Revision> revisions) { throw new UnsupportedOperationException("skeleton"); }

    /** All revisions, parents (and dependencies) before children; ties broken by id. */
    public List<Revision> revisions() { throw new UnsupportedOperationException("skeleton"); }

    public Revision get(String id) { throw new UnsupportedOperationException("skeleton"); }

    public Set<String> heads() { throw new UnsupportedOperationException("skeleton"); }

    public Set<String> bases() { throw new UnsupportedOperationException("skeleton"); }

    /** Branch label → the revision that declares it. */
    public Map<String, String> branchLabels() { throw new UnsupportedOperationException("skeleton"); }

    /** The single head; MIG001 naming the heads and saying to run {@code convoy merge} when there are several. */
    public String singleHead() { throw new UnsupportedOperationException("skeleton"); }

    /**
     * Resolves one identifier to revision ids: full id, unique prefix, {@code head}, {@code heads},
     * {@code base} (empty set), {@code <label>@head}, {@code <label>}, {@code <rev>+N}, {@code <rev>-N},
     * {@code current} (the given heads). MIG011 when it does not resolve or a prefix is ambiguous.
     */
    public Set<String> resolve(String spec, Set<String> currentHeads) { throw new UnsupportedOperationException("skeleton"); }

    /** Upgrade plan from {@code currentHeads} to {@code target} ({@code head}, {@code heads}, rev, {@code +N}, ...). */
    public Plan upgrade(Set<String> currentHeads, String target) { throw new UnsupportedOperationException("skeleton"); }

    /** Downgrade plan from {@code currentHeads} to {@code target} ({@code base}, rev, {@code -N}, ...). */
    public Plan downgrade(Set<String> currentHeads, String target) { throw new UnsupportedOperationException("skeleton"); }

    /** Offline {@code start:end} range; for upgrade start is the from-revision ({@code base} allowed). */
    public Plan range(String range, Direction direction) { throw new UnsupportedOperationException("skeleton"); }

    /** Revisions selected by a {@code history -r} range such as {@code base:head}, {@code rev:}, {@code :rev}, {@code -3:current}; newest first. */
    public List<Revision> history(String range, Set<String> currentHeads) { throw new UnsupportedOperationException("skeleton"); }
}

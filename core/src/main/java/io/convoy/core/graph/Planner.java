package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Builds upgrade, downgrade and offline-range plans over a {@link GraphIndex}. */
final class Planner {
    private final GraphIndex g;
    private final SpecResolver resolver;

    Planner(GraphIndex g, SpecResolver resolver) {
        this.g = g;
        this.resolver = resolver;
    }

    /** Everything {@code target} needs (ancestors through down_revision and depends_on) that is not applied yet. */
    Plan upgrade(Set<String> currentHeads, String target) {
        Set<String> cur = resolver.current(currentHeads);
        String spec = SpecResolver.trimmed(target);
        RelativeSpec rel = RelativeSpec.parse(spec);
        if (rel != null && rel.symbol() == null && !rel.up()) {
            throw new ConvoyException(ErrorCode.MIG011, "upgrade target '" + spec
                    + "' counts down from the current revision; use downgrade " + spec);
        }
        Set<String> needs = g.ancestors(resolver.resolve(spec, cur), true);
        needs.removeAll(g.ancestors(cur, true));
        return plan(Direction.UPGRADE, cur, g.sortTopo(needs));
    }

    /**
     * Reverts the applied descendants of the target (not the target itself), and every applied
     * revision that depends on them, children and dependents first.
     */
    Plan downgrade(Set<String> currentHeads, String target) {
        Set<String> cur = resolver.current(currentHeads);
        Set<String> active = g.ancestors(cur, true);
        String spec = SpecResolver.trimmed(target);
        RelativeSpec rel = RelativeSpec.parse(spec);
        String to;
        Set<String> roots;
        if (rel != null) {
            if (rel.symbol() == null && rel.up()) {
                throw new ConvoyException(ErrorCode.MIG011, "downgrade target '" + spec
                        + "' counts up from the current revision; use upgrade " + spec);
            }
            String anchor = rel.branch() == null ? null : resolver.branchAnchor(rel.branch());
            if (rel.symbol() == null && anchor == null) {
                // as Alembic: '-N' stays on the branch of the head it counts from
                anchor = resolver.currentStart(rel, cur, null);
            }
            to = resolver.relativeTarget(rel, cur);
            roots = rootsAbove(to, anchor, spec);
        } else if (spec.endsWith("@base")) {
            // <label>@base / <rev>@base: revert the branch segment holding the label or revision
            String anchor = resolver.branchAnchor(spec.substring(0, spec.length() - "@base".length()));
            to = null;
            roots = Set.of(g.segmentStart(anchor));
        } else {
            Set<String> resolved = resolver.resolve(spec, cur);
            if (resolved.size() > 1) {
                throw new ConvoyException(ErrorCode.MIG011, "downgrade target '" + spec + "' names several revisions ("
                        + SpecResolver.list(resolved) + "); downgrade to one revision");
            }
            to = resolved.isEmpty() ? null : resolved.iterator().next();
            int at = spec.indexOf('@');
            String anchor = at > 0 ? resolver.branchAnchor(spec.substring(0, at)) : null;
            roots = rootsAbove(to, anchor, spec);
        }
        Set<String> drop = g.descendants(roots, true);
        drop.retainAll(active);
        if (to != null && drop.isEmpty() && !active.contains(to)) {
            throw new ConvoyException(ErrorCode.MIG011, "cannot downgrade to " + to + " ('" + spec
                    + "'): it is not applied; the database is at "
                    + (cur.isEmpty() ? "base" : SpecResolver.list(cur)));
        }
        return plan(Direction.DOWNGRADE, cur, g.sortTopoReversed(drop));
    }

    /** Offline {@code start:end}: the plan from an assumed {@code start} to {@code end}. */
    Plan range(String range, Direction direction) {
        String[] parts = RangeSyntax.split(range, "offline " + direction.verb() + " range",
                direction == Direction.UPGRADE ? "base:head or <from>:<to>" : "head:base or <from>:<to>");
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new ConvoyException(ErrorCode.MIG020, "offline " + direction.verb() + " range '" + range
                        + "' needs both a start and an end, e.g. "
                        + (direction == Direction.UPGRADE ? "base:head" : "head:base"));
            }
            if (part.equals("current")) {
                throw new ConvoyException(ErrorCode.MIG020, "offline " + direction.verb() + " range '" + range
                        + "' cannot start from or go to the current revision: offline mode has no database; name revisions");
            }
        }
        // the assumed version-table contents: the maximal revisions of what the start implies
        Set<String> start = g.maximal(resolver.resolve(parts[0], Set.of()));
        return direction == Direction.UPGRADE ? upgrade(start, parts[1]) : downgrade(start, parts[1]);
    }

    private Set<String> rootsAbove(String to, String anchor, String spec) {
        Set<String> roots;
        if (to == null) {
            roots = new TreeSet<>(g.bases);
            if (anchor != null) {
                roots.retainAll(g.ancestors(List.of(anchor), false));
            }
            return roots;
        }
        roots = new TreeSet<>(g.up.get(to));
        if (anchor != null && roots.size() > 1) {
            roots.retainAll(g.lineage(anchor));
            if (roots.isEmpty()) {
                throw new ConvoyException(ErrorCode.MIG011, "downgrade target '" + spec + "' (" + to
                        + ") is not on the branch of " + anchor);
            }
        }
        return roots;
    }

    private Plan plan(Direction direction, Set<String> cur, List<String> order) {
        List<MigrationStep> steps = VersionTable.steps(g, direction, cur, order);
        Set<String> to = steps.isEmpty() ? cur : steps.get(steps.size() - 1).headsAfter();
        return new Plan(direction, cur, to, steps);
    }
}

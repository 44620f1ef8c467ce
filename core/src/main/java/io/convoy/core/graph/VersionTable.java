package io.convoy.core.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Alembic's HeadMaintainer rules: how the version table changes when one revision is applied or
 * reverted. With the table holding the maximal applied revisions (through down_revision and
 * depends_on), it keeps holding exactly those after every step.
 */
final class VersionTable {
    private VersionTable() {}

    /**
     * Upgrading {@code r} replaces its down_revisions and dependencies that are in the table by
     * {@code r}: one of them is an update, none is a new branch (insert), several is a merge.
     */
    static Set<String> afterUpgrade(GraphIndex g, Set<String> before, String r) {
        Set<String> after = new TreeSet<>(before);
        after.removeAll(g.allDown(r));
        after.add(r);
        return after;
    }

    /**
     * Downgrading {@code r} removes it and puts back those of its down_revisions and dependencies
     * that no remaining entry already implies (is not an ancestor of another remaining head, nor of
     * another revision put back): a merge unmerges into several rows, a base or a revision whose
     * parent another branch still covers just deletes its row.
     */
    static Set<String> afterDowngrade(GraphIndex g, Set<String> before, String r) {
        Set<String> after = new TreeSet<>(before);
        after.remove(r);
        Set<String> back = new TreeSet<>(g.allDown(r));
        back.removeAll(g.ancestors(after, true));
        after.addAll(g.maximal(back));
        return after;
    }

    static List<MigrationStep> steps(GraphIndex g, Direction direction, Set<String> start, List<String> order) {
        Set<String> heads = start;
        List<MigrationStep> steps = new ArrayList<>();
        for (String r : order) {
            Set<String> after = direction == Direction.UPGRADE ? afterUpgrade(g, heads, r) : afterDowngrade(g, heads, r);
            steps.add(new MigrationStep(g.byId.get(r), direction, heads, after));
            heads = after;
        }
        return steps;
    }
}

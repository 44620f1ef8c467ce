package io.convoy.core.graph;

import io.convoy.core.script.Revision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The validated, immutable structure of a revision graph and its traversals. Built only by
 * {@link GraphValidator}. Two kinds of edge exist, as in Alembic: {@code down_revision} (the
 * "versioned" edges that make branches, merges, heads and bases) and {@code depends_on}
 * (ordering edges that do not affect heads). "Closure" traversals follow both.
 */
final class GraphIndex {
    final Map<String, Revision> byId;
    /** down_revision ids, deduplicated, in declaration order. */
    final Map<String, List<String>> down;
    /** depends_on, resolved to revision ids (a branch label names its declaring revision). */
    final Map<String, List<String>> deps;
    /** Children through down_revision only (Alembic's {@code nextrev}). */
    final Map<String, SortedSet<String>> up;
    /** Children through down_revision or depends_on (Alembic's {@code _all_nextrev}). */
    final Map<String, SortedSet<String>> upAll;
    /** Every revision id, parents and dependencies first, ties broken by id. */
    final List<String> topo;
    final Map<String, Integer> position;
    /** Branch label to the revision that declares it. */
    final Map<String, String> labels;
    final SortedSet<String> heads;
    final SortedSet<String> bases;

    GraphIndex(Map<String, Revision> byId, Map<String, List<String>> down, Map<String, List<String>> deps,
               Map<String, SortedSet<String>> up, Map<String, SortedSet<String>> upAll, List<String> topo,
               Map<String, Integer> position, Map<String, String> labels) {
        this.byId = byId;
        this.down = down;
        this.deps = deps;
        this.up = up;
        this.upAll = upAll;
        this.topo = topo;
        this.position = position;
        this.labels = labels;
        SortedSet<String> h = new TreeSet<>();
        SortedSet<String> b = new TreeSet<>();
        for (String id : byId.keySet()) {
            if (up.get(id).isEmpty()) {
                h.add(id);
            }
            if (down.get(id).isEmpty()) {
                b.add(id);
            }
        }
        this.heads = Collections.unmodifiableSortedSet(h);
        this.bases = Collections.unmodifiableSortedSet(b);
    }

    boolean contains(String id) { return byId.containsKey(id); }

    /** down_revision and depends_on of {@code id}, without duplicates. */
    Set<String> allDown(String id) {
        Set<String> all = new TreeSet<>(down.get(id));
        all.addAll(deps.get(id));
        return all;
    }

    /** The given revisions and all their ancestors; through depends_on too when {@code withDeps}. */
    Set<String> ancestors(Collection<String> ids, boolean withDeps) {
        return reach(ids, withDeps ? this::allDown : down::get);
    }

    /** The given revisions and all their descendants; through depends_on too when {@code withDeps}. */
    Set<String> descendants(Collection<String> ids, boolean withDeps) {
        return reach(ids, withDeps ? upAll::get : up::get);
    }

    /** Ancestors and descendants of {@code id} through down_revision: Alembic's "shares lineage". */
    Set<String> lineage(String id) {
        Set<String> all = ancestors(List.of(id), false);
        all.addAll(descendants(List.of(id), false));
        return all;
    }

    /**
     * The lowest revision of the branch segment holding {@code id}: walk down while the revision
     * has exactly one down_revision and that parent has no other child (through down_revision).
     * A base, a merge or the first revision after a branch point ends the walk.
     */
    String segmentStart(String id) {
        String cur = id;
        while (down.get(cur).size() == 1) {
            String parent = down.get(cur).get(0);
            if (up.get(parent).size() != 1) {
                break;
            }
            cur = parent;
        }
        return cur;
    }

    /** The members of {@code ids} that are not an ancestor (through both edge kinds) of another member. */
    Set<String> maximal(Collection<String> ids) {
        Set<String> result = new TreeSet<>(ids);
        for (String id : ids) {
            Set<String> below = ancestors(List.of(id), true);
            below.remove(id);
            result.removeAll(below);
        }
        return result;
    }

    List<String> sortTopo(Collection<String> ids) {
        List<String> sorted = new ArrayList<>(new HashSet<>(ids));
        sorted.sort(Comparator.comparing(position::get));
        return sorted;
    }

    List<String> sortTopoReversed(Collection<String> ids) {
        List<String> sorted = sortTopo(ids);
        Collections.reverse(sorted);
        return sorted;
    }

    private static Set<String> reach(Collection<String> start, Function<String, Collection<String>> next) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(start);
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id)) {
                todo.addAll(next.apply(id));
            }
        }
        return seen;
    }
}

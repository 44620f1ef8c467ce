package io.convoy.core.graph;

import io.convoy.core.script.Revision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds {@link Revision} records in memory for graph tests. Each lives in
 * {@code versions/<id>.sql} unless {@link #file} says otherwise; headers sit on fixed lines:
 * revision 1, down_revision 2, branch_labels 3, depends_on 4.
 */
final class Revs {
    private final String id;
    private List<String> down = List.of();
    private Set<String> labels = Set.of();
    private List<String> deps = List.of();
    private String file;

    private Revs(String id) {
        this.id = id;
        this.file = id + ".sql";
    }

    static Revs rev(String id) {
        return new Revs(id);
    }

    Revs down(String... ids) {
        down = List.of(ids);
        return this;
    }

    Revs labels(String... names) {
        labels = Set.of(names);
        return this;
    }

    Revs deps(String... ids) {
        deps = List.of(ids);
        return this;
    }

    Revs file(String name) {
        file = name;
        return this;
    }

    Revision build() {
        Map<String, Integer> lines = new HashMap<>();
        lines.put("revision", 1);
        if (!down.isEmpty()) {
            lines.put("down_revision", 2);
        }
        if (!labels.isEmpty()) {
            lines.put("branch_labels", 3);
        }
        if (!deps.isEmpty()) {
            lines.put("depends_on", 4);
        }
        lines.put("message", 5);
        return new Revision(id, down, labels, deps, "message of " + id, true, Optional.empty(), Optional.empty(),
                List.of("-- upgrade " + id), List.of("-- downgrade " + id), true, "0".repeat(64),
                Path.of("versions", file), lines);
    }

    static RevisionGraph graph(Revs... revs) {
        return RevisionGraph.of(Arrays.stream(revs).map(Revs::build).toList());
    }

    /** A linear chain r1 → r2 → ... → rN. */
    static RevisionGraph linear(int n) {
        Revs[] revs = new Revs[n];
        for (int i = 1; i <= n; i++) {
            revs[i - 1] = i == 1 ? rev("r1") : rev("r" + i).down("r" + (i - 1));
        }
        return graph(revs);
    }

    /** root → a → {b1 → b2, c1} → m (merge of b2 and c1): the branch-and-merge example of the brief. */
    static RevisionGraph diamond() {
        return graph(
                rev("root"),
                rev("a").down("root"),
                rev("b1").down("a"),
                rev("b2").down("b1"),
                rev("c1").down("a"),
                rev("m").down("b2", "c1"));
    }

    /**
     * Two roots with a cross-branch dependency: core1 (label core) → core2 and
     * net1 (label net) → net2, where net2 depends_on core2.
     */
    static RevisionGraph twoRootsWithDependency() {
        return graph(
                rev("core1").labels("core"),
                rev("core2").down("core1"),
                rev("net1").labels("net"),
                rev("net2").down("net1").deps("core2"));
    }

    /** root → a → {b1 (label billing) → b2, c1 (label shipping)}; separate root n1 (label networking) → n2. */
    static RevisionGraph labelled() {
        return graph(
                rev("root"),
                rev("a").down("root"),
                rev("b1").down("a").labels("billing"),
                rev("b2").down("b1"),
                rev("c1").down("a").labels("shipping"),
                rev("n1").labels("networking"),
                rev("n2").down("n1"));
    }

    /** Revision ids of a plan's steps, in order. */
    static List<String> ids(Plan plan) {
        return plan.steps().stream().map(s -> s.revision().id()).toList();
    }

    static List<String> ids(List<Revision> revisions) {
        return revisions.stream().map(Revision::id).toList();
    }

    /** Each step as {@code "<id> {before} -> {after}"}, sets sorted, for asserting version-table changes. */
    static List<String> transitions(Plan plan) {
        return plan.steps().stream()
                .map(s -> s.revision().id() + " " + sorted(s.headsBefore()) + " -> " + sorted(s.headsAfter()))
                .toList();
    }

    static String sorted(Set<String> ids) {
        return "{" + String.join(",", new java.util.TreeSet<>(ids)) + "}";
    }
}

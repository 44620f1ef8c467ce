package io.convoy.core.graph;

import static io.convoy.core.graph.Revs.ids;
import static io.convoy.core.graph.Revs.rev;
import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Ordering is topological and deterministic; version-table heads stay consistent on random graphs. */
class OrderTest {

    /** A random DAG: each revision gets 0–2 down_revisions and sometimes a depends_on among earlier ones. */
    private static List<Revision> randomDag(long seed, int size) {
        Random random = new Random(seed);
        List<Revision> revs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String id = String.format("%08x", random.nextInt() & 0x7fffffff);
            Revs r = rev(id);
            if (!ids.isEmpty() && random.nextInt(6) > 0) {
                Set<String> parents = new TreeSet<>();
                parents.add(ids.get(random.nextInt(ids.size())));
                if (random.nextInt(4) == 0) {
                    parents.add(ids.get(random.nextInt(ids.size())));
                }
                r.down(parents.toArray(String[]::new));
                if (random.nextInt(5) == 0) {
                    String dep = ids.get(random.nextInt(ids.size()));
                    if (!parents.contains(dep)) {
                        r.deps(dep);
                    }
                }
            }
            ids.add(id);
            revs.add(r.build());
        }
        return revs;
    }

    @Test
    void revisionsComeAfterTheirParentsAndDependencies() {
        for (long seed = 1; seed <= 20; seed++) {
            RevisionGraph g = RevisionGraph.of(randomDag(seed, 40));
            List<String> order = ids(g.revisions());
            assertThat(order).hasSize(40).doesNotHaveDuplicates();
            for (Revision r : g.revisions()) {
                int at = order.indexOf(r.id());
                for (String p : r.downRevisions()) {
                    assertThat(order.indexOf(p)).as("%s before %s (seed %d)", p, r.id(), seed).isLessThan(at);
                }
                for (String d : r.dependsOn()) {
                    assertThat(order.indexOf(d)).as("%s before %s (seed %d)", d, r.id(), seed).isLessThan(at);
                }
            }
        }
    }

    @Test
    void orderDoesNotDependOnInputOrder() {
        List<Revision> revs = randomDag(42, 30);
        RevisionGraph reference = RevisionGraph.of(revs);
        for (long seed = 1; seed <= 10; seed++) {
            List<Revision> shuffled = new ArrayList<>(revs);
            Collections.shuffle(shuffled, new Random(seed));
            RevisionGraph g = RevisionGraph.of(shuffled);
            assertThat(ids(g.revisions())).isEqualTo(ids(reference.revisions()));
            assertThat(ids(g.upgrade(Set.of(), "heads"))).isEqualTo(ids(reference.upgrade(Set.of(), "heads")));
            assertThat(ids(g.downgrade(g.heads(), "base"))).isEqualTo(ids(reference.downgrade(reference.heads(), "base")));
        }
    }

    @Test
    void tiesAreBrokenByRevisionId() {
        RevisionGraph g = Revs.graph(rev("zz"), rev("mm"), rev("aa"), rev("k2").down("zz"), rev("k1").down("aa"));
        assertThat(ids(g.revisions())).containsExactly("aa", "k1", "mm", "zz", "k2");
    }

    /** After every step the version table holds exactly the maximal applied revisions, and steps chain. */
    @Test
    void versionTableStaysTheMaximalAppliedRevisionsOnRandomGraphs() {
        for (long seed = 1; seed <= 20; seed++) {
            RevisionGraph g = RevisionGraph.of(randomDag(seed, 25));
            Plan up = g.upgrade(Set.of(), "heads");
            assertThat(up.steps()).hasSize(25);
            checkChain(g, up, seed);
            assertThat(g.applied(up.toHeads())).hasSize(25);
            Plan down = g.downgrade(up.toHeads(), "base");
            assertThat(down.steps()).hasSize(25);
            checkChain(g, down, seed);
            assertThat(down.toHeads()).isEmpty();
        }
    }

    private static void checkChain(RevisionGraph g, Plan plan, long seed) {
        Set<String> heads = plan.fromHeads();
        Set<String> applied = new HashSet<>(g.applied(heads));
        for (MigrationStep step : plan.steps()) {
            assertThat(step.headsBefore()).as("seed %d", seed).isEqualTo(heads);
            if (step.direction() == Direction.UPGRADE) {
                assertThat(applied).containsAll(step.revision().downRevisions()).containsAll(step.revision().dependsOn());
                applied.add(step.revision().id());
            } else {
                applied.remove(step.revision().id());
                for (String other : applied) {
                    assertThat(g.get(other).downRevisions()).doesNotContain(step.revision().id());
                    assertThat(g.get(other).dependsOn()).doesNotContain(step.revision().id());
                }
            }
            assertThat(g.applied(step.headsAfter())).as("seed %d after %s", seed, step.revision().id())
                    .isEqualTo(applied);
            assertThat(step.headsAfter()).as("no redundant row, seed %d", seed).isEqualTo(maximal(g, applied));
            heads = step.headsAfter();
        }
        assertThat(plan.toHeads()).isEqualTo(heads);
    }

    /** Independent of the implementation: a revision is maximal when no applied revision names it. */
    private static Set<String> maximal(RevisionGraph g, Set<String> applied) {
        Set<String> result = new HashSet<>(applied);
        for (String id : applied) {
            result.removeAll(g.get(id).downRevisions());
            result.removeAll(g.get(id).dependsOn());
        }
        return result;
    }
}

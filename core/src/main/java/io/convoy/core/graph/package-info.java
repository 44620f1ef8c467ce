/**
 * The revision graph, with Alembic's semantics ({@code alembic/script/revision.py} and the
 * HeadMaintainer of {@code alembic/runtime/migration.py}).
 *
 * <h2>Edges, heads, bases, labels</h2>
 * <ul>
 *   <li>{@code down_revision} edges make branches and merges. A <em>head</em> is a revision that is
 *       no revision's down_revision; a <em>base</em> has no down_revision (it may have depends_on).</li>
 *   <li>{@code depends_on} edges only order: the dependency is applied first, but a revision that is
 *       only depended on stays a head. Two branches joined only by depends_on are two heads, so
 *       {@code head} fails with MIG001 until they are merged. depends_on may name a revision id or a
 *       branch label (its declaring revision).</li>
 *   <li>A branch label names the revision that declares it. It applies to that revision, to all its
 *       descendants, and to the unbranched segment below it, whose lowest member is a base, a merge or
 *       the first revision after a branch point: see {@link io.convoy.core.graph.RevisionGraph#labelsOf}.</li>
 *   <li>Order: parents and dependencies first, ties broken by revision id (smallest first).</li>
 * </ul>
 *
 * <h2>The version table (MigrationStep headsBefore/headsAfter)</h2>
 * The version table holds the maximal applied revisions, where "applied" means a head plus all its
 * ancestors through down_revision <em>and</em> depends_on. Upgrading {@code r}: every
 * down_revision or dependency of {@code r} in the table is replaced by {@code r} (none: a new row,
 * one: an update, several: a merge deleting the extra rows). Downgrading {@code r}: its row goes, and
 * its down_revisions and dependencies come back unless a remaining row (or another returning one)
 * already implies them: a merge unmerges into several rows, a revision whose parent another branch
 * still covers just loses its row. Consequence, as in Alembic: once {@code x} that depends on
 * {@code d} is applied, the table holds {@code x}, not {@code d}, even though {@code d} is a head of
 * the graph; use {@link io.convoy.core.graph.RevisionGraph#applied} to ask what is applied.
 *
 * <h2>Identifiers</h2>
 * Full id; unique id prefix of any length (ambiguous: MIG011 listing the candidates); a branch label
 * (its declaring revision); {@code base} (nothing); {@code head} (the single head, MIG001 when
 * several); {@code heads}; {@code current} (the version table given); {@code X@head} / {@code X@heads}
 * (the head(s) reachable from X, X a label or revision); {@code X@base}; {@code X@rev} (rev, which
 * must share X's lineage); relative {@code [X@][sym](+|-)N}: from {@code sym} when given (read on
 * branch X), otherwise from the single current head (of branch X when given). Walking up follows
 * the single child (only children on branch X when given), walking down the single down_revision;
 * forks, merges, several current heads and walks past head or below base are MIG011.
 *
 * <h2>Plans</h2>
 * Upgrade: every ancestor (both edge kinds) of the target not yet applied, in topological order.
 * Downgrade to T: the applied descendants (both edge kinds) of T's children, children and
 * dependents first; T stays. {@code base}: everything. {@code -N}: N steps down from the single
 * current head, staying on that head's branch. {@code X@base}: the segment holding X (from the first
 * revision after the branch point, or the base). A target that is not applied: MIG011.
 */
package io.convoy.core.graph;

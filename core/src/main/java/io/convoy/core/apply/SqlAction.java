package io.convoy.core.apply;

import java.util.List;
import java.util.Set;

/**
 * One thing a migration does to the database, in order. {@link StepActions} builds the sequence
 * for a plan once; the online runner executes it and {@link OfflineRenderer} prints it, so the two
 * paths cannot drift apart. Actions that change the database carry their exact SQL; the guards
 * (expected heads, left-over invalid index, the migration lock) are checks that change nothing:
 * online they run as queries with a precise error, offline as a {@code DO} block that raises.
 */
public sealed interface SqlAction {

    /** Printed as an SQL comment offline; logged online. */
    record Comment(String text) implements SqlAction {}

    /** A session setting or version-table DDL, run as it is in autocommit. */
    record Setup(String sql) implements SqlAction {}

    /**
     * Take the migration lock. Online the Migrator already holds it on its connection
     * before any action runs; offline it is {@code pg_try_advisory_lock} in the psql session.
     */
    record TakeMigrationLock(long key, String versionSchema) implements SqlAction {}

    /** Opens the revision's transaction. */
    record Begin() implements SqlAction {}

    /** Commits the revision's transaction. */
    record Commit() implements SqlAction {}

    /** The version table must hold exactly {@code heads} (sorted) here, or the step stops with MIG004. */
    record ExpectHeads(Set<String> heads, String versionTable, String context) implements SqlAction {
        public ExpectHeads {
            heads = Set.copyOf(heads);
        }
    }

    /**
     * Before migration statement {@code statementIndex}: no INVALID index left over by an earlier
     * failed run of the same concurrent index build may exist (MIG014).
     */
    record InvalidIndexGuard(int statementIndex, ConcurrentIndexes.Target target) implements SqlAction {}

    /** Migration statement {@code index} (1-based) of {@code count}, exactly as written in the revision. */
    record Migration(int index, int count, String sql) implements SqlAction {}

    /**
     * A batched migration statement ({@link io.convoy.core.script.BatchDirective}): online {@link BatchRunner}
     * runs it in keyset batches; offline it is a {@code DO} block looping over the same batches, each committed
     * with its checkpoint row appended to {@code historyTable}.
     *
     * @param checkpoint the fixed values of the statement's checkpoint rows ({@link VersionTables.HistoryRow#checkpoint})
     */
    record Batched(Migration migration, VersionTables.HistoryRow checkpoint, String historyTable) implements SqlAction {}

    /** Non-transactional steps: the first {@code completed} statements are done (resume point). */
    record ProgressMark(int completed, BoundStatement statement) implements SqlAction {}

    /** Convoy's own rows: version update, history insert, progress clean-up. */
    record Bookkeeping(String purpose, List<BoundStatement> statements) implements SqlAction {
        public Bookkeeping {
            statements = List.copyOf(statements);
        }
    }
}

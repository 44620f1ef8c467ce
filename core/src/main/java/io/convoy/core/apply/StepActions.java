package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.BatchDirective;
import io.convoy.core.script.Revision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the action sequence of a plan: the preamble (session settings, migration lock, version
 * tables) and, for every step,
 * <pre>
 * transactional:      SET lock_timeout; SET statement_timeout; BEGIN; expect heads; statements;
 *                     version update; history row; COMMIT
 * non-transactional:  SET lock_timeout; SET statement_timeout; expect heads;
 *                     [invalid-index guard;] statement; progress mark  (for each statement)
 *                     BEGIN; version update; history row; progress clean-up; COMMIT
 * </pre>
 * A batched statement's checkpoints are history rows appended by each batch ({@link BatchCheckpoints}); the step's
 * applied row ends them, so the final transaction has nothing to clean up for them.
 */
public final class StepActions {
    private final ApplyOptions options;
    private final VersionTables tables;

    public StepActions(ApplyOptions options) {
        this.options = options;
        this.tables = new VersionTables(options.versionSchema());
    }

    public VersionTables tables() { return tables; }

    /** Checks a plan before anything runs: the steps chain from {@code fromHeads} to {@code toHeads}, and every downgrade has a downgrade section. */
    public static void validate(Plan plan) {
        Set<String> heads = plan.fromHeads();
        for (MigrationStep step : plan.steps()) {
            Revision r = step.revision();
            if (step.direction() == Direction.DOWNGRADE && !r.hasDowngrade()) {
                throw new ConvoyException(ErrorCode.MIG020, "revision " + r.id() + " (" + r.source()
                        + ") has no '-- convoy:downgrade' section, so it cannot be downgraded; nothing was applied."
                        + " Add a downgrade section (an empty one if nothing needs undoing) or choose a target above it");
            }
            if (!step.headsBefore().equals(heads)) {
                throw new ConvoyException(ErrorCode.MIG020, "inconsistent plan: step " + r.id() + " (" + step.direction().verb()
                        + ") starts from " + describe(step.headsBefore()) + " but the previous step ends at " + describe(heads));
            }
            heads = step.headsAfter();
        }
        if (!plan.steps().isEmpty() && !heads.equals(plan.toHeads())) {
            throw new ConvoyException(ErrorCode.MIG020, "inconsistent plan: the steps end at " + describe(heads)
                    + " but the plan says " + describe(plan.toHeads()));
        }
    }

    /** Session settings, migration lock and version-table DDL, once per run. */
    public List<SqlAction> preamble() {
        List<SqlAction> out = new ArrayList<>();
        out.add(new SqlAction.Setup("SET application_name = " + SqlLiterals.literal(options.applicationName())));
        out.add(new SqlAction.TakeMigrationLock(MigrationLock.keyFor(options.versionSchema()), options.versionSchema()));
        for (String ddl : tables.ddl()) {
            out.add(new SqlAction.Setup(ddl));
        }
        return out;
    }

    /**
     * The version-table DDL alone: what the preamble does online beyond what the Migrator's session already did
     * (application_name set, the migration lock held by the session).
     */
    public List<SqlAction> tablesDdl() {
        return tablesDdl(true);
    }

    /** {@link #tablesDdl()}; when {@code historyMayExist} is false, without upgrading an older history table. */
    public List<SqlAction> tablesDdl(boolean historyMayExist) {
        List<SqlAction> out = new ArrayList<>();
        for (String ddl : tables.ddl(historyMayExist)) {
            out.add(new SqlAction.Setup(ddl));
        }
        return out;
    }

    public static Duration lockTimeout(Revision r, ApplyOptions options) {
        return r.lockTimeout().orElse(options.lockTimeout());
    }

    public static Duration statementTimeout(Revision r, ApplyOptions options) {
        return r.statementTimeout().or(options::statementTimeout).orElse(Duration.ZERO);
    }

    /** The actions of one step. */
    public List<SqlAction> step(MigrationStep step) {
        Revision r = step.revision();
        List<String> statements = step.statements();
        int n = statements.size();
        List<SqlAction> out = new ArrayList<>();
        out.add(new SqlAction.Comment("revision " + r.id() + " (" + step.direction().verb() + "): " + oneLine(r.message())
                + " [" + r.source() + "]" + (r.transactional() ? "" : " -- non-transactional")));
        out.add(new SqlAction.Setup("SET lock_timeout = " + SqlLiterals.timeSetting(lockTimeout(r, options))));
        out.add(new SqlAction.Setup("SET statement_timeout = " + SqlLiterals.timeSetting(statementTimeout(r, options))));
        SqlAction expect = new SqlAction.ExpectHeads(step.headsBefore(), tables.versionTable(),
                "before " + step.direction().verb() + " of revision " + r.id());
        SqlAction.Bookkeeping version = new SqlAction.Bookkeeping("version",
                tables.versionUpdate(step.headsBefore(), step.headsAfter()));
        SqlAction.Bookkeeping history = new SqlAction.Bookkeeping("history",
                List.of(tables.historyInsert(VersionTables.HistoryRow.applied(step, options))));
        if (r.transactional() && BatchDirective.anyBatched(statements)) {
            throw new ConvoyException(ErrorCode.MIG010, "revision " + r.id() + " (" + r.source() + ") has a batched statement"
                    + " (-- convoy:batch:) but is transactional: each batch commits on its own, so the revision must be"
                    + " '-- convoy:transactional: false'");
        }
        if (r.transactional()) {
            out.add(new SqlAction.Begin());
            out.add(expect);
            for (int i = 0; i < n; i++) {
                out.add(new SqlAction.Migration(i + 1, n, statements.get(i)));
            }
            out.add(version);
            out.add(history);
            out.add(new SqlAction.Commit());
        } else {
            out.add(expect);
            for (int i = 0; i < n; i++) {
                String sql = statements.get(i);
                Optional<ConcurrentIndexes.Target> target = ConcurrentIndexes.of(sql);
                if (target.isPresent() && target.get().probe().isPresent()) {
                    out.add(new SqlAction.InvalidIndexGuard(i + 1, target.get()));
                }
                SqlAction.Migration migration = new SqlAction.Migration(i + 1, n, sql);
                out.add(BatchDirective.decode(sql).isEmpty() ? migration : new SqlAction.Batched(migration,
                        VersionTables.HistoryRow.checkpoint(step, options), tables.historyTable()));
                out.add(new SqlAction.ProgressMark(i + 1, tables.progressMark(step, i + 1)));
            }
            out.add(new SqlAction.Begin());
            out.add(version);
            out.add(history);
            out.add(new SqlAction.Bookkeeping("progress", List.of(tables.progressClear(step))));
            out.add(new SqlAction.Commit());
        }
        return out;
    }

    /** Preamble plus every step. */
    public List<SqlAction> plan(Plan plan) {
        validate(plan);
        List<SqlAction> out = new ArrayList<>(preamble());
        for (MigrationStep step : plan.steps()) {
            out.addAll(step(step));
        }
        return out;
    }

    /** A stamp: the version table holds exactly {@code heads} afterwards; one history row per head ({@code base} when none). */
    public List<SqlAction> stamp(Set<String> heads) {
        List<SqlAction> out = new ArrayList<>();
        out.add(new SqlAction.Comment("stamp " + describe(heads) + " (no migration SQL runs)"));
        out.add(new SqlAction.Begin());
        out.add(new SqlAction.Bookkeeping("version", tables.versionReplace(heads)));
        List<BoundStatement> rows = new ArrayList<>();
        for (String h : heads.isEmpty() ? Set.of(VersionTables.BASE) : new TreeSet<>(heads)) {
            rows.add(tables.historyInsert(VersionTables.HistoryRow.stamped(h, options)));
        }
        out.add(new SqlAction.Bookkeeping("history", rows));
        out.add(new SqlAction.Commit());
        return out;
    }

    static String describe(Set<String> heads) {
        return heads.isEmpty() ? "base (no revision)" : String.join(", ", new TreeSet<>(heads));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}

package io.convoy.core.apply;

import io.convoy.core.graph.Plan;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --sql}: renders exactly the SQL the online path runs for a plan (version-table DDL,
 * SET lock_timeout, BEGIN/COMMIT per transactional revision, version/history statements), ready
 * for {@code psql -v ON_ERROR_STOP=1}.
 *
 * <p>It prints the same {@link SqlAction} sequence that {@link Migrator#apply} executes. Bound
 * values become literals; history times become {@code now()} (start of the transaction) and
 * {@code clock_timestamp()}. The checks that online are Java queries (expected heads, left-over
 * invalid index, migration lock) are {@code DO} blocks that raise with the same error code, so a
 * script run against a database at another revision stops before changing anything. The output is
 * deterministic (no timestamps), so it can be reviewed and diffed.
 */
public final class OfflineRenderer {
    private static final String TAG = "$convoy$";

    private final ApplyOptions options;

    public OfflineRenderer(ApplyOptions options) {
        this.options = options;
    }

    public String render(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("-- Convoy offline SQL: ").append(plan.direction().verb()).append(" from ")
                .append(StepActions.describe(plan.fromHeads())).append(" to ").append(StepActions.describe(plan.toHeads()))
                .append('\n');
        sb.append("-- version schema: ").append(options.versionSchema())
                .append("; run with: psql -v ON_ERROR_STOP=1 -f <this file>\n");
        if (plan.isEmpty()) {
            StepActions.validate(plan);
            return sb.append("-- nothing to do\n").toString();
        }
        sb.append('\n');
        render(new StepActions(options).plan(plan), sb);
        return sb.toString();
    }

    /** Renders any action sequence (a plan's, a stamp's) as psql input. */
    public static String render(List<SqlAction> actions) {
        StringBuilder sb = new StringBuilder();
        render(actions, sb);
        return sb.toString();
    }

    private static void render(List<SqlAction> actions, StringBuilder sb) {
        for (SqlAction action : actions) {
            sb.append(render(action));
        }
    }

    static String render(SqlAction action) {
        if (action instanceof SqlAction.Comment c) {
            return "\n-- " + c.text().replaceAll("[\\r\\n]+", " ") + "\n";
        } else if (action instanceof SqlAction.Setup s) {
            return terminate(s.sql());
        } else if (action instanceof SqlAction.TakeMigrationLock l) {
            return doBlock("NOT pg_try_advisory_lock(" + l.key() + ")", "MIG012: another Convoy run holds the migration lock"
                    + " (advisory lock " + l.key() + " of version schema " + l.versionSchema() + "); wait for it to finish");
        } else if (action instanceof SqlAction.Begin) {
            return "BEGIN;\n";
        } else if (action instanceof SqlAction.Commit) {
            return "COMMIT;\n";
        } else if (action instanceof SqlAction.ExpectHeads e) {
            Set<String> sorted = new TreeSet<>(e.heads());
            String actual = "(SELECT coalesce(array_agg(version_num ORDER BY version_num COLLATE \"C\"), ARRAY[]::text[]) FROM "
                    + e.versionTable() + ")";
            return doBlock(actual + " IS DISTINCT FROM " + SqlLiterals.textArray(sorted),
                    "MIG004: the version table is not at " + StepActions.describe(sorted) + " " + e.context()
                            + "; nothing of this revision was applied");
        } else if (action instanceof SqlAction.InvalidIndexGuard g) {
            String name = g.target().indexName().orElse("the left-over *_ccnew index");
            return doBlock("EXISTS (" + g.target().probeQuery().orElseThrow() + ")",
                    "MIG014: an earlier " + g.target().statement() + " failed and left an INVALID index; run DROP INDEX CONCURRENTLY "
                            + name + " and run again");
        } else if (action instanceof SqlAction.Migration m) {
            return terminate(m.sql());
        } else if (action instanceof SqlAction.Batched b) {
            return BatchOfflineSql.render(b);
        } else if (action instanceof SqlAction.ProgressMark p) {
            return terminate(p.statement().toLiteralSql());
        } else if (action instanceof SqlAction.Bookkeeping b) {
            StringBuilder sb = new StringBuilder();
            for (BoundStatement s : b.statements()) {
                sb.append(terminate(s.toLiteralSql()));
            }
            return sb.toString();
        }
        throw new IllegalStateException("unknown action " + action);
    }

    /** Ends a statement with {@code ;}, on its own line when the last line holds a {@code --} comment. */
    static String terminate(String sql) {
        String s = sql.stripTrailing();
        int nl = s.lastIndexOf('\n');
        String lastLine = nl < 0 ? s : s.substring(nl + 1);
        return s + (lastLine.contains("--") ? "\n;\n" : ";\n");
    }

    private static String doBlock(String failCondition, String message) {
        return "DO " + TAG + "\nBEGIN\n    IF " + failCondition + " THEN\n        RAISE EXCEPTION " + SqlLiterals.raiseFormat(message)
                + ";\n    END IF;\nEND\n" + TAG + ";\n";
    }
}

package io.convoy.core.apply;

import io.convoy.core.graph.MigrationStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of Convoy's own tables in the version schema, written once and used by the online runner,
 * the offline renderer and the readers:
 * <ul>
 *   <li>{@code <schema>.version (version_num)}: one row per head, as Alembic's alembic_version;</li>
 *   <li>{@code <schema>.history}: append-only, one row per applied or failed step and per stamp;
 *       the checksum of the latest applied upgrade of a revision is what {@code check} compares. Batched
 *       statements also append one {@code checkpoint} row per committed batch (see {@link BatchCheckpoints}); the
 *       readers that mean "steps" ({@link #selectHistory()}, {@code check}, the executor) leave those out;</li>
 *   <li>{@code <schema>.progress}: statements completed by a non-transactional step that has not
 *       finished, so that a re-run resumes after them; the row is deleted when the step finishes.</li>
 * </ul>
 */
public final class VersionTables {
    public static final String UPGRADE = "upgrade";
    public static final String DOWNGRADE = "downgrade";
    public static final String STAMP = "stamp";
    public static final String APPLIED = "applied";
    public static final String FAILED = "failed";
    /** The outcome of a batched statement's per-batch row (last key done), written in the batch's transaction. */
    public static final String CHECKPOINT = "checkpoint";
    /** The columns a history table created before checkpoints lacks; {@link #historyUpgrade()} adds them. */
    static final List<String> CHECKPOINT_COLUMNS = List.of("statement_index integer", "last_key text", "keys_done bigint",
            "rows_done bigint", "batches integer", "statement_done boolean");
    /** The revision recorded in history when a stamp empties the version table (Alembic's "base"). */
    public static final String BASE = "base";

    private final String schema;
    private final String q;

    public VersionTables(String schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.q = SqlLiterals.identifier(schema);
    }

    public String schema() { return schema; }

    public String versionTable() { return q + ".version"; }

    public String historyTable() { return q + ".history"; }

    public String progressTable() { return q + ".progress"; }

    /**
     * The partial index of checkpoint rows, created last by the DDL: its presence says the history table has the
     * checkpoint columns and accepts the {@code checkpoint} outcome (see {@link #existsAllQuery()}).
     */
    public String checkpointIndex() { return q + ".history_checkpoint_idx"; }

    /**
     * Idempotent DDL creating the schema and the three tables, and bringing a history table created by an older
     * Convoy (no checkpoint columns, outcome limited to applied/failed) to the current shape.
     */
    public List<String> ddl() {
        return ddl(true);
    }

    /**
     * {@link #ddl()}, without the statements that bring an older history table to the current shape when
     * {@code historyMayExist} is false (the caller just saw it missing, under the migration lock): the table is then
     * created in the current shape, and the upgrade's no-op ALTER and DO block (which loads PL/pgSQL into the session)
     * would be work for nothing on every fresh database. The checkpoint index is created either way.
     */
    public List<String> ddl(boolean historyMayExist) {
        List<String> out = new ArrayList<>();
        out.add("CREATE SCHEMA IF NOT EXISTS " + q);
        out.add("CREATE TABLE IF NOT EXISTS " + versionTable() + " (\n"
                + "    version_num text PRIMARY KEY\n"
                + ")");
        out.add("CREATE TABLE IF NOT EXISTS " + historyTable() + " (\n"
                + "    id bigserial PRIMARY KEY,\n"
                + "    revision text NOT NULL,\n"
                + "    direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),\n"
                + "    outcome text NOT NULL CONSTRAINT history_outcome_check CHECK (outcome IN " + OUTCOMES + "),\n"
                + "    checksum text,\n"
                + "    started_at timestamptz NOT NULL,\n"
                + "    finished_at timestamptz NOT NULL,\n"
                + "    duration_ms bigint NOT NULL,\n"
                + "    applied_by text NOT NULL,\n"
                + "    host text NOT NULL,\n"
                + "    statement_count integer NOT NULL,\n"
                + "    plan_id text,\n"
                + "    command_id text,\n"
                + "    error_code text,\n"
                + "    sql_state text,\n"
                + "    error text,\n"
                + String.join(",\n", CHECKPOINT_COLUMNS.stream().map(c -> "    " + c).toList()) + "\n"
                + ")");
        List<String> upgrade = historyUpgrade();
        out.addAll(historyMayExist ? upgrade : upgrade.subList(upgrade.size() - 1, upgrade.size()));
        out.add("CREATE TABLE IF NOT EXISTS " + progressTable() + " (\n"
                + "    revision text NOT NULL,\n"
                + "    direction text NOT NULL,\n"
                + "    checksum text NOT NULL,\n"
                + "    completed_statements integer NOT NULL,\n"
                + "    updated_at timestamptz NOT NULL,\n"
                + "    PRIMARY KEY (revision, direction)\n"
                + ")");
        return List.copyOf(out);
    }

    private static final String OUTCOMES = "('applied', 'failed', 'checkpoint')";

    /**
     * Brings an existing history table to the current shape, idempotently (no-ops on a current one): the checkpoint
     * columns (nullable, no default: a catalog change, no rewrite), the outcome CHECK constraint replaced by one that
     * allows {@code checkpoint} (added NOT VALID, then validated: the old rows all pass), and last the partial index
     * of checkpoint rows that the resume lookup uses and whose presence {@link #existsAllQuery()} asks for.
     */
    List<String> historyUpgrade() {
        String h = historyTable();
        StringBuilder columns = new StringBuilder("ALTER TABLE " + h);
        for (int i = 0; i < CHECKPOINT_COLUMNS.size(); i++) {
            columns.append(i == 0 ? " " : ", ").append("ADD COLUMN IF NOT EXISTS ").append(CHECKPOINT_COLUMNS.get(i));
        }
        String check = "DO $convoy$\n"
                + "DECLARE\n"
                + "    c record;\n"
                + "BEGIN\n"
                + "    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + SqlLiterals.literal(h) + "::regclass\n"
                + "            AND contype = 'c' AND conname = 'history_outcome_check'\n"
                + "            AND pg_get_constraintdef(oid) LIKE '%''checkpoint''%') THEN\n"
                + "        FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = " + SqlLiterals.literal(h) + "::regclass\n"
                + "                AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%outcome%' LOOP\n"
                + "            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', " + SqlLiterals.literal(h) + ", c.conname);\n"
                + "        END LOOP;\n"
                + "        EXECUTE " + SqlLiterals.literal("ALTER TABLE " + h + " ADD CONSTRAINT history_outcome_check CHECK (outcome IN "
                        + OUTCOMES + ") NOT VALID") + ";\n"
                + "        EXECUTE " + SqlLiterals.literal("ALTER TABLE " + h + " VALIDATE CONSTRAINT history_outcome_check") + ";\n"
                + "    END IF;\n"
                + "END\n"
                + "$convoy$";
        String index = "CREATE INDEX IF NOT EXISTS history_checkpoint_idx ON " + h
                + " (revision, direction, statement_index, id) WHERE outcome = 'checkpoint'";
        return List.of(columns.toString(), check, index);
    }

    /** {@code SELECT to_regclass(...)}: non-null when the table exists (checked before reading, never creating). */
    public String existsQuery(String table) {
        return "SELECT to_regclass(" + SqlLiterals.literal(table) + ") IS NOT NULL";
    }

    /**
     * One query telling which of the version, history and progress tables exist, and whether the history table has
     * the current shape (its checkpoint index, created last by {@link #ddl()}, exists): four booleans, in that order.
     * One round trip instead of the idempotent DDL's statements when all four are true; a history table created by
     * an older Convoy reads false in the fourth and gets {@link #historyUpgrade()} once.
     */
    public String existsAllQuery() {
        return "SELECT to_regclass(" + SqlLiterals.literal(versionTable()) + ") IS NOT NULL, to_regclass("
                + SqlLiterals.literal(historyTable()) + ") IS NOT NULL, to_regclass(" + SqlLiterals.literal(progressTable())
                + ") IS NOT NULL, to_regclass(" + SqlLiterals.literal(checkpointIndex()) + ") IS NOT NULL";
    }

    /**
     * Whether the history table exists and whether it has the checkpoint columns (two booleans): for readers, which
     * never upgrade a table and must read an old-shape one too.
     */
    public String historyShapeQuery() {
        return "SELECT to_regclass(" + SqlLiterals.literal(historyTable()) + ") IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute"
                + " WHERE attrelid = to_regclass(" + SqlLiterals.literal(historyTable()) + ") AND attname = 'statement_done'"
                + " AND NOT attisdropped)";
    }

    public String selectHeads() {
        return "SELECT version_num FROM " + versionTable() + " ORDER BY version_num";
    }

    /** The step and stamp rows of history, oldest first: everything but the checkpoint rows of batched statements. */
    public String selectHistory() {
        return "SELECT id, revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by,"
                + " host, statement_count, plan_id, command_id, error_code, error FROM " + historyTable()
                + " WHERE outcome <> 'checkpoint' ORDER BY id";
    }

    /** Every row of history with the checkpoint columns, oldest first (a history table of the current shape only). */
    public String selectHistoryWithCheckpoints() {
        return "SELECT id, revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by,"
                + " host, statement_count, plan_id, command_id, error_code, error, statement_index, last_key, keys_done,"
                + " rows_done, batches, statement_done FROM " + historyTable() + " ORDER BY id";
    }

    public String selectProgress() {
        return "SELECT checksum, completed_statements FROM " + progressTable() + " WHERE revision = ? AND direction = ?";
    }

    /** Moves the version rows from {@code before} to {@code after}: deletes what goes, inserts what comes (sorted). */
    public List<BoundStatement> versionUpdate(Set<String> before, Set<String> after) {
        List<BoundStatement> out = new ArrayList<>();
        for (String gone : new TreeSet<>(before)) {
            if (!after.contains(gone)) {
                out.add(BoundStatement.of("DELETE FROM " + versionTable() + " WHERE version_num = ?", SqlValue.text(gone)));
            }
        }
        for (String added : new TreeSet<>(after)) {
            if (!before.contains(added)) {
                out.add(insertHead(added));
            }
        }
        return out;
    }

    /** Stamp: the version table holds exactly {@code heads} afterwards, whatever it held before. */
    public List<BoundStatement> versionReplace(Set<String> heads) {
        List<BoundStatement> out = new ArrayList<>();
        out.add(BoundStatement.of("DELETE FROM " + versionTable()));
        for (String h : new TreeSet<>(heads)) {
            out.add(insertHead(h));
        }
        return out;
    }

    private BoundStatement insertHead(String head) {
        return BoundStatement.of("INSERT INTO " + versionTable() + " (version_num) VALUES (?)", SqlValue.text(head));
    }

    /** The values of one history row; the times are {@link SqlValue.Time} or literal timestamps bound online. */
    public record HistoryRow(
            String revision,
            String direction,
            String outcome,
            Optional<String> checksum,
            int statementCount,
            String appliedBy,
            String host,
            Optional<String> planId,
            Optional<String> commandId,
            Optional<String> errorCode,
            Optional<String> sqlState,
            Optional<String> error) {

        public static HistoryRow applied(MigrationStep step, ApplyOptions options) {
            return new HistoryRow(step.revision().id(), step.direction().verb(), APPLIED,
                    Optional.of(step.revision().checksum()), step.statements().size(), options.appliedBy(),
                    options.host(), options.planId(), options.commandId(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        public static HistoryRow failed(MigrationStep step, ApplyOptions options, String errorCode, Optional<String> sqlState,
                String error) {
            return new HistoryRow(step.revision().id(), step.direction().verb(), FAILED,
                    Optional.of(step.revision().checksum()), step.statements().size(), options.appliedBy(),
                    options.host(), options.planId(), options.commandId(), Optional.of(errorCode), sqlState,
                    Optional.of(error));
        }

        /**
         * The fixed part of a batched statement's checkpoint rows (the batch's own values are bound per batch):
         * statement_count is the step's statement count, as in the step's other rows; statement_index says which.
         */
        public static HistoryRow checkpoint(MigrationStep step, ApplyOptions options) {
            return new HistoryRow(step.revision().id(), step.direction().verb(), CHECKPOINT,
                    Optional.of(step.revision().checksum()), step.statements().size(), options.appliedBy(),
                    options.host(), options.planId(), options.commandId(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        public static HistoryRow stamped(String revision, ApplyOptions options) {
            return new HistoryRow(revision, STAMP, APPLIED, Optional.empty(), 0, options.appliedBy(), options.host(),
                    options.planId(), options.commandId(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    public BoundStatement historyInsert(HistoryRow row) {
        return BoundStatement.of("INSERT INTO " + historyTable()
                        + " (revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by, host,"
                        + " statement_count, plan_id, command_id, error_code, sql_state, error)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                SqlValue.text(row.revision()), SqlValue.text(row.direction()), SqlValue.text(row.outcome()),
                SqlValue.of(row.checksum()), SqlValue.Time.STARTED_AT, SqlValue.Time.NOW, SqlValue.Time.ELAPSED_MS,
                SqlValue.text(row.appliedBy()), SqlValue.text(row.host()), new SqlValue.Int(row.statementCount()),
                SqlValue.of(row.planId()), SqlValue.of(row.commandId()), SqlValue.of(row.errorCode()),
                SqlValue.of(row.sqlState()), SqlValue.of(row.error()));
    }

    /** Records that the first {@code completed} statements of a non-transactional step are done. */
    public BoundStatement progressMark(MigrationStep step, int completed) {
        return BoundStatement.of("INSERT INTO " + progressTable()
                        + " (revision, direction, checksum, completed_statements, updated_at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (revision, direction) DO UPDATE SET checksum = excluded.checksum,"
                        + " completed_statements = excluded.completed_statements, updated_at = excluded.updated_at",
                SqlValue.text(step.revision().id()), SqlValue.text(step.direction().verb()),
                SqlValue.text(step.revision().checksum()), new SqlValue.Int(completed), SqlValue.Time.NOW);
    }

    public BoundStatement progressClear(MigrationStep step) {
        return BoundStatement.of("DELETE FROM " + progressTable() + " WHERE revision = ? AND direction = ?",
                SqlValue.text(step.revision().id()), SqlValue.text(step.direction().verb()));
    }
}

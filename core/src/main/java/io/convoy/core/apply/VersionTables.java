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
 *       the checksum of the latest applied upgrade of a revision is what {@code check} compares;</li>
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

    /** Idempotent DDL creating the schema and the three tables. */
    public List<String> ddl() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + q,
                "CREATE TABLE IF NOT EXISTS " + versionTable() + " (\n"
                        + "    version_num text PRIMARY KEY\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + historyTable() + " (\n"
                        + "    id bigserial PRIMARY KEY,\n"
                        + "    revision text NOT NULL,\n"
                        + "    direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),\n"
                        + "    outcome text NOT NULL CHECK (outcome IN ('applied', 'failed')),\n"
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
                        + "    error text\n"
                        + ")",
                "CREATE TABLE IF NOT EXISTS " + progressTable() + " (\n"
                        + "    revision text NOT NULL,\n"
                        + "    direction text NOT NULL,\n"
                        + "    checksum text NOT NULL,\n"
                        + "    completed_statements integer NOT NULL,\n"
                        + "    updated_at timestamptz NOT NULL,\n"
                        + "    PRIMARY KEY (revision, direction)\n"
                        + ")");
    }

    /** {@code SELECT to_regclass(...)}: non-null when the table exists (checked before reading, never creating). */
    public String existsQuery(String table) {
        return "SELECT to_regclass(" + SqlLiterals.literal(table) + ") IS NOT NULL";
    }

    /**
     * One query telling which of the version, history and progress tables exist (three booleans, in that
     * order): one round trip instead of the idempotent DDL's four when they all do.
     */
    public String existsAllQuery() {
        return "SELECT to_regclass(" + SqlLiterals.literal(versionTable()) + ") IS NOT NULL, to_regclass("
                + SqlLiterals.literal(historyTable()) + ") IS NOT NULL, to_regclass(" + SqlLiterals.literal(progressTable())
                + ") IS NOT NULL";
    }

    public String selectHeads() {
        return "SELECT version_num FROM " + versionTable() + " ORDER BY version_num";
    }

    public String selectHistory() {
        return "SELECT id, revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by,"
                + " host, statement_count, plan_id, command_id, error_code, error FROM " + historyTable() + " ORDER BY id";
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

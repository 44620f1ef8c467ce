package io.convoy.core.apply;

import java.util.Objects;

/**
 * The checkpoints of batched statements, kept in {@code <schema>.history} itself: every committed batch appends,
 * in its own transaction, one row with {@code outcome = 'checkpoint'} carrying
 * {@code statement_index, last_key, keys_done, rows_done, batches, statement_done} (the last batch of a statement
 * says {@code statement_done}), besides the usual revision, direction, checksum, times of the batch, applied_by,
 * host, plan and command ids; {@code statement_count} is the step's statement count, as in its other rows. History
 * stays append-only: nothing is updated or deleted, ever.
 *
 * <p>Resume point of statement {@code i} of a step: its latest checkpoint row with an id above the latest
 * {@code applied} row of the revision (any direction: an upgrade, a downgrade or a stamp of the revision ends
 * whatever attempt was under way). So a crashed, halted or failed attempt resumes after its last key, while a
 * downgrade followed by a new upgrade starts over. The lookup uses the partial index
 * {@code history_checkpoint_idx (revision, direction, statement_index, id) WHERE outcome = 'checkpoint'}.
 *
 * <p>Readers that mean steps leave checkpoint rows out ({@link VersionTables#selectHistory()}, {@code check}, the
 * executor's history queries).
 */
public final class BatchCheckpoints {
    private final String history;

    public BatchCheckpoints(VersionTables tables) {
        this(tables.historyTable());
    }

    /** @param historyTable the quoted history table, as {@link VersionTables#historyTable()} gives it */
    BatchCheckpoints(String historyTable) {
        this.history = Objects.requireNonNull(historyTable, "historyTable");
    }

    public String table() { return history; }

    /**
     * The resume point of one batched statement: {@code checksum, last_key, keys_done, rows_done, batches,
     * statement_done}, no row when the statement starts from scratch. Parameters: revision, direction,
     * statement_index, revision.
     */
    public String selectLatest() {
        return selectLatest("?", "?", "?");
    }

    /** {@link #selectLatest()} with the revision, direction and statement index as SQL expressions (offline: literals). */
    String selectLatest(String revision, String direction, String statementIndex) {
        String h = history;
        return "SELECT checksum, last_key, keys_done, rows_done, batches, statement_done FROM " + h
                + " WHERE outcome = 'checkpoint' AND revision = " + revision + " AND direction = " + direction
                + " AND statement_index = " + statementIndex + " AND id > coalesce((SELECT max(id) FROM " + h
                + " WHERE revision = " + revision + " AND outcome = 'applied'), 0) ORDER BY id DESC LIMIT 1";
    }

    /** The columns of a checkpoint row, in the order of {@link #insert()}'s parameters after {@code outcome}. */
    static final String COLUMNS = "revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by, host,"
            + " statement_count, plan_id, command_id, statement_index, last_key, keys_done, rows_done, batches, statement_done";

    /**
     * Appends one checkpoint row. Parameters: revision, direction, checksum, started_at, finished_at, duration_ms,
     * applied_by, host, statement_count, plan_id, command_id, statement_index, last_key, keys_done, rows_done, batches,
     * statement_done.
     */
    public String insert() {
        return "INSERT INTO " + history + " (" + COLUMNS + ") VALUES (?, ?, '" + VersionTables.CHECKPOINT
                + "', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /**
     * A literal statement appending a checkpoint that starts statement {@code index} over with the current file:
     * what to run, deliberately, when a partly run batched statement's file changed (MIG004).
     */
    public String restart(VersionTables.HistoryRow row, int index) {
        return "INSERT INTO " + history + " (" + COLUMNS + ") VALUES (" + SqlLiterals.literal(row.revision()) + ", "
                + SqlLiterals.literal(row.direction()) + ", '" + VersionTables.CHECKPOINT + "', "
                + SqlLiterals.literal(row.checksum().orElseThrow()) + ", now(), now(), 0, current_user, 'manual', "
                + row.statementCount() + ", NULL, NULL, " + index + ", NULL, 0, 0, 0, false)";
    }
}

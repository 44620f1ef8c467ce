package io.convoy.core.apply;

import io.convoy.core.graph.MigrationStep;
import java.util.List;
import java.util.Objects;

/**
 * The checkpoint table of batched statements, {@code <schema>.batch_checkpoint}, beside {@code history} and
 * {@code progress} in the version schema. One row per batched statement of an unfinished (or finished but not
 * yet recorded) step: the last key done, keys and rows done, batches. It is written in the same transaction
 * as each batch, so after a crash the row and the data agree; it is deleted in the step's final transaction,
 * together with the version and history rows.
 *
 * <p>Why not {@code history} itself: history holds one row per applied or failed step, and every reader of it
 * ({@code check}, the executor's redelivery decisions, {@code status}) relies on that.
 */
public final class BatchCheckpoints {
    private final String schema;
    private final String table;

    public BatchCheckpoints(String schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.table = SqlLiterals.identifier(schema) + ".batch_checkpoint";
    }

    public String table() { return table; }

    public List<String> ddl() {
        return List.of("CREATE SCHEMA IF NOT EXISTS " + SqlLiterals.identifier(schema),
                "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                        + "    revision text NOT NULL,\n"
                        + "    direction text NOT NULL,\n"
                        + "    statement_index integer NOT NULL,\n"
                        + "    checksum text NOT NULL,\n"
                        + "    last_key text,\n"
                        + "    keys_done bigint NOT NULL,\n"
                        + "    rows_done bigint NOT NULL,\n"
                        + "    batches integer NOT NULL,\n"
                        + "    finished boolean NOT NULL DEFAULT false,\n"
                        + "    updated_at timestamptz NOT NULL,\n"
                        + "    PRIMARY KEY (revision, direction, statement_index)\n"
                        + ")");
    }

    public String select() {
        return "SELECT checksum, last_key, keys_done, rows_done, batches, finished FROM " + table
                + " WHERE revision = ? AND direction = ? AND statement_index = ?";
    }

    /** Parameters: revision, direction, statement_index, checksum, last_key, keys_done, rows_done, batches, finished. */
    public String upsert() {
        return "INSERT INTO " + table + " (revision, direction, statement_index, checksum, last_key, keys_done, rows_done,"
                + " batches, finished, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())"
                + " ON CONFLICT (revision, direction, statement_index) DO UPDATE SET checksum = excluded.checksum,"
                + " last_key = excluded.last_key, keys_done = excluded.keys_done, rows_done = excluded.rows_done,"
                + " batches = excluded.batches, finished = excluded.finished, updated_at = excluded.updated_at";
    }

    /** Deletes the step's checkpoints (its final transaction). */
    public BoundStatement clear(MigrationStep step) {
        return BoundStatement.of("DELETE FROM " + table + " WHERE revision = ? AND direction = ?",
                SqlValue.text(step.revision().id()), SqlValue.text(step.direction().verb()));
    }
}

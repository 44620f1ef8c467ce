package io.convoy.core.apply;

import io.convoy.core.script.BatchDirective;

/**
 * The offline ({@code --sql}) form of a batched statement: one top-level {@code DO} block (PostgreSQL 11+ lets a
 * top-level DO block COMMIT) that walks the same keyset batches as {@link BatchRunner}, commits each batch with
 * its checkpoint row appended to history ({@link BatchCheckpoints}), resumes from the same checkpoint as an online
 * run (and refuses, MIG004, one written from a file with another checksum), and adapts the chunk toward target_ms. What it cannot
 * do, said in the comment it prints: it does not check replication lag (max_lag), cannot be paused by a halt,
 * reports progress only as NOTICEs, and a statement_timeout of the revision bounds the whole block, not one
 * batch. It must run in psql's autocommit mode (not inside BEGIN, not with {@code --single-transaction}).
 */
final class BatchOfflineSql {
    private static final String TAG = "$convoy_batch$";

    private BatchOfflineSql() {}

    static String render(SqlAction.Batched b) {
        BatchDirective.Batched batched = BatchDirective.decode(b.migration().sql()).orElseThrow();
        BatchDirective d = batched.directive();
        String key = d.key();
        String table = d.table();
        String template = batched.expandWith(c -> "(($1 IS NULL OR " + c + " > $1) AND " + c + " <= $2)");
        String where = " WHERE ($1 IS NULL OR " + key + " > $1)";
        VersionTables.HistoryRow row = b.checkpoint();
        String checksum = SqlLiterals.literal(row.checksum().orElseThrow());
        BatchCheckpoints checkpoints = new BatchCheckpoints(b.historyTable());
        StringBuilder sb = new StringBuilder();
        sb.append("-- batched statement ").append(b.migration().index()).append(" of ").append(b.migration().count())
                .append(": ").append(d.line().substring(RevisionParser_MARKER_LENGTH)).append('\n');
        sb.append("-- Offline it runs as one DO block: keyset batches on ").append(table).append('.').append(key)
                .append(", each committed with its checkpoint row in ").append(b.historyTable()).append(" (a re-run resumes")
                .append(" after the last key), chunk adapted toward ").append(d.target().toMillis()).append(" ms. Not offline:")
                .append(" the max_lag check, halts, progress events (NOTICEs instead); a statement_timeout bounds the whole")
                .append(" block. Run in autocommit (no BEGIN, no --single-transaction).\n");
        sb.append("DO ").append(TAG).append('\n');
        sb.append("DECLARE\n");
        sb.append("    v_last ").append(table).append('.').append(key).append("%TYPE;\n");
        sb.append("    v_upper ").append(table).append('.').append(key).append("%TYPE;\n");
        sb.append("    v_last_text text;\n");
        sb.append("    v_chunk integer := ").append(d.startRows()).append(";\n");
        sb.append("    v_keys bigint := 0;\n    v_rows bigint := 0;\n    v_n bigint;\n    v_done bigint;\n");
        sb.append("    v_batches integer := 0;\n    v_finished boolean := false;\n    v_t timestamptz;\n    v_ms double precision;\n");
        sb.append("    v_sum text;\n");
        sb.append("BEGIN\n");
        sb.append("    ").append(checkpoints.selectLatest(SqlLiterals.literal(row.revision()), SqlLiterals.literal(row.direction()),
                String.valueOf(b.migration().index())).replaceFirst(" FROM ", "\n        INTO v_sum, v_last_text, v_keys, v_rows,"
                + " v_batches, v_finished\n        FROM ")).append(";\n");
        sb.append("    IF v_sum IS DISTINCT FROM ").append(checksum).append(" AND v_sum IS NOT NULL THEN\n");
        sb.append("        RAISE EXCEPTION '%', ").append(SqlLiterals.literal("MIG004: revision " + row.revision() + ": batched statement "
                + b.migration().index() + " was partly run (up to key ")).append(" || coalesce(v_last_text, '-') || ")
                .append(SqlLiterals.literal(") from a file with checksum ")).append(" || v_sum || ").append(SqlLiterals.literal(
                        ", but this script has checksum " + row.checksum().orElseThrow() + ": resuming would run another script;"
                        + " restore the file, or append a fresh checkpoint to start over: "
                        + checkpoints.restart(row, b.migration().index()))).append(";\n");
        sb.append("    END IF;\n");
        sb.append("    v_keys := coalesce(v_keys, 0); v_rows := coalesce(v_rows, 0); v_batches := coalesce(v_batches, 0);\n");
        sb.append("    v_finished := coalesce(v_finished, false);\n");
        sb.append("    v_last := v_last_text;\n");
        sb.append("    WHILE NOT v_finished LOOP\n");
        sb.append("        v_t := clock_timestamp();\n");
        sb.append("        EXECUTE ").append(SqlLiterals.literal("SELECT " + key + " FROM " + table + where + " ORDER BY " + key
                + " OFFSET $2 LIMIT 1")).append(" INTO v_upper USING v_last, v_chunk - 1;\n");
        sb.append("        v_n := v_chunk;\n");
        sb.append("        IF v_upper IS NULL THEN\n");
        sb.append("            EXECUTE ").append(SqlLiterals.literal("SELECT (SELECT " + key + " FROM " + table + where + " ORDER BY "
                + key + " DESC LIMIT 1), (SELECT count(*) FROM " + table + where + ")")).append(" INTO v_upper, v_n USING v_last;\n");
        sb.append("            v_finished := true;\n");
        sb.append("        END IF;\n");
        sb.append("        IF v_upper IS NOT NULL THEN\n");
        sb.append("            EXECUTE ").append(SqlLiterals.literal(template)).append(" USING v_last, v_upper;\n");
        sb.append("            GET DIAGNOSTICS v_done = ROW_COUNT;\n");
        sb.append("            v_last := v_upper; v_keys := v_keys + v_n; v_rows := v_rows + v_done; v_batches := v_batches + 1;\n");
        sb.append("        END IF;\n");
        sb.append("        INSERT INTO ").append(b.historyTable()).append(" (").append(BatchCheckpoints.COLUMNS).append(")\n")
                .append("            VALUES (").append(SqlLiterals.literal(row.revision())).append(", ")
                .append(SqlLiterals.literal(row.direction())).append(", '").append(VersionTables.CHECKPOINT).append("', ")
                .append(checksum).append(", v_t, clock_timestamp(), (extract(epoch FROM clock_timestamp() - v_t) * 1000)::bigint, ")
                .append(SqlLiterals.literal(row.appliedBy())).append(", ").append(SqlLiterals.literal(row.host())).append(", ")
                .append(row.statementCount()).append(", ").append(literal(row.planId())).append(", ")
                .append(literal(row.commandId())).append(",\n                ").append(b.migration().index())
                .append(", v_last::text, v_keys, v_rows, v_batches, v_finished);\n");
        sb.append("        COMMIT;\n");
        sb.append("        v_ms := greatest(1, extract(epoch FROM clock_timestamp() - v_t) * 1000);\n");
        sb.append("        IF v_n >= v_chunk THEN\n");
        sb.append("            v_chunk := least(").append(d.maxRows()).append(", greatest(").append(d.minRows())
                .append(", round(v_chunk * least(2.0, greatest(0.25, ").append(Math.round(d.target().toMillis() * BatchPacer.AIM)).append(" / v_ms)))::integer));\n");
        sb.append("        END IF;\n");
        sb.append("        RAISE NOTICE 'convoy batch %: % keys, % rows done, last batch % ms, next chunk %', v_batches, v_keys,")
                .append(" v_rows, round(v_ms::numeric), v_chunk;\n");
        sb.append("    END LOOP;\n");
        sb.append("END\n").append(TAG).append(";\n");
        return sb.toString();
    }

    private static String literal(java.util.Optional<String> value) {
        return value.map(SqlLiterals::literal).orElse("NULL");
    }

    private static final int RevisionParser_MARKER_LENGTH = io.convoy.core.script.RevisionParser.MARKER.length();
}

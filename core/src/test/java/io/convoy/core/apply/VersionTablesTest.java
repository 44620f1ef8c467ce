package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL of history's checkpoint rows and of its upgrade, as text (BatchBackfillIT runs it on PostgreSQL). */
class VersionTablesTest {
    private final VersionTables tables = new VersionTables("convoy");
    private final BatchCheckpoints checkpoints = new BatchCheckpoints(tables);

    private static long placeholders(String sql) {
        return sql.chars().filter(c -> c == '?').count();
    }

    @Test
    void aNewHistoryTableHasTheCheckpointColumnsAndTheUpgradeFollowsItCreateIndexLast() {
        List<String> ddl = tables.ddl();
        String history = ddl.stream().filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS \"convoy\".history")).findFirst()
                .orElseThrow();
        assertThat(history).contains("CONSTRAINT history_outcome_check CHECK (outcome IN ('applied', 'failed', 'checkpoint'))");
        VersionTables.CHECKPOINT_COLUMNS.forEach(c -> assertThat(history).contains("    " + c));
        int create = ddl.indexOf(history);
        assertThat(ddl.subList(create + 1, create + 4)).isEqualTo(tables.historyUpgrade());
        assertThat(tables.historyUpgrade().get(0)).isEqualTo("ALTER TABLE \"convoy\".history ADD COLUMN IF NOT EXISTS"
                + " statement_index integer, ADD COLUMN IF NOT EXISTS last_key text, ADD COLUMN IF NOT EXISTS keys_done bigint,"
                + " ADD COLUMN IF NOT EXISTS rows_done bigint, ADD COLUMN IF NOT EXISTS batches integer,"
                + " ADD COLUMN IF NOT EXISTS statement_done boolean");
        assertThat(tables.historyUpgrade().get(2)).isEqualTo("CREATE INDEX IF NOT EXISTS history_checkpoint_idx ON"
                + " \"convoy\".history (revision, direction, statement_index, id) WHERE outcome = 'checkpoint'");
        // the fast path asks for the index the upgrade creates last
        assertThat(tables.checkpointIndex()).isEqualTo("\"convoy\".history_checkpoint_idx");
        assertThat(tables.existsAllQuery()).endsWith("to_regclass('\"convoy\".history_checkpoint_idx') IS NOT NULL");
    }

    @Test
    void whereNoHistoryTableExistsTheUpgradeOfAnOlderOneIsLeftOutButNotTheCheckpointIndex() {
        List<String> fresh = tables.ddl(false);
        List<String> upgrade = tables.historyUpgrade();
        assertThat(fresh).doesNotContain(upgrade.get(0), upgrade.get(1)).contains(upgrade.get(2));
        assertThat(tables.ddl()).isEqualTo(tables.ddl(true));
        List<String> withoutUpgrade = new java.util.ArrayList<>(tables.ddl());
        withoutUpgrade.removeAll(upgrade.subList(0, 2));
        assertThat(fresh).isEqualTo(withoutUpgrade);
    }

    @Test
    void stepReadersLeaveCheckpointRowsOut() {
        assertThat(tables.selectHistory()).contains("WHERE outcome <> 'checkpoint'").doesNotContain("last_key");
        assertThat(tables.selectHistoryWithCheckpoints()).doesNotContain("WHERE")
                .contains("statement_index, last_key, keys_done, rows_done, batches, statement_done");
    }

    @Test
    void theResumeLookupTakesTheLatestCheckpointAfterTheRevisionsLatestAppliedRow() {
        String sql = checkpoints.selectLatest();
        assertThat(placeholders(sql)).isEqualTo(4);
        assertThat(sql).isEqualTo("SELECT checksum, last_key, keys_done, rows_done, batches, statement_done FROM \"convoy\".history"
                + " WHERE outcome = 'checkpoint' AND revision = ? AND direction = ? AND statement_index = ?"
                + " AND id > coalesce((SELECT max(id) FROM \"convoy\".history WHERE revision = ? AND outcome = 'applied'), 0)"
                + " ORDER BY id DESC LIMIT 1");
        assertThat(checkpoints.selectLatest("'b1'", "'upgrade'", "2")).doesNotContain("?")
                .contains("revision = 'b1' AND direction = 'upgrade' AND statement_index = 2")
                .contains("WHERE revision = 'b1' AND outcome = 'applied'");
    }

    @Test
    void aCheckpointRowIsAnAppendOfEveryColumnWithOutcomeCheckpoint() {
        String sql = checkpoints.insert();
        long columns = BatchCheckpoints.COLUMNS.split(",").length;
        assertThat(columns).isEqualTo(18);
        assertThat(placeholders(sql)).isEqualTo(columns - 1);
        assertThat(sql).startsWith("INSERT INTO \"convoy\".history (revision, direction, outcome,")
                .contains("VALUES (?, ?, 'checkpoint', ?").doesNotContain("ON CONFLICT").doesNotContain("UPDATE");
    }

    @Test
    void theRestartStatementStartsTheStatementOverWithTheCurrentChecksum() {
        VersionTables.HistoryRow row = new VersionTables.HistoryRow("b'1", "upgrade", VersionTables.CHECKPOINT,
                java.util.Optional.of("abc"), 3, "ann", "h1", java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
        assertThat(checkpoints.restart(row, 2)).isEqualTo("INSERT INTO \"convoy\".history (" + BatchCheckpoints.COLUMNS
                + ") VALUES ('b''1', 'upgrade', 'checkpoint', 'abc', now(), now(), 0, current_user, 'manual', 3, NULL, NULL,"
                + " 2, NULL, 0, 0, 0, false)");
    }
}

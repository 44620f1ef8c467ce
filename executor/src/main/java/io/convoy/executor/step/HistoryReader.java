package io.convoy.executor.step;

import io.convoy.core.apply.VersionStore;
import io.convoy.core.apply.VersionTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads convoy.history for the executor's decisions. Never creates a table: a missing one reads as empty. The
 * per-batch {@code checkpoint} rows of batched statements are no step outcome: every query here leaves them out
 * (a backfill writes hundreds of them, which would crowd the plan's rows and the latest rows out).
 */
final class HistoryReader {
    /** Step and stamp rows only; works on a history table created before checkpoints too. */
    private static final String NOT_CHECKPOINT = "outcome <> 'checkpoint'";
    private static final String COLUMNS = "id, plan_id, command_id, revision, direction, outcome, checksum, duration_ms,"
            + " finished_at, applied_by, host, error_code, sql_state, error";

    private final VersionTables tables;

    HistoryReader(VersionTables tables) {
        this.tables = tables;
    }

    PlanHistory plan(Connection c, String planId) throws SQLException {
        return plan(c, planId, false);
    }

    /**
     * @param knownToExist the table was seen in this database before: read it without asking first (one round trip
     *                     less); if that fails, the caller asks again without the assumption
     */
    PlanHistory plan(Connection c, String planId, boolean knownToExist) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM " + tables.historyTable() + " WHERE plan_id = ? AND " + NOT_CHECKPOINT + " ORDER BY id";
        return new PlanHistory(planId, knownToExist ? read(c, sql, planId) : query(c, sql, planId));
    }

    boolean exists(Connection c) throws SQLException {
        return VersionStore.exists(c, tables.historyTable());
    }

    /** The latest applied upgrade of {@code revision}: its checksum is the script that is in the database. */
    Optional<HistoryRow> lastUpgrade(Connection c, String revision) throws SQLException {
        List<HistoryRow> rows = query(c, "SELECT " + COLUMNS + " FROM " + tables.historyTable()
                + " WHERE revision = ? AND direction = 'upgrade' AND outcome = 'applied' ORDER BY id DESC LIMIT 1", revision);
        return rows.stream().findFirst();
    }

    /** The latest rows, newest first (for the target state at start-up). */
    List<HistoryRow> latest(Connection c, int limit) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM " + tables.historyTable() + " WHERE " + NOT_CHECKPOINT
                + " ORDER BY id DESC LIMIT " + limit, null);
    }

    private List<HistoryRow> query(Connection c, String sql, String parameter) throws SQLException {
        if (!VersionStore.exists(c, tables.historyTable())) {
            return List.of();
        }
        return read(c, sql, parameter);
    }

    private List<HistoryRow> read(Connection c, String sql, String parameter) throws SQLException {
        List<HistoryRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
                    out.add(new HistoryRow(rs.getLong("id"), Optional.ofNullable(rs.getString("plan_id")),
                            Optional.ofNullable(rs.getString("command_id")), rs.getString("revision"),
                            rs.getString("direction"), rs.getString("outcome"), Optional.ofNullable(rs.getString("checksum")),
                            Duration.ofMillis(rs.getLong("duration_ms")), finished.toInstant(), rs.getString("applied_by"),
                            rs.getString("host"), Optional.ofNullable(rs.getString("error_code")),
                            Optional.ofNullable(rs.getString("sql_state")), Optional.ofNullable(rs.getString("error"))));
                }
            }
        }
        return out;
    }
}

package io.convoy.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads Convoy's tables. Never creates them: absent tables read as empty. */
public final class VersionStore {
    private VersionStore() {}

    public static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Which of Convoy's tables exist, and whether history has the current shape (checkpoint columns and index),
     * asked in one round trip.
     */
    record Present(boolean version, boolean history, boolean progress, boolean historyCurrent) {
        /** Nothing to create or upgrade. */
        boolean all() {
            return version && history && progress && historyCurrent;
        }
    }

    static Present present(Connection c, VersionTables tables) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(tables.existsAllQuery())) {
            rs.next();
            return new Present(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    /** The heads in the version table, sorted; empty when the table does not exist. */
    public static Set<String> heads(Connection c, VersionTables tables) throws SQLException {
        if (!exists(c, tables.versionTable())) {
            return Set.of();
        }
        return readHeads(c, tables.versionTable());
    }

    /** The rows of a version table known to exist, sorted. */
    static Set<String> readHeads(Connection c, String versionTable) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version_num FROM " + versionTable + " ORDER BY version_num COLLATE \"C\"")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The history's step and stamp rows (no checkpoint rows), oldest first; empty when the table does not exist. */
    public static List<HistoryEntry> history(Connection c, VersionTables tables) throws SQLException {
        return history(c, tables, false);
    }

    /**
     * The history, oldest first; empty when the table does not exist. With {@code checkpoints}, the checkpoint rows
     * of batched statements too (a table created before checkpoints has none, and is read as it is).
     */
    public static List<HistoryEntry> history(Connection c, VersionTables tables, boolean checkpoints) throws SQLException {
        boolean exists;
        boolean current;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(tables.historyShapeQuery())) {
            rs.next();
            exists = rs.getBoolean(1);
            current = rs.getBoolean(2);
        }
        if (!exists) {
            return List.of();
        }
        boolean withCheckpoints = checkpoints && current;
        List<HistoryEntry> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(withCheckpoints ? tables.selectHistoryWithCheckpoints() : tables.selectHistory())) {
            while (rs.next()) {
                Optional<HistoryEntry.Checkpoint> checkpoint = Optional.empty();
                if (withCheckpoints && VersionTables.CHECKPOINT.equals(rs.getString("outcome"))) {
                    checkpoint = Optional.of(new HistoryEntry.Checkpoint(rs.getInt("statement_index"),
                            Optional.ofNullable(rs.getString("last_key")), rs.getLong("keys_done"), rs.getLong("rows_done"),
                            rs.getInt("batches"), rs.getBoolean("statement_done")));
                }
                out.add(new HistoryEntry(rs.getLong("id"), rs.getString("revision"), rs.getString("direction"),
                        rs.getString("outcome"), rs.getString("checksum"), instant(rs, "started_at"),
                        instant(rs, "finished_at"), Duration.ofMillis(rs.getLong("duration_ms")), rs.getString("applied_by"),
                        rs.getString("host"), rs.getInt("statement_count"), Optional.ofNullable(rs.getString("plan_id")),
                        Optional.ofNullable(rs.getString("command_id")), Optional.ofNullable(rs.getString("error_code")),
                        Optional.ofNullable(rs.getString("error")), checkpoint));
            }
        }
        return out;
    }

    /** Progress of an unfinished non-transactional step, if any. */
    public record Progress(String checksum, int completedStatements) {}

    public static Optional<Progress> progress(Connection c, VersionTables tables, String revision, String direction)
            throws SQLException {
        if (!exists(c, tables.progressTable())) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(tables.selectProgress())) {
            ps.setString(1, revision);
            ps.setString(2, direction);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Progress(rs.getString(1), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.time.OffsetDateTime t = rs.getObject(column, java.time.OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}

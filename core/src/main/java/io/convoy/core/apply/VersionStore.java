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

    /** Which of Convoy's tables exist, asked in one round trip. */
    record Present(boolean version, boolean history, boolean progress) {
        boolean all() {
            return version && history && progress;
        }
    }

    static Present present(Connection c, VersionTables tables) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(tables.existsAllQuery())) {
            rs.next();
            return new Present(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3));
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

    /** The history, oldest first; empty when the table does not exist. */
    public static List<HistoryEntry> history(Connection c, VersionTables tables) throws SQLException {
        if (!exists(c, tables.historyTable())) {
            return List.of();
        }
        List<HistoryEntry> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(tables.selectHistory())) {
            while (rs.next()) {
                out.add(new HistoryEntry(rs.getLong("id"), rs.getString("revision"), rs.getString("direction"),
                        rs.getString("outcome"), rs.getString("checksum"), instant(rs, "started_at"),
                        instant(rs, "finished_at"), Duration.ofMillis(rs.getLong("duration_ms")), rs.getString("applied_by"),
                        rs.getString("host"), rs.getInt("statement_count"), Optional.ofNullable(rs.getString("plan_id")),
                        Optional.ofNullable(rs.getString("command_id")), Optional.ofNullable(rs.getString("error_code")),
                        Optional.ofNullable(rs.getString("error"))));
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

package io.convoy.monitor.probe;

import io.convoy.monitor.config.ClusterSpec;
import io.convoy.monitor.config.ClusterSpec.StandbySpec;
import io.convoy.monitor.probe.ReplicationReport.MissingStandby;
import io.convoy.monitor.probe.ReplicationReport.StandbyLag;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replication lag of a cluster's standbys, measured on its primary, robust when idle and when a standby stops
 * replying: the lag is 0 when the standby replayed all WAL, else the larger of {@code replay_lag} and the time since
 * its last reply ({@code replay_lag} alone is NULL when idle and stale when the standby stopped replying;
 * {@code now() - pg_last_xact_replay_timestamp()} on a standby reports false lag when idle). An expected standby absent
 * from {@code pg_stat_replication}, or whose slot is missing or inactive, is reported missing. Reads only statistics
 * views: takes no lock a migration or an application could wait on.
 */
public final class LagProbe implements AutoCloseable {
    static final String REPLICATION = "select r.application_name, r.state, r.replay_lsn is null as nothing_replayed,"
            + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn), 0)::bigint as lag_bytes,"
            + " case when r.replay_lsn is null or pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) <= 0 then 0"
            + "      else extract(epoch from greatest(coalesce(r.replay_lag, interval '0'), now() - coalesce(r.reply_time, now())))"
            + " end::float8 as lag_s"
            + " from pg_stat_replication r";
    static final String SLOTS = "select slot_name, active from pg_replication_slots where slot_type = 'physical'";

    private final ClusterSpec cluster;
    private final ProbeSession session;

    public LagProbe(ClusterSpec cluster, ProbeSession session) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.session = Objects.requireNonNull(session, "session");
    }

    /** One measurement; SQLException when the primary cannot be asked (the next call reconnects). */
    public ReplicationReport probe() throws SQLException {
        return session.run(this::probe);
    }

    private ReplicationReport probe(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            Instant at;
            try (ResultSet rs = s.executeQuery("select pg_is_in_recovery(), now()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    throw new SQLException("cluster " + cluster.id() + ": " + session.describe()
                            + " is in recovery (a standby), not the primary: replication lag is measured on the primary", "55000");
                }
                at = rs.getTimestamp(2).toInstant();
            }
            Map<String, Row> rows = new HashMap<>();
            List<String> unexpected = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(REPLICATION)) {
                while (rs.next()) {
                    Row row = new Row(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getDouble(5));
                    // several senders with one name (e.g. a base backup beside the stream): the streaming one, the worst lag
                    rows.merge(row.name, row, (a, b) -> a.preferOver(b) ? a : b);
                }
            }
            Map<String, Boolean> slots = new LinkedHashMap<>();
            if (cluster.standbys().stream().anyMatch(st -> st.slot().isPresent())) {
                try (ResultSet rs = s.executeQuery(SLOTS)) {
                    while (rs.next()) {
                        slots.put(rs.getString(1), rs.getBoolean(2));
                    }
                }
            }
            List<StandbyLag> lags = new ArrayList<>();
            List<MissingStandby> missing = new ArrayList<>();
            for (StandbySpec st : cluster.standbys()) {
                Row row = rows.remove(st.name());
                String slotProblem = st.slot().map(slot -> !slots.containsKey(slot) ? "replication slot " + slot + " does not exist"
                        : !slots.get(slot) ? "replication slot " + slot + " is inactive" : null).orElse(null);
                if (row == null) {
                    missing.add(new MissingStandby(st.name(), "not in pg_stat_replication"
                            + (slotProblem == null ? "" : "; " + slotProblem)));
                } else if (row.nothingReplayed) {
                    missing.add(new MissingStandby(st.name(), "connected (" + row.state + ") but has replayed nothing yet"));
                } else if (slotProblem != null) {
                    missing.add(new MissingStandby(st.name(), slotProblem));
                } else {
                    lags.add(new StandbyLag(st.name(), row.state, Math.max(0, row.lagBytes), Math.max(0, row.lagSeconds)));
                }
            }
            unexpected.addAll(rows.keySet().stream().sorted().toList());
            return new ReplicationReport(cluster.id(), lags, missing, unexpected, at);
        }
    }

    private record Row(String name, String state, boolean nothingReplayed, long lagBytes, double lagSeconds) {
        boolean preferOver(Row other) {
            if (nothingReplayed != other.nothingReplayed) {
                return !nothingReplayed; // a streaming one is the standby itself; the other is a side connection
            }
            return lagSeconds > other.lagSeconds || (lagSeconds == other.lagSeconds && lagBytes >= other.lagBytes);
        }
    }

    @Override
    public void close() {
        session.close();
    }
}

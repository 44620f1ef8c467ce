package io.convoy.monitor.probe;

import io.convoy.monitor.probe.LockWait.Blocker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lock waits involving migrations on one cluster (all its databases), measured on its primary: sessions waiting for
 * locks held (or queued for) by a migration session, and migration sessions waiting for others. Wait time comes
 * from {@code pg_locks.waitstart}, the blockers from {@code pg_blocking_pids}. Reads only statistics views and calls
 * {@code pg_blocking_pids} for waiting sessions only; takes no lock anyone could wait on.
 */
public final class LockProbe implements AutoCloseable {
    static final String QUERY = "with waiting as ("
            + "  select distinct on (l.pid) l.pid, l.locktype, l.mode, l.relation, l.database, coalesce(l.waitstart, now()) as waitstart"
            + "  from pg_locks l where not l.granted order by l.pid, l.waitstart nulls last"
            + "), blocked as ("
            + "  select w.*, pg_blocking_pids(w.pid) as blockers from waiting w"
            + ")"
            + " select bl.pid, a.application_name, a.datname, a.query, extract(epoch from now() - bl.waitstart)::float8,"
            + "  bl.locktype, bl.mode,"
            + "  case when bl.relation is null then null"
            + "       when bl.database = (select oid from pg_database where datname = current_database()) then bl.relation::regclass::text"
            + "       else bl.relation::text end,"
            + "  b.pid, b.application_name, b.state, b.query, coalesce(extract(epoch from now() - b.xact_start), 0)::float8"
            + " from blocked bl"
            + " join pg_stat_activity a on a.pid = bl.pid"
            + " join pg_stat_activity b on b.pid = any (bl.blockers)"
            + " where a.application_name like 'convoy-executor/%'"
            + "    or exists (select 1 from pg_stat_activity x where x.pid = any (bl.blockers) and x.application_name like 'convoy-executor/%')"
            + " order by bl.pid, b.pid";

    private final ProbeSession session;

    public LockProbe(ProbeSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** The current lock waits involving a migration; SQLException when the primary cannot be asked. */
    public List<LockWait> probe() throws SQLException {
        return session.run(LockProbe::probe);
    }

    private static List<LockWait> probe(Connection c) throws SQLException {
        Map<Integer, Head> waits = new LinkedHashMap<>();
        Map<Integer, List<Blocker>> blockers = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            while (rs.next()) {
                int pid = rs.getInt(1);
                if (!waits.containsKey(pid)) {
                    waits.put(pid, new Head(rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
                blockers.computeIfAbsent(pid, p -> new ArrayList<>()).add(new Blocker(rs.getInt(9), rs.getString(10),
                        rs.getString(11), rs.getString(12), rs.getDouble(13)));
            }
        }
        List<LockWait> out = new ArrayList<>();
        waits.forEach((pid, w) -> out.add(new LockWait(pid, w.application(), w.database(), w.query(), w.lockType(),
                w.mode(), w.relation(), w.waitSeconds(), blockers.get(pid))));
        return out;
    }

    private record Head(String application, String database, String query, double waitSeconds, String lockType, String mode,
                        String relation) {}

    @Override
    public void close() {
        session.close();
    }
}

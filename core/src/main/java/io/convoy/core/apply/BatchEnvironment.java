package io.convoy.core.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;

/**
 * What a batched statement needs besides its connection: how to wait, how often to look at replication lag
 * while it is over max_lag, and how to measure it.
 *
 * @param sleeper  waits between lag checks ({@link BatchSleeper#SYSTEM} in production)
 * @param lagPoll  time between two lag checks while the lag is over max_lag
 * @param lag      measures the replication lag of the server the work connection is on
 */
public record BatchEnvironment(BatchSleeper sleeper, Duration lagPoll, LagProbe lag) {
    public static final BatchEnvironment DEFAULT = new BatchEnvironment(BatchSleeper.SYSTEM, Duration.ofSeconds(1),
            LagProbe.PG_STAT_REPLICATION);

    public BatchEnvironment {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(lagPoll, "lagPoll");
        Objects.requireNonNull(lag, "lag");
    }

    public BatchEnvironment withSleeper(BatchSleeper s) {
        return new BatchEnvironment(s, lagPoll, lag);
    }

    public BatchEnvironment withLag(LagProbe l) {
        return new BatchEnvironment(sleeper, lagPoll, l);
    }

    /** The worst replication lag seen from a server. */
    @FunctionalInterface
    public interface LagProbe {
        /**
         * The largest replay lag over the standbys in {@code pg_stat_replication} (zero when they have replayed all
         * WAL, or when there is none): {@code greatest(replay_lag, now() - reply_time)}, robust when idle and when a
         * standby stops replying.
         */
        LagProbe PG_STAT_REPLICATION = c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT coalesce(max(CASE WHEN pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) = 0 THEN 0"
                            + " ELSE extract(epoch FROM greatest(coalesce(r.replay_lag, interval '0'), now() - r.reply_time))"
                            + " END), 0) FROM pg_stat_replication r")) {
                rs.next();
                return Duration.ofNanos(Math.round(rs.getDouble(1) * 1e9));
            }
        };

        Duration measure(Connection connection) throws SQLException;
    }
}

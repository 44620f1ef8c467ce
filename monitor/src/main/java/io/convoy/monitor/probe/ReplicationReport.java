package io.convoy.monitor.probe;

import java.time.Instant;
import java.util.List;

/**
 * What the lag probe saw on one cluster's primary.
 *
 * @param standbys   the expected standbys that are streaming, with their lag
 * @param missing    the expected standbys that are not (absent from pg_stat_replication, nothing replayed yet, or
 *                   their slot missing or inactive)
 * @param unexpected application names in pg_stat_replication that are not expected (reported, not alerted)
 * @param at         when the primary answered (its clock)
 */
public record ReplicationReport(String clusterId, List<StandbyLag> standbys, List<MissingStandby> missing,
                                List<String> unexpected, Instant at) {
    public ReplicationReport {
        standbys = List.copyOf(standbys);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
    }

    /**
     * An expected standby that streams.
     *
     * @param lagBytes   WAL the standby has not replayed yet
     * @param lagSeconds 0 when it replayed everything, else the larger of replay_lag and the time since its last
     *                   reply (so a standby that stopped replying shows a growing lag)
     * @param state      its pg_stat_replication state (streaming, catchup...)
     */
    public record StandbyLag(String name, String state, long lagBytes, double lagSeconds) {}

    /** An expected standby that does not stream, and why. */
    public record MissingStandby(String name, String reason) {}
}

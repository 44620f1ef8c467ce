package io.convoy.monitor;

import io.convoy.core.util.Secrets;
import io.convoy.monitor.alert.AlertEngine;
import io.convoy.monitor.alert.AlertKind;
import io.convoy.monitor.alert.Observation;
import io.convoy.monitor.config.ClusterSpec;
import io.convoy.monitor.metrics.MonitorMetrics;
import io.convoy.monitor.probe.LagProbe;
import io.convoy.monitor.probe.LockProbe;
import io.convoy.monitor.probe.LockWait;
import io.convoy.monitor.probe.LockWait.MigrationSession;
import io.convoy.monitor.probe.ReplicationReport;
import io.convoy.schemas.avro.AlertScopeType;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of probes of one cluster: lag and lock probes on its primary, their reports turned into observations for
 * the {@link AlertEngine} and into metrics. A probe that fails (cluster unreachable, timeout) feeds nothing: the open
 * episodes keep their state until the cluster answers again. Runs on one thread at a time.
 */
final class ClusterWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    private static final int TEXT_LIMIT = 300;

    private final ClusterSpec cluster;
    private final LagProbe lagProbe;
    private final LockProbe lockProbe;
    private final AlertEngine engine;
    private final MonitorMetrics metrics;
    private final Clock clock;
    private final Map<String, Instant> lastSeen = new HashMap<>();
    private volatile String status = "not probed yet";

    ClusterWatch(ClusterSpec cluster, LagProbe lagProbe, LockProbe lockProbe, AlertEngine engine, MonitorMetrics metrics, Clock clock) {
        this.cluster = cluster;
        this.lagProbe = lagProbe;
        this.lockProbe = lockProbe;
        this.engine = engine;
        this.metrics = metrics;
        this.clock = clock;
    }

    String id() {
        return cluster.id();
    }

    /** "ok" or the last failure, for /health. */
    String status() {
        return status;
    }

    /** One round; never throws (a scheduled task that throws is never run again). */
    void round() {
        List<String> failures = new ArrayList<>();
        try {
            lag(lagProbe.probe());
            metrics.probeResult(cluster.id(), "lag", true);
        } catch (SQLException | RuntimeException e) {
            failures.add("lag probe: " + describe(e));
            metrics.probeResult(cluster.id(), "lag", false);
        }
        try {
            locks(lockProbe.probe());
            metrics.probeResult(cluster.id(), "lock", true);
        } catch (SQLException | RuntimeException e) {
            failures.add("lock probe: " + describe(e));
            metrics.probeResult(cluster.id(), "lock", false);
        }
        try {
            engine.tick(cluster.id());
        } catch (RuntimeException e) {
            failures.add("halt policy: " + describe(e));
        }
        String now = failures.isEmpty() ? "ok" : String.join("; ", failures);
        if (!now.equals(status)) {
            if (failures.isEmpty()) {
                LOG.info("cluster {}: probes ok", cluster.id());
            } else {
                LOG.warn("cluster {}: {}", cluster.id(), now);
            }
        }
        status = now;
    }

    private void lag(ReplicationReport report) {
        Instant now = clock.instant();
        List<Observation> lags = new ArrayList<>();
        for (ReplicationReport.StandbyLag s : report.standbys()) {
            lastSeen.put(s.name(), now);
            metrics.standbyLag(cluster.id(), s.name(), s.lagBytes(), s.lagSeconds());
            lags.add(new Observation(AlertScopeType.STANDBY, cluster.id() + "/" + s.name(), cluster.id(),
                    "standby " + s.name() + " on cluster " + cluster.id(), s.lagSeconds(),
                    Map.of("standby", s.name(), "lag_bytes", Long.toString(s.lagBytes()), "state", s.state())));
        }
        List<Observation> missing = new ArrayList<>();
        for (ReplicationReport.MissingStandby m : report.missing()) {
            Instant seen = lastSeen.computeIfAbsent(m.name(), n -> now);
            metrics.standbyMissing(cluster.id(), m.name());
            double seconds = Duration.between(seen, now).toMillis() / 1000.0;
            missing.add(new Observation(AlertScopeType.STANDBY, cluster.id() + "/" + m.name(), cluster.id(),
                    "standby " + m.name() + " on cluster " + cluster.id(), seconds,
                    Map.of("standby", m.name(), "reason", m.reason(), "last_seen_at", seen.toString())));
        }
        // A missing standby's lag is unknown, not 0: its lag episode stays as it is until it streams again.
        Set<String> unknown = missing.stream().map(Observation::scopeKey).collect(Collectors.toSet());
        engine.observeAll(AlertKind.REPLICATION_LAG, cluster.id(), lags, unknown);
        engine.observeAll(AlertKind.STANDBY_MISSING, cluster.id(), missing, Set.of());
        if (!report.unexpected().isEmpty()) {
            LOG.debug("cluster {}: unexpected senders in pg_stat_replication: {}", cluster.id(), report.unexpected());
        }
    }

    private void locks(List<LockWait> waits) {
        Map<String, Observation> worst = new LinkedHashMap<>();
        double max = 0;
        for (LockWait w : waits) {
            max = Math.max(max, w.waitSeconds());
            List<MigrationSession> migrations = new ArrayList<>();
            w.waitingMigration().ifPresent(migrations::add);
            migrations.addAll(w.blockingMigrations());
            boolean migrationWaits = w.waitingMigration().isPresent();
            for (MigrationSession m : migrations.stream().distinct().toList()) {
                Observation o = lockObservation(w, m, migrationWaits);
                worst.merge(o.scopeKey(), o, (a, b) -> a.value() >= b.value() ? a : b);
            }
        }
        metrics.lockWaits(cluster.id(), waits.size(), max);
        engine.observeAll(AlertKind.LOCK_WAIT, cluster.id(), worst.values(), Set.of());
    }

    private Observation lockObservation(LockWait w, MigrationSession m, boolean migrationWaits) {
        boolean known = !m.targetId().isEmpty();
        AlertScopeType type = known ? AlertScopeType.TARGET : AlertScopeType.CLUSTER;
        String scopeId = known ? m.targetId() : cluster.id();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("direction", migrationWaits ? "migration waits for other sessions" : "sessions wait for the migration");
        details.put("plan_id", m.planId());
        details.put("waiting_pid", Integer.toString(w.pid()));
        details.put("waiting_application", String.valueOf(w.applicationName()));
        details.put("waiting_query", text(w.query()));
        details.put("database", String.valueOf(w.database()));
        details.put("lock", w.lockType() + " " + w.mode() + (w.relation() == null ? "" : " on " + w.relation()));
        details.put("blocking_pids", w.blockers().stream().map(b -> Integer.toString(b.pid())).collect(Collectors.joining(",")));
        details.put("blocker_queries", w.blockers().stream()
                .map(b -> b.pid() + " (" + b.applicationName() + ", " + b.state() + ", in transaction "
                        + String.format(Locale.ROOT, "%.1f s", b.transactionSeconds()) + "): " + text(b.query()))
                .collect(Collectors.joining(" | ")));
        String subject = (known ? "target " + m.targetId() : "a migration") + " on cluster " + cluster.id()
                + " (" + (migrationWaits ? "the migration waits for pid(s) " + details.get("blocking_pids")
                : "pid " + w.pid() + " waits for the migration") + ")";
        return new Observation(type, scopeId, cluster.id(), subject, w.waitSeconds(), details);
    }

    private static String text(String query) {
        if (query == null) {
            return "";
        }
        String q = Secrets.mask(query.replaceAll("\\s+", " ").strip());
        return q.length() > TEXT_LIMIT ? q.substring(0, TEXT_LIMIT - 3) + "..." : q;
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Secrets.mask(message.lines().findFirst().orElse(message));
    }

    @Override
    public void close() {
        lagProbe.close();
        lockProbe.close();
    }
}

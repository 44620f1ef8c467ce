package io.convoy.monitor.alert;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.control.HaltState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the monitor halts and resumes a cluster ({@code cluster:<id>} on convoy.control, origin MONITOR):
 * <ul>
 *   <li>HALT when a lag or lock alert of the cluster goes CRITICAL while no other one holds the cluster halted;
 *   not when an operator's halt is in force on the scope already (overwriting it would let the monitor lift it).</li>
 *   <li>RESUME when the last of those alerts is RESOLVED (a CRITICAL that stepped down to WARNING still holds the
 *   halt), unless an operator's HALT or PANIC is in force on the scope: only an operator lifts that. No RESUME when
 *   the scope is free and this process wrote no HALT for it (e.g. an operator resumed an inherited halt); a RESUME
 *   of a scope an operator already freed is harmless.</li>
 *   <li>A monitor halt found in force at start-up (from an earlier run) is inherited: lifted once the cluster had no
 *   open lag or lock episode for the hold-down.</li>
 * </ul>
 * The halts in force come from the {@link HaltState} the control feed keeps. Thread-safe.
 */
public final class HaltPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(HaltPolicy.class);
    private static final String INHERITED = "(inherited)";

    private final String actor;
    private final HaltState state;
    private final Clock clock;
    private final Duration holdDown;
    /** Cluster id → ids of the alerts holding it halted. */
    private final Map<String, Set<String>> reasons = new HashMap<>();
    /** Clusters this process wrote a HALT for that it has not resumed. */
    private final Set<String> issued = new HashSet<>();
    /** Cluster id → since when it is quiet (null: not quiet), for inherited halts. */
    private final Map<String, Instant> inheritedQuietSince = new HashMap<>();

    public HaltPolicy(String actor, HaltState state, Clock clock, Duration holdDown) {
        this.actor = Objects.requireNonNull(actor, "actor");
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.holdDown = Objects.requireNonNull(holdDown, "holdDown");
    }

    /** The control record an alert calls for, if any. */
    public synchronized Optional<ControlRecord> onAlert(AlertKind kind, Alert alert) {
        String cluster = alert.getClusterId();
        if (!kind.haltsCluster() || cluster == null) {
            return Optional.empty();
        }
        String scope = ControlScope.cluster(cluster).key();
        Set<String> held = reasons.computeIfAbsent(cluster, c -> new LinkedHashSet<>());
        switch (alert.getSeverity()) {
            case CRITICAL -> {
                boolean first = held.isEmpty();
                held.add(alert.getAlertId());
                if (!first) {
                    return Optional.empty();
                }
                if (state.operatorHaltInForce(scope)) {
                    LOG.info("{}: an operator halt is in force already; not writing a monitor HALT for {}", scope, alert.getAlertId());
                    return Optional.empty();
                }
                issued.add(cluster);
                return Optional.of(record(scope, ControlAction.HALT, alert.getMessage(), alert.getAlertId()));
            }
            case RESOLVED -> {
                if (!held.remove(alert.getAlertId()) || !held.isEmpty()) {
                    return Optional.empty();
                }
                reasons.remove(cluster);
                return resume(cluster, scope, alert.getMessage(), alert.getAlertId());
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Takes over a monitor halt of {@code clusterId} found in force at start-up. */
    public synchronized void inherit(String clusterId) {
        reasons.computeIfAbsent(clusterId, c -> new LinkedHashSet<>()).add(INHERITED);
        inheritedQuietSince.put(clusterId, null);
        issued.add(clusterId);
        LOG.info("cluster:{} is halted by an earlier monitor run: resuming it once it stays quiet for {}", clusterId, holdDown);
    }

    /**
     * Called after each probe round of a cluster: lifts an inherited halt once the cluster was {@code quiet} (no open
     * lag or lock episode) for the hold-down.
     */
    public synchronized Optional<ControlRecord> tick(String clusterId, boolean quiet) {
        if (!inheritedQuietSince.containsKey(clusterId)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!quiet) {
            inheritedQuietSince.put(clusterId, null);
            return Optional.empty();
        }
        Instant since = inheritedQuietSince.get(clusterId);
        if (since == null) {
            inheritedQuietSince.put(clusterId, now);
            since = now;
        }
        if (Duration.between(since, now).compareTo(holdDown) < 0) {
            return Optional.empty();
        }
        inheritedQuietSince.remove(clusterId);
        Set<String> held = reasons.getOrDefault(clusterId, new LinkedHashSet<>());
        held.remove(INHERITED);
        if (!held.isEmpty()) {
            return Optional.empty();
        }
        reasons.remove(clusterId);
        return resume(clusterId, ControlScope.cluster(clusterId).key(),
                "no lag or lock alert on cluster " + clusterId + " for " + holdDown.toSeconds() + " s after the monitor restarted", null);
    }

    private Optional<ControlRecord> resume(String cluster, String scope, String reason, String alertId) {
        boolean mine = issued.remove(cluster);
        Optional<HaltState.Halt> inForce = state.inForce(scope);
        if (inForce.map(HaltState.Halt::byOperator).orElse(false)) {
            LOG.info("{}: not resuming ({}): an operator halt is in force, only an operator lifts it", scope, reason);
            return Optional.empty();
        }
        if (inForce.isEmpty() && !mine) {
            return Optional.empty();
        }
        return Optional.of(record(scope, ControlAction.RESUME, reason, alertId));
    }

    private ControlRecord record(String scope, ControlAction action, String reason, String alertId) {
        return ControlRecord.newBuilder()
                .setScope(scope)
                .setAction(action)
                .setOrigin(ControlOrigin.MONITOR)
                .setActor(actor)
                .setReason(reason)
                .setAlertId(alertId)
                .setIssuedAt(clock.instant())
                .build();
    }

    /** The clusters the monitor holds halted, with the alerts holding them. */
    public synchronized Map<String, Set<String>> held() {
        Map<String, Set<String>> out = new HashMap<>();
        reasons.forEach((c, r) -> {
            if (!r.isEmpty()) {
                out.put(c, Set.copyOf(r));
            }
        });
        return out;
    }
}

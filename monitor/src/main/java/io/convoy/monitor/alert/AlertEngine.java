package io.convoy.monitor.alert;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertSeverity;
import io.convoy.schemas.avro.ControlRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns observations into alerts: one {@link AlertStateMachine} per (kind, scope), an {@link Alert} per state change,
 * and through the {@link HaltPolicy} the control records of CRITICAL and RESOLVED lag and lock alerts. Probes report
 * complete snapshots ({@link #observeAll}): a scope with an open episode that is no longer reported is observed as 0,
 * so that it resolves after the hold-down. Thread-safe.
 */
public final class AlertEngine {

    /** Where alerts and control records go (e.g. Kafka producers). Called under the engine's lock: keep it quick. */
    public interface Sink {
        void alert(String key, Alert alert);

        void control(String key, ControlRecord record);
    }

    private record MachineKey(AlertKind kind, String scopeKey) {}

    private static final class Tracked {
        final AlertStateMachine machine;
        Observation last;

        Tracked(AlertStateMachine machine, Observation last) {
            this.machine = machine;
            this.last = last;
        }
    }

    private final Map<AlertKind, Thresholds> thresholds;
    private final Duration holdDown;
    private final Clock clock;
    private final HaltPolicy haltPolicy;
    private final Sink sink;
    private final Map<MachineKey, Tracked> machines = new LinkedHashMap<>();

    /**
     * @param haltPolicy null when the monitor does not halt (halt_on_critical false)
     */
    public AlertEngine(Map<AlertKind, Thresholds> thresholds, Duration holdDown, Clock clock, HaltPolicy haltPolicy, Sink sink) {
        this.thresholds = Map.copyOf(thresholds);
        this.holdDown = Objects.requireNonNull(holdDown, "holdDown");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.haltPolicy = haltPolicy;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * A complete snapshot of {@code kind} on one cluster (for step durations: {@code clusterId} null, the whole fleet):
     * every scope reported is observed, every open episode of this kind and cluster that is not reported is observed
     * as 0. Returns the alerts raised.
     */
    public List<Alert> observeAll(AlertKind kind, String clusterId, Collection<Observation> observations) {
        return observeAll(kind, clusterId, observations, Set.of());
    }

    /**
     * As {@link #observeAll(AlertKind, String, Collection)}, but the scopes in {@code unknown} (e.g. the lag of a
     * standby that is missing) are neither observed nor taken as 0: their episodes stay as they are.
     */
    public synchronized List<Alert> observeAll(AlertKind kind, String clusterId, Collection<Observation> observations,
                                               Set<String> unknown) {
        Instant now = clock.instant();
        List<Alert> raised = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (Observation o : observations) {
            reported.add(o.scopeKey());
            observe(kind, o, now).ifPresent(raised::add);
        }
        List<Map.Entry<MachineKey, Tracked>> absent = new ArrayList<>();
        for (Map.Entry<MachineKey, Tracked> e : machines.entrySet()) {
            if (e.getKey().kind() == kind && Objects.equals(e.getValue().last.clusterId(), clusterId)
                    && !reported.contains(e.getKey().scopeKey()) && !unknown.contains(e.getKey().scopeKey())) {
                absent.add(e);
            }
        }
        for (Map.Entry<MachineKey, Tracked> e : absent) {
            Observation last = e.getValue().last;
            Observation zero = new Observation(last.scopeType(), last.scopeId(), last.clusterId(), last.subject(), 0.0, last.details());
            observe(kind, zero, now).ifPresent(raised::add);
        }
        return raised;
    }

    /** One observation; the alert raised, if any. */
    public synchronized Optional<Alert> observe(AlertKind kind, Observation o) {
        return observe(kind, o, clock.instant());
    }

    private Optional<Alert> observe(AlertKind kind, Observation o, Instant now) {
        MachineKey key = new MachineKey(kind, o.scopeKey());
        Tracked tracked = machines.get(key);
        if (tracked == null) {
            Thresholds t = thresholds.get(kind);
            if (t == null || !(o.value() > t.warning())) {
                return Optional.empty(); // nothing to track while OK
            }
            tracked = new Tracked(new AlertStateMachine(t, holdDown), o);
            machines.put(key, tracked);
        }
        tracked.last = o;
        Optional<AlertStateMachine.Change> change = tracked.machine.observe(o.value(), now);
        if (tracked.machine.level() == AlertStateMachine.Level.OK) {
            machines.remove(key);
        }
        if (change.isEmpty()) {
            return Optional.empty();
        }
        Alert alert = alert(kind, o, change.get());
        sink.alert(alert.getScopeKey(), alert);
        if (haltPolicy != null) {
            haltPolicy.onAlert(kind, alert).ifPresent(r -> sink.control(r.getScope(), r));
        }
        return Optional.of(alert);
    }

    /** Lets the halt policy lift a halt inherited from an earlier run once the cluster stayed quiet (see {@link HaltPolicy#tick}). */
    public synchronized void tick(String clusterId) {
        if (haltPolicy == null) {
            return;
        }
        boolean quiet = machines.entrySet().stream().noneMatch(e -> e.getKey().kind().haltsCluster()
                && clusterId.equals(e.getValue().last.clusterId()));
        haltPolicy.tick(clusterId, quiet).ifPresent(r -> sink.control(r.getScope(), r));
    }

    /** The open episodes: scope key → level, per kind (for metrics and health). */
    public synchronized Map<String, AlertStateMachine.Level> openEpisodes(AlertKind kind) {
        Map<String, AlertStateMachine.Level> out = new HashMap<>();
        for (Iterator<Map.Entry<MachineKey, Tracked>> it = machines.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MachineKey, Tracked> e = it.next();
            if (e.getKey().kind() == kind) {
                out.put(e.getKey().scopeKey(), e.getValue().machine.level());
            }
        }
        return out;
    }

    static Alert alert(AlertKind kind, Observation o, AlertStateMachine.Change c) {
        String scopeKey = o.scopeKey();
        Map<String, String> details = new LinkedHashMap<>(o.details());
        details.put("from", c.from().name());
        return Alert.newBuilder()
                .setAlertId(kind.code() + "/" + scopeKey + "/" + c.firstSeen().toEpochMilli())
                .setCode(kind.code())
                .setSeverity(c.severity())
                .setMetric(kind.metric())
                .setValue(c.value())
                .setThreshold(c.threshold())
                .setUnit("s")
                .setScopeType(o.scopeType())
                .setScopeId(o.scopeId())
                .setScopeKey(scopeKey)
                .setClusterId(o.clusterId())
                .setMessage(message(kind, o, c))
                .setDetails(details)
                .setFirstSeenAt(c.firstSeen())
                .setUpdatedAt(c.at())
                .build();
    }

    private static String message(AlertKind kind, Observation o, AlertStateMachine.Change c) {
        String value = String.format(Locale.ROOT, "%.1f s", c.value());
        String threshold = seconds(c.threshold());
        return switch (c.severity()) {
            case CRITICAL -> kind.label() + " of " + o.subject() + " is " + value + " (critical > " + threshold + ")";
            case WARNING -> kind.label() + " of " + o.subject() + " is " + value + " (warning > " + threshold + ")"
                    + (c.from() == AlertStateMachine.Level.CRITICAL ? ", down from critical" : "");
            case RESOLVED -> kind.label() + " of " + o.subject() + " resolved: " + value + ", at most " + threshold
                    + " for the hold-down";
        };
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.3f s", s);
    }

    /** True when an alert is RESOLVED. */
    public static boolean resolved(Alert alert) {
        return alert.getSeverity() == AlertSeverity.RESOLVED;
    }
}

package io.convoy.monitor.metrics;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.control.HaltState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The monitor's meters, in Prometheus names:
 * <ul>
 *   <li>{@code convoy_replication_lag_seconds}, {@code convoy_replication_lag_bytes}, {@code convoy_standby_up}
 *   {cluster, standby}</li>
 *   <li>{@code convoy_lock_waits} (sessions waiting where a migration is involved), {@code convoy_lock_wait_max_seconds}
 *   {cluster}</li>
 *   <li>{@code convoy_cluster_probe_up} {cluster}, {@code convoy_probe_failures_total} {cluster, probe}</li>
 *   <li>{@code convoy_step_duration_seconds} histogram {status}, {@code convoy_step_retries_total} {error_code},
 *   {@code convoy_step_events_total} {status}</li>
 *   <li>{@code convoy_halts_in_force}, {@code convoy_halt} {scope, origin, action} (1 per halt in force)</li>
 *   <li>{@code convoy_alerts_total} {code, severity}</li>
 * </ul>
 * Consumer lag of the step-duration detector comes from Kafka's own metrics (KafkaStreamsMetrics binder):
 * {@code kafka_consumer_fetch_manager_records_lag*}.
 */
public final class MonitorMetrics {
    private final MeterRegistry registry;
    private final Map<List<String>, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final MultiGauge halts;

    public MonitorMetrics(MeterRegistry registry, HaltState haltState) {
        this.registry = registry;
        Gauge.builder("convoy.halts.in.force", haltState, HaltState::size)
                .description("halts in force on convoy.control").register(registry);
        this.halts = MultiGauge.builder("convoy.halt").description("1 for each halt in force, by scope").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    private void gauge(String name, String description, double value, String... tags) {
        List<String> key = new java.util.ArrayList<>(List.of(tags));
        key.add(0, name);
        gauges.computeIfAbsent(key, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, holder, AtomicReference::get).description(description).tags(tags).register(registry);
            return holder;
        }).set(value);
    }

    public void standbyLag(String cluster, String standby, long bytes, double seconds) {
        gauge("convoy.replication.lag.seconds", "replication lag of a standby, in seconds", seconds, "cluster", cluster, "standby", standby);
        gauge("convoy.replication.lag.bytes", "WAL not replayed yet by a standby, in bytes", bytes, "cluster", cluster, "standby", standby);
        gauge("convoy.standby.up", "1 when an expected standby streams", 1, "cluster", cluster, "standby", standby);
    }

    public void standbyMissing(String cluster, String standby) {
        gauge("convoy.replication.lag.seconds", "replication lag of a standby, in seconds", Double.NaN, "cluster", cluster, "standby", standby);
        gauge("convoy.replication.lag.bytes", "WAL not replayed yet by a standby, in bytes", Double.NaN, "cluster", cluster, "standby", standby);
        gauge("convoy.standby.up", "1 when an expected standby streams", 0, "cluster", cluster, "standby", standby);
    }

    public void lockWaits(String cluster, int count, double maxSeconds) {
        gauge("convoy.lock.waits", "sessions waiting for a lock where a migration is involved", count, "cluster", cluster);
        gauge("convoy.lock.wait.max.seconds", "longest current lock wait involving a migration", maxSeconds, "cluster", cluster);
    }

    public void probeResult(String cluster, String probe, boolean ok) {
        gauge("convoy.cluster.probe.up", "1 when the last probe of the cluster's primary succeeded", ok ? 1 : 0,
                "cluster", cluster, "probe", probe);
        if (!ok) {
            Counter.builder("convoy.probe.failures").description("probes that failed").tags("cluster", cluster, "probe", probe)
                    .register(registry).increment();
        }
    }

    public void alert(Alert alert) {
        Counter.builder("convoy.alerts").description("alerts published, by code and severity")
                .tags("code", alert.getCode(), "severity", alert.getSeverity().name()).register(registry).increment();
    }

    public void stepFinished(String status, Duration duration) {
        Timer.builder("convoy.step.duration").description("wall-clock duration of finished migration steps")
                .tags("status", status).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(4))
                .register(registry).record(duration);
    }

    public void stepEvent(String status, String errorCode) {
        Counter.builder("convoy.step.events").description("step events seen, by status").tags("status", status)
                .register(registry).increment();
        if (status.equals("RETRYING")) {
            Counter.builder("convoy.step.retries").description("step retries (e.g. lock timeouts), by error code")
                    .tags("error_code", errorCode == null ? "" : errorCode).register(registry).increment();
        }
    }

    /** Refreshes the per-scope halt gauge from the halts in force. */
    public void halts(HaltState state) {
        halts.register(state.halts().values().stream()
                .map(h -> MultiGauge.Row.of(Tags.of("scope", h.scope(), "origin", h.origin().name(), "action", h.action().name()), 1))
                .toList(), true);
    }
}

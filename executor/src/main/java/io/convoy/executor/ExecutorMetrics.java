package io.convoy.executor;

import io.convoy.executor.step.StepUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The executor's meters (Micrometer; served as Prometheus text on {@code /metrics} when {@code metrics_port} is set):
 * <ul>
 *   <li>{@code convoy_executor_step_duration_seconds{outcome}}: timer with a histogram, from taking a command up to its
 *       outcome (APPLIED, FAILED, SKIPPED), history check, migration lock and the step itself included;</li>
 *   <li>{@code convoy_executor_step_retries_total}: RETRYING events (lock timeout or deadlock, retried);</li>
 *   <li>{@code convoy_executor_halts_in_force}: halts read from convoy.control that are in force;</li>
 *   <li>{@code convoy_executor_commands_in_flight}: commands being applied now (at most {@code worker_threads});</li>
 *   <li>{@code convoy_executor_commands_buffered}: commands fetched and not yet done (waiting or running);</li>
 *   <li>and the consumer's and producer's own Kafka client metrics ({@code kafka_consumer_*}, e.g.
 *       {@code kafka_consumer_fetch_manager_records_lag_max}).</li>
 * </ul>
 */
final class ExecutorMetrics {
    private final MeterRegistry registry;
    private final Map<StepUpdate.Status, Timer> durations = new ConcurrentHashMap<>();
    private final Counter retries;

    ExecutorMetrics(MeterRegistry registry, Supplier<Number> haltsInForce, Supplier<Number> inFlight, Supplier<Number> buffered) {
        this.registry = registry;
        this.retries = Counter.builder("convoy.executor.step.retries").description("steps retried after a lock timeout or deadlock")
                .register(registry);
        Gauge.builder("convoy.executor.halts.in.force", haltsInForce).description("halts in force read from convoy.control")
                .register(registry);
        Gauge.builder("convoy.executor.commands.in.flight", inFlight).description("commands being applied now")
                .register(registry);
        Gauge.builder("convoy.executor.commands.buffered", buffered).description("commands fetched and not yet done")
                .register(registry);
        for (StepUpdate.Status s : new StepUpdate.Status[] {StepUpdate.Status.APPLIED, StepUpdate.Status.FAILED,
                StepUpdate.Status.SKIPPED}) {
            timer(s);
        }
    }

    private Timer timer(StepUpdate.Status outcome) {
        return durations.computeIfAbsent(outcome, o -> Timer.builder("convoy.executor.step.duration")
                .description("from taking a command up to its outcome").tag("outcome", o.name()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(30)).register(registry));
    }

    /** A step event was published. */
    void event(StepUpdate update) {
        if (update.status() == StepUpdate.Status.RETRYING) {
            retries.increment();
        }
    }

    /** A command ended with {@code outcome} after {@code nanos}. */
    void outcome(StepUpdate.Status outcome, long nanos) {
        timer(outcome).record(Duration.ofNanos(nanos));
    }
}

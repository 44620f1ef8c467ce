package io.convoy.planner.metrics;

import io.convoy.planner.stream.PlannerTopology;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The planner's meters, in Prometheus names, fed by what the topology publishes:
 * <ul>
 *   <li>{@code convoy_planner_requests_total} {outcome = accepted | rejected | completed | failed}: request-level
 *   plan events (target_id null);</li>
 *   <li>{@code convoy_planner_target_plans_total} {outcome}: per-target plan events;</li>
 *   <li>{@code convoy_planner_plans_in_flight}: requests accepted and not yet completed or failed, counted since this
 *   planner started (a restarted planner does not know the requests in flight before it);</li>
 *   <li>{@code convoy_planner_commands_total}: commands emitted to convoy.commands.</li>
 * </ul>
 * Under exactly-once a record can be forwarded again when a task is retried: the counts are close, not exact.
 */
public final class PlannerMetrics implements PlannerTopology.Observer {
    private final Map<PlanStatus, Counter> requests = new EnumMap<>(PlanStatus.class);
    private final Map<PlanStatus, Counter> targets = new EnumMap<>(PlanStatus.class);
    private final Counter commands;
    private final AtomicLong inFlight = new AtomicLong();

    public PlannerMetrics(MeterRegistry registry) {
        for (PlanStatus s : PlanStatus.values()) {
            String outcome = s.name().toLowerCase(java.util.Locale.ROOT);
            requests.put(s, Counter.builder("convoy.planner.requests").tag("outcome", outcome)
                    .description("requests by outcome (request-level plan events)").register(registry));
            targets.put(s, Counter.builder("convoy.planner.target.plans").tag("outcome", outcome)
                    .description("per-target plans by outcome").register(registry));
        }
        commands = Counter.builder("convoy.planner.commands").description("commands emitted to convoy.commands").register(registry);
        Gauge.builder("convoy.planner.plans.in.flight", inFlight, AtomicLong::get)
                .description("requests accepted and not yet completed or failed, since this planner started").register(registry);
    }

    @Override
    public void planEvent(PlanEvent event) {
        if (event.getTargetId() != null) {
            targets.get(event.getStatus()).increment();
            return;
        }
        requests.get(event.getStatus()).increment();
        switch (event.getStatus()) {
            case ACCEPTED -> inFlight.incrementAndGet();
            case COMPLETED, FAILED -> inFlight.updateAndGet(n -> Math.max(0, n - 1));
            default -> { }
        }
    }

    @Override
    public void command(MigrationCommand command) {
        commands.increment();
    }

    public double requests(PlanStatus outcome) {
        return requests.get(outcome).count();
    }

    public long plansInFlight() {
        return inFlight.get();
    }
}

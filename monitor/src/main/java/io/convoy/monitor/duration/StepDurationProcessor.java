package io.convoy.monitor.duration;

import io.convoy.monitor.alert.AlertEngine;
import io.convoy.monitor.alert.AlertKind;
import io.convoy.monitor.alert.Observation;
import io.convoy.monitor.alert.Thresholds;
import io.convoy.monitor.metrics.MonitorMetrics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.AlertScopeType;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.StepEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each target's running step (STARTED, until APPLIED, FAILED or SKIPPED) in a state store, and on a wall-clock
 * punctuator measures how long each has been running; an {@link AlertEngine} per task turns that into duration alerts
 * (scope target), forwarded to convoy.alerts. Keys route every target to one task, so each task's snapshot is complete
 * for its targets: a finished step is observed as 0 and its episode resolves after the hold-down. Finished steps feed
 * the step-duration histogram; retries feed their counter.
 */
final class StepDurationProcessor implements Processor<String, StepEvent, String, Alert> {
    private final Thresholds thresholds;
    private final Duration interval;
    private final Duration holdDown;
    private final MonitorMetrics metrics;
    private final PunctuationClock clock = new PunctuationClock();
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, RunningStep> store;
    private AlertEngine engine;

    StepDurationProcessor(Thresholds thresholds, Duration interval, Duration holdDown, MonitorMetrics metrics) {
        this.thresholds = thresholds;
        this.interval = interval;
        this.holdDown = holdDown;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(DurationTopology.STORE);
        this.engine = new AlertEngine(Map.of(AlertKind.STEP_DURATION, thresholds), holdDown, clock, null, new AlertEngine.Sink() {
            @Override
            public void alert(String key, Alert alert) {
                if (metrics != null) {
                    metrics.alert(alert);
                }
                context.forward(new Record<>(key, alert, clock.instant().toEpochMilli()));
            }

            @Override
            public void control(String key, ControlRecord record) {
                throw new IllegalStateException("step durations never halt");
            }
        });
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::measure);
    }

    @Override
    public void process(Record<String, StepEvent> record) {
        StepEvent e = record.value();
        if (e == null || record.key() == null) {
            return;
        }
        String target = record.key();
        String status = e.getStatus().name();
        if (metrics != null) {
            metrics.stepEvent(status, e.getErrorCode());
        }
        RunningStep running = store.get(target);
        switch (e.getStatus()) {
            case STARTED -> store.put(target, new RunningStep(target, e.getCommandId(), e.getPlanId(), e.getRevision(),
                    e.getExecutorId(), e.getOccurredAt().toEpochMilli(), e.getAttempts(), status));
            case APPLIED, FAILED, SKIPPED -> {
                if (running != null && running.commandId().equals(e.getCommandId())) {
                    store.delete(target);
                    if (metrics != null && e.getStatus() != io.convoy.schemas.avro.StepStatus.SKIPPED) {
                        long ms = e.getDurationMs() != null ? e.getDurationMs()
                                : e.getOccurredAt().toEpochMilli() - running.startedAtMillis();
                        metrics.stepFinished(status, Duration.ofMillis(Math.max(0, ms)));
                    }
                }
            }
            default -> {
                if (running != null && running.commandId().equals(e.getCommandId())) {
                    store.put(target, running.withStatus(status, e.getAttempts()));
                }
            }
        }
    }

    /** The punctuator: one complete snapshot of this task's running steps. */
    void measure(long wallClockMillis) {
        clock.set(Instant.ofEpochMilli(wallClockMillis));
        List<Observation> observations = new ArrayList<>();
        try (KeyValueIterator<String, RunningStep> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, RunningStep> kv = it.next();
                RunningStep s = kv.value;
                double seconds = Math.max(0, wallClockMillis - s.startedAtMillis()) / 1000.0;
                Map<String, String> details = new LinkedHashMap<>();
                details.put("command_id", s.commandId());
                details.put("plan_id", s.planId());
                details.put("revision", s.revision());
                details.put("executor_id", s.executorId());
                details.put("status", s.status());
                details.put("attempts", Integer.toString(s.attempts()));
                details.put("started_at", Instant.ofEpochMilli(s.startedAtMillis()).toString());
                observations.add(new Observation(AlertScopeType.TARGET, kv.key, null,
                        "the step " + s.revision() + " of target " + kv.key, seconds, details));
            }
        }
        engine.observeAll(AlertKind.STEP_DURATION, null, observations);
    }

    /** The time of the punctuation being handled: alerts carry it. */
    private static final class PunctuationClock extends Clock {
        private volatile Instant now = Instant.EPOCH;

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

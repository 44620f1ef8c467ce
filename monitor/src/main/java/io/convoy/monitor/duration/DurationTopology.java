package io.convoy.monitor.duration;

import io.convoy.monitor.alert.Thresholds;
import io.convoy.monitor.metrics.MonitorMetrics;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.StepEvent;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The step-duration detector: convoy.step-events → running steps per target (a persistent store with a changelog, so
 * a restart keeps them) → duration alerts on convoy.alerts (key {@code target:<id>}).
 */
public final class DurationTopology {
    public static final String STORE = "running-steps";

    private DurationTopology() {}

    /**
     * @param stepEvents value serde of convoy.step-events
     * @param alerts     value serde of convoy.alerts
     * @param interval   how often running steps are measured (wall clock)
     * @param metrics    null for none
     */
    public static Topology build(Serde<StepEvent> stepEvents, Serde<Alert> alerts, Thresholds thresholds, Duration interval,
                                 Duration holdDown, MonitorMetrics metrics) {
        Topology topology = new Topology();
        topology.addSource("step-events", Serdes.String().deserializer(), stepEvents.deserializer(), Topics.STEP_EVENTS.name());
        topology.addProcessor("step-durations", () -> new StepDurationProcessor(thresholds, interval, holdDown, metrics), "step-events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), RunningStep.serde()),
                "step-durations");
        topology.addSink("alerts", Topics.ALERTS.name(), Serdes.String().serializer(), alerts.serializer(), "step-durations");
        return topology;
    }
}

package io.convoy.planner.stream;

import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.RequestTrack;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetOutcome;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The planner's Kafka Streams topology. Two sides, each with the data it needs on its own partitions:
 *
 * <pre>
 *  convoy.requests ──► request-intake ──(orders, by target id)──► plan-orders-repartition ─┐
 *   (request id)        [requests]      ──► convoy.plan-events, convoy.dlq                │
 *                                                                                          ▼
 *  convoy.target-state ──► target-state ─┐                                           target-orders
 *  convoy.step-events  ──► target-steps ─┴── [targets, target-waits] (per target id) ──────┘
 *                                │  ──► convoy.commands (by target id), convoy.dlq
 *                                └──(outcomes, by request id)──► plan-outcomes-repartition ──► request-outcomes
 *                                                                                   [requests] ──► convoy.plan-events
 * </pre>
 *
 * <ul>
 *   <li><b>Request side</b> (partitions of convoy.requests): decoding, dedupe, request-level validation, fan-out of
 *       one order per target, and the collection of the targets' outcomes into plan events. Its store
 *       {@code requests} is shared by the intake and the outcome processors, so the outcomes topic is re-keyed by
 *       request id with exactly as many partitions as convoy.requests.</li>
 *   <li><b>Target side</b> (partitions of the topics keyed by target id): orders, TargetState and step events of a
 *       target land on the same partition number, so one task holds everything about the target: reported and
 *       projected heads, plans in flight, orders waiting for a first state. The orders topic is re-keyed by
 *       target id with as many partitions as convoy.step-events and convoy.target-state (which must be equal).</li>
 * </ul>
 * Internal topics and stores carry JSON of the planner's own records ({@link JsonSerde}); every pipeline topic
 * carries Avro through the registry serdes, and every input is read as bytes and decoded in the processors so that
 * an undecodable record goes to convoy.dlq instead of stopping the planner.
 */
public final class PlannerTopology {
    public static final String REQUESTS_STORE = "requests";
    public static final String TARGETS_STORE = "targets";
    public static final String WAITS_STORE = "target-waits";
    /** Internal topic {@code <application.id>-plan-orders-repartition}. */
    public static final String ORDERS = "plan-orders";
    /** Internal topic {@code <application.id>-plan-outcomes-repartition}. */
    public static final String OUTCOMES = "plan-outcomes";

    /**
     * @param requestPartitions  partitions of convoy.requests (the outcomes topic gets as many)
     * @param targetPartitions   partitions of convoy.step-events and convoy.target-state (the orders topic gets as many)
     * @param stateCheckInterval how often waiting orders are checked
     * @param requestRetention   how long finished requests are remembered
     */
    public record Settings(int requestPartitions, int targetPartitions, Duration stateCheckInterval, Duration requestRetention) {
        public Settings {
            if (requestPartitions < 1 || targetPartitions < 1) {
                throw new IllegalArgumentException("partition counts must be positive");
            }
            Objects.requireNonNull(stateCheckInterval, "stateCheckInterval");
            Objects.requireNonNull(requestRetention, "requestRetention");
        }

        /** How often finished requests are purged: a tenth of the retention, between one minute and one hour. */
        Duration purgeInterval() {
            Duration tenth = requestRetention.dividedBy(10);
            Duration min = Duration.ofMinutes(1);
            Duration max = Duration.ofHours(1);
            return tenth.compareTo(min) < 0 ? min : tenth.compareTo(max) > 0 ? max : tenth;
        }
    }

    private PlannerTopology() {}

    public static Topology build(RequestLedger requests, TargetLedger targets, SerdeConfig serdes, Settings settings) {
        return build(requests, targets, serdes, settings, Observer.NONE);
    }

    /**
     * Told what the planner publishes, for its metrics. Called on the stream threads as records are forwarded to the
     * sinks: under exactly-once a record may be forwarded again after a task is retried, so counts are close, not exact.
     */
    public interface Observer {
        Observer NONE = new Observer() {};

        default void planEvent(PlanEvent event) {}

        default void command(MigrationCommand command) {}
    }

    public static Topology build(RequestLedger requests, TargetLedger targets, SerdeConfig serdes, Settings settings,
                                 Observer observer) {
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUESTS_STORE),
                Serdes.String(), new JsonSerde<>(RequestTrack.class)).withCachingDisabled());
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TARGETS_STORE),
                Serdes.String(), new JsonSerde<>(TargetTrack.class)).withCachingDisabled());
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAITS_STORE),
                Serdes.String(), Serdes.Long()).withCachingDisabled());

        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

        // Request side: intake.
        KStream<String, Emit> intake = b.stream(Topics.REQUESTS.name(), raw.withName("requests"))
                .process(() -> new RequestIntakeProcessor(requests, serdes, settings.requestRetention(), settings.purgeInterval()),
                        Named.as("request-intake"), REQUESTS_STORE);

        // Target side: orders re-keyed by target id, plus the executors' topics.
        KStream<String, PlanOrder> orders = only(intake, Emit.Order.class, Emit.Order::value, "intake-orders")
                .repartition(Repartitioned.<String, PlanOrder>as(ORDERS)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new JsonSerde<>(PlanOrder.class))
                        .withNumberOfPartitions(settings.targetPartitions()));
        KStream<String, Emit> fromOrders = orders.process(
                () -> new TargetOrderProcessor(targets, settings.stateCheckInterval()),
                Named.as("target-orders"), TARGETS_STORE, WAITS_STORE);
        KStream<String, Emit> fromStates = b.stream(Topics.TARGET_STATE.name(), raw.withName("target-state"))
                .process(() -> new TargetStateProcessor(targets, serdes), Named.as("target-states"), TARGETS_STORE, WAITS_STORE);
        KStream<String, Emit> fromSteps = b.stream(Topics.STEP_EVENTS.name(), raw.withName("step-events"))
                .process(() -> new TargetStepProcessor(targets, serdes), Named.as("target-steps"), TARGETS_STORE, WAITS_STORE);
        KStream<String, Emit> targetSide = fromOrders.merge(fromStates, Named.as("target-side-1"))
                .merge(fromSteps, Named.as("target-side"));

        only(targetSide, Emit.Command.class, Emit.Command::value, "target-commands")
                .peek((k, v) -> observer.command(v), Named.as("observe-commands"))
                .to(Topics.COMMANDS.name(), Produced.with(Serdes.String(), Topics.COMMANDS.valueSerde(serdes))
                        .withName("commands"));

        // Request side: outcomes re-keyed by request id, onto the partition of the request's track.
        KStream<String, TargetOutcome> outcomes = only(targetSide, Emit.Outcome.class, Emit.Outcome::value, "target-outcomes")
                .repartition(Repartitioned.<String, TargetOutcome>as(OUTCOMES)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new JsonSerde<>(TargetOutcome.class))
                        .withNumberOfPartitions(settings.requestPartitions()));
        KStream<String, Emit> fromOutcomes = outcomes.process(() -> new RequestOutcomeProcessor(requests),
                Named.as("request-outcomes"), REQUESTS_STORE);

        only(intake.merge(fromOutcomes, Named.as("request-side")), Emit.Event.class, Emit.Event::value, "events")
                .peek((k, v) -> observer.planEvent(v), Named.as("observe-plan-events"))
                .to(Topics.PLAN_EVENTS.name(), Produced.with(Serdes.String(), Topics.PLAN_EVENTS.valueSerde(serdes))
                        .withName("plan-events"));
        // One dead-letter sink per side: a node shared by both would fuse them into one sub-topology.
        only(intake, Emit.Dead.class, Emit.Dead::value, "request-dead-letters")
                .to(Topics.DLQ.name(), Produced.with(Serdes.String(), Topics.DLQ.valueSerde(serdes)).withName("request-dlq"));
        only(targetSide, Emit.Dead.class, Emit.Dead::value, "target-dead-letters")
                .to(Topics.DLQ.name(), Produced.with(Serdes.String(), Topics.DLQ.valueSerde(serdes)).withName("target-dlq"));
        return b.build();
    }

    /** The emits of one kind, unwrapped. */
    private static <E extends Emit, T> KStream<String, T> only(KStream<String, Emit> stream, Class<E> kind,
                                                               Function<E, T> value, String name) {
        return stream.flatMapValues(e -> kind.isInstance(e) ? List.of(value.apply(kind.cast(e))) : List.<T>of(),
                Named.as(name));
    }
}

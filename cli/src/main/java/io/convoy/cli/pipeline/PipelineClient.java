package io.convoy.cli.pipeline;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the CLI does with the pipeline: publish requests, follow plan and step events, read the target states. */
public final class PipelineClient {
    private static final Duration TICK = Duration.ofMillis(200);

    private final Endpoints endpoints;
    private final SerdeConfig serdes;

    public PipelineClient(Endpoints endpoints) {
        this.endpoints = endpoints;
        this.serdes = SerdeConfig.of(new SchemaRegistryClient(endpoints.schemaRegistryUrl()));
    }

    /** Publishes the request (acks=all) keyed by its id. */
    public void submit(MigrationRequest request) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
                ProducerConfig.CLIENT_ID_CONFIG, "convoy-cli-submit");
        try (KafkaProducer<String, MigrationRequest> producer = new KafkaProducer<>(props, Topics.REQUESTS.keySerde().serializer(),
                Topics.REQUESTS.valueSerde(serdes).serializer())) {
            producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), request.getRequestId(), request)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConvoyException(ErrorCode.MIG099, "interrupted while publishing the request", e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot publish to " + Topics.REQUESTS.name() + " on " + endpoints + ": " + e.getMessage(), e);
        }
    }

    /** Readers of plan and step events, positioned at the end (before a submit) or at the beginning. */
    public Follow follow(boolean fromBeginning) {
        return new Follow(new TopicReader<>(endpoints.bootstrapServers(), Topics.PLAN_EVENTS, Topics.PLAN_EVENTS.valueSerde(serdes).deserializer(), fromBeginning),
                new TopicReader<>(endpoints.bootstrapServers(), Topics.STEP_EVENTS, Topics.STEP_EVENTS.valueSerde(serdes).deserializer(), fromBeginning));
    }

    /** Plan and step events as they come. */
    public static final class Follow implements AutoCloseable {
        private final TopicReader<PlanEvent> plans;
        private final TopicReader<StepEvent> steps;

        Follow(TopicReader<PlanEvent> plans, TopicReader<StepEvent> steps) {
            this.plans = plans;
            this.steps = steps;
        }

        /** Polls both topics once; step events first (a plan's COMPLETED follows its last step). */
        public void poll(Consumer<StepEvent> onStep, Consumer<PlanEvent> onPlan) {
            steps.poll(TICK).stream().map(ConsumerRecord::value).forEach(onStep);
            plans.poll(Duration.ofMillis(50)).stream().map(ConsumerRecord::value).forEach(onPlan);
        }

        /** Follows one request until its verdict, printing each of its events; empty on timeout. */
        public Optional<RequestFollower.Outcome> until(RequestFollower follower, Consumer<String> print, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                poll(s -> follower.accept(s).ifPresent(print), p -> follower.accept(p).ifPresent(print));
                if (follower.outcome().isPresent()) {
                    return follower.outcome();
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            plans.close();
            steps.close();
        }
    }

    /** The fleet as the topics tell it: the latest state of every target and every plan event so far. */
    public record Snapshot(Map<String, TargetState> states, List<PlanEvent> planEvents) {}

    public Snapshot snapshot() {
        Map<String, TargetState> states = new LinkedHashMap<>();
        try (TopicReader<TargetState> r = new TopicReader<>(endpoints.bootstrapServers(), Topics.TARGET_STATE,
                Topics.TARGET_STATE.valueSerde(serdes).deserializer(), true)) {
            for (ConsumerRecord<String, TargetState> rec : r.readToEnd(Duration.ofSeconds(30))) {
                if (rec.value() == null) {
                    states.remove(rec.key());
                } else {
                    states.put(rec.key(), rec.value());
                }
            }
        }
        List<PlanEvent> plans;
        try (TopicReader<PlanEvent> r = new TopicReader<>(endpoints.bootstrapServers(), Topics.PLAN_EVENTS,
                Topics.PLAN_EVENTS.valueSerde(serdes).deserializer(), true)) {
            plans = r.readToEnd(Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
        }
        return new Snapshot(states, plans);
    }
}

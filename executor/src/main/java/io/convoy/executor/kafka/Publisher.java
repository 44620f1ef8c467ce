package io.convoy.executor.kafka;

import io.convoy.executor.step.StepUpdate;
import io.convoy.executor.step.TargetStatus;
import io.convoy.schemas.Topic;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Sends the executor's messages (step events, target states, dead letters) through one idempotent
 * {@code acks=all} producer and collects the sends, so that the caller commits a command's offset only once
 * {@link #awaitAll} has seen every one of them acknowledged. Thread-safe: the sends are collected per thread, so
 * that {@link #awaitAll} on a worker waits for that worker's messages only (the producer sends at once: linger 0).
 */
public final class Publisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final Serializer<StepEvent> stepEvents;
    private final Serializer<TargetState> targetStates;
    private final Serializer<DeadLetter> deadLetters;
    private final String executorId;
    private final Supplier<UUID> ids;
    private final Duration ackTimeout;
    private final ThreadLocal<List<Future<RecordMetadata>>> pending = ThreadLocal.withInitial(ArrayList::new);

    public Publisher(Producer<String, byte[]> producer, SerdeConfig serdes, String executorId, Supplier<UUID> ids,
            Duration ackTimeout) {
        this.producer = producer;
        this.stepEvents = Topics.STEP_EVENTS.valueSerde(serdes).serializer();
        this.targetStates = Topics.TARGET_STATE.valueSerde(serdes).serializer();
        this.deadLetters = Topics.DLQ.valueSerde(serdes).serializer();
        this.executorId = executorId;
        this.ids = ids;
        this.ackTimeout = ackTimeout;
    }

    public void stepEvent(StepUpdate update) {
        send(Topics.STEP_EVENTS, update.command().targetId(),
                stepEvents.serialize(Topics.STEP_EVENTS.name(), AvroMapping.stepEvent(update, executorId, ids.get().toString())));
    }

    public void targetState(TargetStatus status) {
        send(Topics.TARGET_STATE, status.targetId(),
                targetStates.serialize(Topics.TARGET_STATE.name(), AvroMapping.targetState(status)));
    }

    public void deadLetter(DeadLetter letter) {
        String key = Topics.deadLetterKey(letter.getSourceTopic(), letter.getPartition(), letter.getOffset());
        send(Topics.DLQ, key, deadLetters.serialize(Topics.DLQ.name(), letter));
    }

    private void send(Topic<String, ?> topic, String key, byte[] value) {
        pending.get().add(producer.send(new ProducerRecord<>(topic.name(), key, value)));
    }

    /**
     * Waits until every message this thread sent since its last call is acknowledged by the brokers (acks=all).
     *
     * @throws KafkaException when one was not: the caller must not commit, and stops (a crash: the command
     *                        is delivered again and its outcome published again)
     */
    public void awaitAll() {
        List<Future<RecordMetadata>> mine = pending.get();
        try {
            for (Future<RecordMetadata> f : mine) {
                f.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KafkaException("a message was not acknowledged: " + cause, cause);
        } catch (TimeoutException e) {
            throw new KafkaException("a message was not acknowledged within " + ackTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for acknowledgements", e);
        } finally {
            mine.clear();
        }
    }

    /** Sends of this thread still waiting for {@link #awaitAll}. */
    public int pending() {
        return pending.get().size();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Closes without waiting for unsent messages (they are lost, as in a crash). */
    public void abort() {
        producer.close(Duration.ZERO);
    }
}

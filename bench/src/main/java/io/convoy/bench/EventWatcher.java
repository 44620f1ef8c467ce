package io.convoy.bench;

import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads convoy.step-events and convoy.target-state from their current end (no consumer group, read_committed),
 * on its own thread, and notes when each command's final event (APPLIED, FAILED, SKIPPED) arrived, in
 * {@link System#nanoTime()} of this JVM, the clock the commands' publish times are taken on.
 */
final class EventWatcher implements AutoCloseable {
    /** A command's final step event and when this process received it. */
    record Arrival(long receivedNanos, StepEvent event) {
        boolean applied() {
            return event.getStatus() == StepStatus.APPLIED;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<StepEvent> stepEvents;
    private final Map<String, CompletableFuture<Arrival>> finals = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> targetStates = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    EventWatcher(Parts parts) {
        stepEvents = AvroSerde.forValue(StepEvent.class, parts.serdes);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.CLIENT_ID_CONFIG, "convoy-bench-watcher"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (var topic : List.of(Topics.STEP_EVENTS, Topics.TARGET_STATE)) {
            IntStream.range(0, topic.partitions()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p)));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now: nothing published from here on is missed
        thread = new Thread(this::run, "convoy-bench-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.topic().equals(Topics.TARGET_STATE.name())) {
                        targetStates.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet();
                        continue;
                    }
                    StepEvent e = stepEvents.deserialize(r.topic(), r.value());
                    StepStatus s = e.getStatus();
                    if (s == StepStatus.APPLIED || s == StepStatus.FAILED || s == StepStatus.SKIPPED) {
                        future(e.getCommandId()).complete(new Arrival(now, e));
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            finals.values().forEach(f -> f.completeExceptionally(t));
        } finally {
            consumer.close();
        }
    }

    private CompletableFuture<Arrival> future(String commandId) {
        return finals.computeIfAbsent(commandId, k -> new CompletableFuture<>());
    }

    /** Waits for the final event of a command. */
    Arrival await(String commandId, Duration timeout) throws Exception {
        try {
            return future(commandId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no final step event for command " + commandId + " within " + timeout
                    + (failure == null ? "" : " (watcher failed: " + failure + ")"));
        }
    }

    /** Waits for the final events of all the commands. */
    List<Arrival> awaitAll(Collection<String> commandIds, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Arrival> out = new ArrayList<>(commandIds.size());
        for (String id : commandIds) {
            out.add(await(id, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        }
        return out;
    }

    /** How many target-state records were seen for a target since the watcher started. */
    int targetStates(String target) {
        AtomicInteger n = targetStates.get(target);
        return n == null ? 0 : n.get();
    }

    /** Forgets the commands' arrivals (a long run would otherwise keep every event). */
    void forget(Collection<String> commandIds) {
        commandIds.forEach(finals::remove);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}

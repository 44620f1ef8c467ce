package io.convoy.schemas.control;

import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.registry.SchemaRegistryException;
import io.convoy.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code convoy.control} from the beginning into a {@link HaltState} and keeps following it, on a thread of
 * its own. No consumer group (it assigns every partition itself), so nothing is committed and every start reads the
 * whole (compacted) topic again: a halt survives restarts. A record that cannot be read is logged and skipped; when
 * the registry does not answer, the record is tried again.
 *
 * <p>Usage: {@code start()}, then {@link #awaitCaughtUp} before acting on the state, {@code close()} at the end.
 */
public final class ControlFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlFeed.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long RETRY_BACKOFF_MS = 500;

    private final Map<String, Object> consumerProperties;
    private final Deserializer<ControlRecord> values;
    private final HaltState state;
    private final BiConsumer<String, ControlRecord> listener;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closing;
    private volatile Thread thread;

    /**
     * @param kafka    consumer properties: at least {@code bootstrap.servers}; group, deserializers and offsets are set here
     * @param serdes   the registry configuration of the control records
     * @param state    where the records go
     * @param listener called on the feed's thread after each record was applied (key, value; value null for a tombstone)
     */
    public ControlFeed(Map<String, Object> kafka, SerdeConfig serdes, HaltState state, BiConsumer<String, ControlRecord> listener) {
        Map<String, Object> p = new HashMap<>(Objects.requireNonNull(kafka, "kafka"));
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "convoy-control-feed");
        this.consumerProperties = p;
        this.values = Topics.CONTROL.valueSerde(serdes).deserializer();
        this.state = Objects.requireNonNull(state, "state");
        this.listener = listener == null ? (k, v) -> { } : listener;
    }

    public ControlFeed(Map<String, Object> kafka, SerdeConfig serdes, HaltState state) {
        this(kafka, serdes, state, null);
    }

    public HaltState state() {
        return state;
    }

    /** Starts following the topic from its beginning. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the control feed was already started");
        }
        thread = new Thread(this::run, "convoy-control-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until every record that was on the topic at start-up has been applied; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** True while the feed follows the topic (started, not closed, not stopped by an error). */
    public boolean isRunning() {
        return stopped.getCount() > 0 && thread != null && !closing;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties)) {
            consumer = c;
            if (closing) {
                return;
            }
            List<TopicPartition> partitions = partitions(c);
            if (partitions.isEmpty()) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            checkCaughtUp(c, end);
            while (!closing) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (!handle(c, r)) {
                        break; // seeked back: poll again after the back-off
                    }
                }
                checkCaughtUp(c, end);
            }
        } catch (WakeupException e) {
            if (!closing) {
                LOG.error("control feed woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("control feed stopped: {}", e.toString(), e);
        } finally {
            consumer = null;
            stopped.countDown();
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        while (!closing) {
            List<PartitionInfo> infos = c.partitionsFor(Topics.CONTROL.name());
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            LOG.warn("topic {} does not exist yet; waiting for it", Topics.CONTROL.name());
            sleep(RETRY_BACKOFF_MS);
        }
        return List.of();
    }

    private void checkCaughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        if (caughtUp.getCount() == 0) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return;
            }
        }
        LOG.info("control feed caught up: {} halt(s) in force {}", state.size(), state.halts().keySet());
        caughtUp.countDown();
    }

    /** Applies one record; false when it must be read again later (the registry did not answer). */
    private boolean handle(KafkaConsumer<byte[], byte[]> c, ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        ControlRecord value;
        try {
            value = values.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            LOG.error("skipping unreadable control record at {}-{}@{} (key {}): {}", r.topic(), r.partition(), r.offset(), key,
                    e.getMessage());
            return true;
        } catch (SchemaRegistryException e) {
            LOG.warn("cannot read control record at {}-{}@{} yet, will retry: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            c.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
            sleep(RETRY_BACKOFF_MS);
            return false;
        }
        if (state.apply(key, value)) {
            LOG.info("control: {} {}", key, value == null ? "tombstone" : value.getAction() + " by " + value.getOrigin()
                    + " " + value.getActor() + (value.getReason().isEmpty() ? "" : " (" + value.getReason() + ")"));
        }
        try {
            listener.accept(key, value);
        } catch (RuntimeException e) {
            LOG.error("control listener failed on {}: {}", key, e.toString(), e);
        }
        return true;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms); // a back-off of the feed's own thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Stops following the topic. Idempotent. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

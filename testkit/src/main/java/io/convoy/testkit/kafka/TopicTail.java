package io.convoy.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Everything committed on a topic since its beginning, read as it arrives: for tests that wait (with Awaitility) for
 * what a service publishes. No consumer group (a join costs ~1 s); read_committed; offset order per partition. Where
 * a test needs the topic's contents once, {@link TopicContents#readAll} is simpler.
 */
public final class TopicTail<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    public TopicTail(String bootstrapServers, String topic, Deserializer<String> keys, Deserializer<V> values) {
        consumer = fromBeginning(bootstrapServers, topic, keys, values);
    }

    /** A consumer without a group, read_committed, assigned every partition of {@code topic} from its beginning. */
    static <V> KafkaConsumer<String, V> fromBeginning(String bootstrapServers, String topic, Deserializer<String> keys,
            Deserializer<V> values) {
        KafkaConsumer<String, V> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                keys, values);
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    /** Every record so far (polls up to 200 ms for new ones first). */
    public synchronized List<ConsumerRecord<String, V>> all() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /** The values so far of the records with {@code key}. */
    public synchronized List<V> values(String key) {
        return all().stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}

package io.convoy.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a topic holds now: for tests that check what was published. */
public final class TopicContents {
    private TopicContents() {}

    /**
     * Every committed value of {@code topic}, from the beginning of each partition to its end offset at the time of
     * the call (read_committed, no consumer group), partition by partition in offset order.
     */
    public static <V> List<V> readAll(String bootstrapServers, String topic, Deserializer<V> values) {
        try (KafkaConsumer<String, V> c = TopicTail.fromBeginning(bootstrapServers, topic, new StringDeserializer(), values)) {
            List<TopicPartition> tps = List.copyOf(c.assignment());
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            List<V> out = new ArrayList<>();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
            return out;
        }
    }
}

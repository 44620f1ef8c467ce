package io.convoy.monitor;

import io.convoy.schemas.Topic;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Everything on a topic since its beginning, read without a consumer group (a join costs ~1 s). */
final class TopicRecords<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    TopicRecords(String bootstrap, Topic<String, V> topic, SerdeConfig serdes) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), topic.keySerde().deserializer(), topic.valueSerde(serdes).deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every record so far (polls for new ones first). */
    synchronized List<ConsumerRecord<String, V>> all() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    synchronized List<V> values(String key) {
        return all().stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}

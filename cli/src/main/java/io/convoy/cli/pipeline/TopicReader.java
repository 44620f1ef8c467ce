package io.convoy.cli.pipeline;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic without a consumer group (no join delay, no committed offsets: a CLI only looks), with
 * read_committed since the planner writes in transactions.
 */
final class TopicReader<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final List<TopicPartition> partitions;

    TopicReader(String bootstrapServers, Topic<String, V> topic, Deserializer<V> values, boolean fromBeginning) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "convoy-cli-" + topic.name(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest"), new StringDeserializer(), values);
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15));
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw new ConvoyException(ErrorCode.MIG020, "cannot reach Kafka at " + bootstrapServers + " (--bootstrap-servers): " + e.getMessage(), e);
        }
        if (infos == null || infos.isEmpty()) {
            consumer.close(Duration.ZERO);
            throw new ConvoyException(ErrorCode.MIG020, "topic " + topic.name() + " does not exist on " + bootstrapServers
                    + ": is the planner running there?");
        }
        partitions = infos.stream().map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the position now, before anything is sent
        }
    }

    List<ConsumerRecord<String, V>> poll(Duration timeout) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        consumer.poll(timeout).forEach(out::add);
        return out;
    }

    /** Everything up to the end offsets as of now. */
    List<ConsumerRecord<String, V>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new ConvoyException(ErrorCode.MIG021, "timed out reading " + partitions.get(0).topic());
            }
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}

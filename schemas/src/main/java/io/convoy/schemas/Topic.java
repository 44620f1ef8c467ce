package io.convoy.schemas;

import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One Kafka topic of the pipeline: its name, how its keys and values are (de)serialized, and how it is created.
 * The constants live in {@link Topics}; nothing else names a topic or picks a serde.
 *
 * @param name              topic name
 * @param keySerde          serde of the record keys
 * @param valueType         class of the record values
 * @param valueSerdeFactory makes the value serde from the process's serde configuration (registry client)
 * @param partitions        partition count at creation
 * @param replication       replication factor at creation, or {@link #BROKER_DEFAULT_REPLICATION} to use the
 *                          cluster's {@code default.replication.factor}
 * @param configs           topic-level configs at creation (e.g. {@code cleanup.policy=compact})
 */
public record Topic<K, V>(
        String name,
        Serde<K> keySerde,
        Class<V> valueType,
        Function<SerdeConfig, Serde<V>> valueSerdeFactory,
        int partitions,
        short replication,
        Map<String, String> configs) {

    /** Replication factor meaning "the broker's default.replication.factor". */
    public static final short BROKER_DEFAULT_REPLICATION = -1;

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(valueSerdeFactory, "valueSerdeFactory");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name is blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
        }
        if (replication < 1 && replication != BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException("topic " + name + ": replication must be at least 1 (or -1 for the broker default), got " + replication);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with UTF-8 string keys and Avro values of a generated class. */
    public static <V extends SpecificRecord> Topic<String, V> avro(
            String name, Class<V> valueType, int partitions, Map<String, String> configs) {
        return new Topic<>(name, Serdes.String(), valueType, config -> AvroSerde.forValue(valueType, config),
                partitions, BROKER_DEFAULT_REPLICATION, configs);
    }

    /** The value serde for this topic, using the given registry configuration. */
    public Serde<V> valueSerde(SerdeConfig config) {
        return valueSerdeFactory.apply(config);
    }

    /** The registry subject of the values (topic-name strategy). */
    public String valueSubject() {
        return AvroSerde.subject(name, false);
    }

    /** The Avro schema of the values, if they are generated Avro records. */
    public Optional<Schema> valueSchema() {
        if (!SpecificRecord.class.isAssignableFrom(valueType)) {
            return Optional.empty();
        }
        return Optional.ofNullable(SpecificData.getForClass(valueType).getSchema(valueType));
    }

    public boolean compacted() {
        return configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "").contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** This topic with another partition count (e.g. fewer for a local run). */
    public Topic<K, V> withPartitions(int newPartitions) {
        return new Topic<>(name, keySerde, valueType, valueSerdeFactory, newPartitions, replication, configs);
    }

    /** This topic with another replication factor (e.g. 3 on a production cluster). */
    public Topic<K, V> withReplication(short newReplication) {
        return new Topic<>(name, keySerde, valueType, valueSerdeFactory, partitions, newReplication, configs);
    }

    /** The admin-client request that creates this topic. */
    public NewTopic newTopic() {
        Optional<Short> rf = replication == BROKER_DEFAULT_REPLICATION ? Optional.empty() : Optional.of(replication);
        return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
    }
}

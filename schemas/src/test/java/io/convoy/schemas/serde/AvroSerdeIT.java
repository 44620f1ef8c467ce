package io.convoy.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.schemas.Samples;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.CompatibilityLevel;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message type through a real broker and a real registry, evolution, and poison pills. */
class AvroSerdeIT {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static SerdeConfig serdeConfig;
    private static TopicAdmin.Result ensured;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        registry = EmbeddedRegistry.start();
        System.out.println("EmbeddedKafka start: " + kafka.startupTime().toMillis() + " ms; EmbeddedRegistry start: "
                + registry.startupTime().toMillis() + " ms");
        SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
        serdeConfig = SerdeConfig.of(client);
        try (Admin admin = kafka.createAdmin()) {
            ensured = TopicAdmin.ensureTopics(admin, client, Topics.all());
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void startUpRegistersTheValueSchemaOfEveryTopic() {
        assertThat(ensured.created()).hasSize(Topics.all().size());
        assertThat(ensured.schemaIds().keySet())
                .containsExactlyInAnyOrderElementsOf(Topics.all().stream().map(Topic::valueSubject).toList());
        assertThat(serdeConfig.registry().subjects()).containsAll(ensured.schemaIds().keySet());
    }

    @Test
    void everyMessageTypeRoundTripsThroughItsTopic() {
        for (Topic<String, ?> topic : Topics.all()) {
            roundTrip(topic);
        }
    }

    private <V> void roundTrip(Topic<String, V> topic) {
        Map.Entry<String, Object> sample = Samples.forTopic(topic);
        V value = topic.valueType().cast(sample.getValue());
        try (KafkaProducer<String, V> producer = producer(topic.keySerde().serializer(), topic.valueSerde(serdeConfig).serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), sample.getKey(), value)).get();
        } catch (Exception e) {
            throw new AssertionError("send to " + topic.name() + " failed", e);
        }
        // A reader with a cold registry cache: the writer schema must come from the registry by id.
        SerdeConfig reader = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
        List<ConsumerRecord<String, V>> records = consumeAll(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde(reader).deserializer(), 1);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(sample.getKey());
        assertThat(records.get(0).value()).as(topic.name()).isEqualTo(value);
    }

    @Test
    void aRecordWrittenWithV1IsReadByAV2ReaderAndTheOtherWayRound() throws Exception {
        String topicName = "it.evolution";
        createTopic(topicName);
        serdeConfig.registry().register(topicName + "-value", PlanEvent.getClassSchema());
        serdeConfig.registry().setCompatibility(topicName + "-value", CompatibilityLevel.BACKWARD);

        PlanEvent v1 = Samples.planEvent();
        try (KafkaProducer<String, PlanEvent> producer = producer(new StringSerializer(), AvroSerde.forValue(PlanEvent.class, serdeConfig))) {
            producer.send(new ProducerRecord<>(topicName, "req-1", v1)).get();
        }
        io.convoy.schemas.avro.v2.PlanEvent v2Written = io.convoy.schemas.avro.v2.PlanEvent.newBuilder()
                .setEventId("pe-2").setRequestId("req-2").setPlanId(null).setTargetId(null)
                .setStatus(io.convoy.schemas.avro.v2.PlanStatus.COMPLETED).setReason(null).setErrorCode(null)
                .setStepCount(3).setOccurredAt(Samples.AT).setRegion("eu-west").build();
        try (KafkaProducer<String, io.convoy.schemas.avro.v2.PlanEvent> producer = producer(new StringSerializer(),
                AvroSerde.forValue(io.convoy.schemas.avro.v2.PlanEvent.class, serdeConfig))) {
            // v2 adds a field with a default: the subject's BACKWARD rule accepts it as the next version
            producer.send(new ProducerRecord<>(topicName, "req-2", v2Written)).get();
        }

        SerdeConfig cold = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
        List<ConsumerRecord<String, io.convoy.schemas.avro.v2.PlanEvent>> asV2 = consumeAll(topicName, new StringDeserializer(),
                AvroSerde.forValue(io.convoy.schemas.avro.v2.PlanEvent.class, cold), 2);
        assertThat(asV2.get(0).value().getEventId()).isEqualTo("pe-1");
        assertThat(asV2.get(0).value().getReason()).isEqualTo(v1.getReason());
        assertThat(asV2.get(0).value().getStatus()).isEqualTo(io.convoy.schemas.avro.v2.PlanStatus.REJECTED);
        assertThat(asV2.get(0).value().getOccurredAt()).isEqualTo(Samples.AT);
        assertThat(asV2.get(0).value().getRegion()).as("the default fills the field v1 did not have").isEqualTo("global");
        assertThat(asV2.get(1).value()).isEqualTo(v2Written);

        List<ConsumerRecord<String, PlanEvent>> asV1 = consumeAll(topicName, new StringDeserializer(),
                AvroSerde.forValue(PlanEvent.class, cold), 2);
        assertThat(asV1.get(0).value()).isEqualTo(v1);
        assertThat(asV1.get(1).value().getEventId()).as("an old reader skips the new field").isEqualTo("pe-2");
        assertThat(asV1.get(1).value().getStepCount()).isEqualTo(3);
        assertThat(asV1.get(0).value().getSchema()).isEqualTo(PlanEvent.getClassSchema());
    }

    @Test
    void garbageIsASerializationExceptionAtItsOffset() throws Exception {
        byte[] valid = AvroSerde.forValue(PlanEvent.class, serdeConfig).serialize(Topics.PLAN_EVENTS.name(), Samples.planEvent());
        int validId = java.nio.ByteBuffer.wrap(valid, 1, 4).getInt();
        byte[] unknownId = valid.clone();
        java.nio.ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);
        byte[] wrongType = AvroSerde.forValue(TargetState.class, serdeConfig).serialize("it.wrong-type", Samples.targetState());

        assertPoison("it.poison-magic", "{\"not\":\"avro\"}".getBytes(), "unknown magic byte 0x7b");
        assertPoison("it.poison-short", new byte[] {0, 0}, "too short");
        assertPoison("it.poison-truncated", Arrays.copyOf(valid, valid.length / 2), "writer schema id " + validId);
        assertPoison("it.poison-unknown-id", unknownId, "schema id 987654 is unknown");
        assertPoison("it.poison-wrong-type", wrongType, "cannot be read as io.convoy.schemas.avro.PlanEvent");
    }

    private void assertPoison(String topicName, byte[] value, String expectedMessage) throws Exception {
        createTopic(topicName);
        try (KafkaProducer<String, byte[]> producer = producer(new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topicName, "k", value)).get();
        }
        AtomicReference<RecordDeserializationException> failure = new AtomicReference<>();
        try (KafkaConsumer<String, PlanEvent> consumer = consumer(new StringDeserializer(), AvroSerde.forValue(PlanEvent.class, serdeConfig))) {
            assignFromStart(consumer, topicName);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    consumer.poll(Duration.ofMillis(200));
                    return false;
                } catch (RecordDeserializationException e) {
                    failure.set(e);
                    return true;
                }
            });
        }
        RecordDeserializationException e = failure.get();
        assertThat(e.topicPartition().topic()).isEqualTo(topicName);
        assertThat(e.offset()).isZero();
        assertThat(e.getCause()).as(topicName).isInstanceOf(SerializationException.class)
                .hasMessageContaining(topicName)
                .hasMessageContaining(expectedMessage);
    }

    @Test
    void aSerializerThatMustNotRegisterRefusesAnUnknownSchema() {
        SerdeConfig noAutoRegister = new SerdeConfig(new SchemaRegistryClient(registry.ccompatUrl()), false);
        AvroSerde<PlanEvent> serde = AvroSerde.forValue(PlanEvent.class, noAutoRegister);
        assertThatThrownBy(() -> serde.serialize("it.not-registered", Samples.planEvent()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered under subject 'it.not-registered-value'");
        // under a registered subject it works, with the registered id
        byte[] bytes = serde.serialize(Topics.PLAN_EVENTS.name(), Samples.planEvent());
        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(ensured.schemaIds().get(Topics.PLAN_EVENTS.valueSubject()));
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    private static <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, keys, values);
    }

    /** No consumer group: assigned partitions, read from the start (a group join costs about a second). */
    private static <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, keys, values);
    }

    private static void assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private static <K, V> List<ConsumerRecord<K, V>> consumeAll(String topic, Deserializer<K> keys, Deserializer<V> values, int expected) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = consumer(keys, values)) {
            assignFromStart(consumer, topic);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}

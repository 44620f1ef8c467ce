package io.convoy.executor;

import static org.awaitility.Awaitility.await;

import io.convoy.core.apply.VersionStore;
import io.convoy.executor.ExecutorConfig.Key;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.control.ControlOrders;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the executor ITs that run whole {@link ExecutorService}s share, started once per class: PostgreSQL 15, a
 * Kafka broker with the executor's topics, the registry, a producer of commands and control orders, and a
 * collector of every step event published. Databases are named after their targets ({@code -} becomes {@code _}).
 */
final class ExecutorParts implements AutoCloseable {
    final EmbeddedPostgres pg;
    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final SerdeConfig serdes;
    final KafkaProducer<String, byte[]> producer;
    private final List<StepEvent> events = new CopyOnWriteArrayList<>();
    private final Thread collector;
    private volatile boolean collecting = true;

    private ExecutorParts(EmbeddedPostgres pg, EmbeddedKafka kafka, EmbeddedRegistry registry, String name) throws Exception {
        this.pg = pg;
        this.kafka = kafka;
        this.registry = registry;
        SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
        serdes = SerdeConfig.of(client);
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, client, ExecutorService.TOPICS);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = IntStream.range(0, Topics.STEP_EVENTS.partitions())
                .mapToObj(p -> new TopicPartition(Topics.STEP_EVENTS.name(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        AvroSerde<StepEvent> serde = AvroSerde.forValue(StepEvent.class, serdes);
        collector = new Thread(() -> {
            try {
                while (collecting) {
                    consumer.poll(Duration.ofMillis(50)).forEach(r -> events.add(serde.deserialize(r.topic(), r.value())));
                }
            } finally {
                consumer.close();
            }
        }, name + "-collector");
        collector.start();
    }

    /** Starts everything; {@code name} names the collector thread. What started is closed again if a part fails. */
    static ExecutorParts start(String name) throws Exception {
        EmbeddedPostgres pg = null;
        EmbeddedKafka kafka = null;
        EmbeddedRegistry registry = null;
        try {
            pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
            CompletableFuture<EmbeddedRegistry> registryStart = CompletableFuture.supplyAsync(EmbeddedRegistry::start);
            kafka = EmbeddedKafka.start();
            registry = registryStart.join();
            return new ExecutorParts(pg, kafka, registry, name);
        } catch (Exception | Error e) {
            try {
                closeAll(registry, kafka, pg);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The settings every executor of these ITs has: broker, registry, group, id, targets file and a migration lock
     * wait of 20 s (a mutable map, for the test's own settings).
     */
    Map<Key, String> settings(String id, String group, Path targetsFile) {
        return settings(kafka, registry, id, group, targetsFile);
    }

    /** {@link #settings(String, String, Path)} for an IT that starts its own parts. */
    static Map<Key, String> settings(EmbeddedKafka kafka, EmbeddedRegistry registry, String id, String group, Path targetsFile) {
        Map<Key, String> values = new HashMap<>();
        values.put(Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        values.put(Key.GROUP_ID, group);
        values.put(Key.EXECUTOR_ID, id);
        values.put(Key.TARGETS_FILE, targetsFile.toString());
        values.put(Key.MIGRATION_LOCK_WAIT, "20s");
        return values;
    }

    /** A group that has no offsets yet starts at the end of convoy.commands (a restarted one keeps its offsets). */
    void startGroupAtEnd(String group) throws Exception {
        startGroupAtEnd(kafka, group);
    }

    /** {@link #startGroupAtEnd(String)} for an IT that starts its own parts. */
    static void startGroupAtEnd(EmbeddedKafka kafka, String group) throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            if (!admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            IntStream.range(0, Topics.COMMANDS.partitions()).forEach(p -> latest.put(new TopicPartition(Topics.COMMANDS.name(), p),
                    OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    /** Publishes an operator's order on convoy.control and waits for the broker's acknowledgement. */
    RecordMetadata control(ControlScope scope, ControlAction action, String actor, String reason) {
        ControlRecord r = ControlOrders.operator(scope, action, actor, reason, Instant.now());
        try {
            return producer.send(new ProducerRecord<>(Topics.CONTROL.name(), scope.key(),
                    Topics.CONTROL.valueSerde(serdes).serializer().serialize(Topics.CONTROL.name(), r))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a command keyed by its target; {@code partition} null lets the key choose it. */
    RecordMetadata publish(MigrationCommand c, Integer partition) {
        try {
            return producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), partition, c.getTargetId(),
                    AvroSerde.forValue(MigrationCommand.class, serdes).serialize(Topics.COMMANDS.name(), c))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every step event collected so far. */
    List<StepEvent> events() {
        return events;
    }

    List<StepEvent> events(String commandId) {
        return events.stream().filter(e -> e.getCommandId().equals(commandId)).toList();
    }

    List<StepStatus> statuses(String commandId) {
        return events(commandId).stream().map(StepEvent::getStatus).toList();
    }

    void awaitApplied(String commandId, Duration atMost) {
        await().atMost(atMost).until(() -> statuses(commandId).contains(StepStatus.APPLIED));
    }

    String url(String target) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + target.replace('-', '_');
    }

    Connection connect(String target) throws SQLException {
        return DriverManager.getConnection(url(target) + "?user=postgres");
    }

    Connection connectAdmin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
    }

    void createDatabase(String target) {
        try (Connection c = connectAdmin(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + target.replace('-', '_') + " STRATEGY = FILE_COPY");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Revisions recorded as applied in convoy.history, oldest first (interruption and checkpoint rows left out). */
    List<String> appliedRevisions(String target) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(target); Statement st = c.createStatement()) {
            if (!VersionStore.exists(c, "convoy.history")) {
                return out;
            }
            try (ResultSet rs = st.executeQuery("SELECT revision FROM convoy.history WHERE outcome = 'applied' ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        collecting = false;
        collector.join(10_000);
        closeAll(producer, registry, kafka, pg);
    }

    private static void closeAll(AutoCloseable... parts) throws Exception {
        Exception first = null;
        for (AutoCloseable p : parts) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

package io.convoy.bench;

import io.convoy.executor.ExecutorService;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.postgres.PostgresCluster;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real parts every benchmark runs against, started once per run: a PostgreSQL 15 primary, a KRaft Kafka broker
 * and an Apicurio schema registry (io.convoy.testkit, all on 127.0.0.1), the pipeline's topics, and a producer of
 * commands (acks=all, idempotent, no linger: as the planner's).
 */
final class Parts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Parts.class);

    final PostgresCluster pg;
    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final SerdeConfig serdes;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerde<MigrationCommand> commandSerde;
    /** Created by the first {@link #sendInTransaction}. */
    private KafkaProducer<String, byte[]> transactional;

    private Parts(PostgresCluster pg, EmbeddedKafka kafka, EmbeddedRegistry registry) {
        this.pg = pg;
        this.kafka = kafka;
        this.registry = registry;
        this.serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, serdes.registry(), ExecutorService.TOPICS);
        }
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
        this.commandSerde = AvroSerde.forValue(MigrationCommand.class, serdes);
    }

    static Parts start() {
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedRegistry> registry = CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        CompletableFuture<PostgresCluster> pg = CompletableFuture.supplyAsync(PostgresCluster::start);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Parts parts = new Parts(pg.join(), kafka, registry.join());
        log.info("PostgreSQL {}, Kafka {} and registry {} up in {} ms", parts.pg.port(), kafka.bootstrapServers(),
                parts.registry.ccompatUrl(), (System.nanoTime() - t0) / 1_000_000);
        return parts;
    }

    /** Serialises (registry-backed) and sends a command keyed by its target; the future completes on acknowledgement. */
    java.util.concurrent.Future<RecordMetadata> send(MigrationCommand c) {
        byte[] value = commandSerde.serialize(Topics.COMMANDS.name(), c);
        return producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), c.getTargetId(), value));
    }

    byte[] serialize(MigrationCommand c) {
        return commandSerde.serialize(Topics.COMMANDS.name(), c);
    }

    java.util.concurrent.Future<RecordMetadata> sendSerialized(String key, byte[] value) {
        return producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), key, value));
    }

    /**
     * Publishes commands in one Kafka transaction, as the planner does (Kafka Streams, exactly-once): executors read
     * committed records only, so a request's commands become visible together when the transaction commits, not one
     * by one as a plain producer's batches land. Returns when the transaction is committed.
     */
    void sendInTransaction(List<String> keys, List<byte[]> values) {
        if (transactional == null) {
            transactional = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "convoy-bench-commands"),
                    new StringSerializer(), new ByteArraySerializer());
            transactional.initTransactions();
        }
        transactional.beginTransaction();
        for (int i = 0; i < values.size(); i++) {
            transactional.send(new ProducerRecord<>(Topics.COMMANDS.name(), keys.get(i), values.get(i)));
        }
        transactional.commitTransaction();
    }

    String jdbcUrl(String database) {
        return pg.jdbcUrl(database);
    }

    void createDatabase(String name) {
        pg.createDatabase(name);
    }

    /** Sessions ever opened on the databases whose names start with {@code prefix} (pg_stat_database.sessions). */
    long sessions(String prefix) {
        try (Connection c = pg.connect("postgres");
             java.sql.PreparedStatement s = c.prepareStatement(
                     "select coalesce(sum(sessions), 0) from pg_stat_database where datname like ? || '%'")) {
            s.setString(1, prefix);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_stat_database: " + e.getMessage(), e);
        }
    }

    void sql(String statement) {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    String postgresVersion() {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            producer.close();
            if (transactional != null) {
                transactional.close();
            }
        } finally {
            try {
                registry.close();
            } finally {
                try {
                    kafka.close();
                } finally {
                    pg.close();
                }
            }
        }
    }
}

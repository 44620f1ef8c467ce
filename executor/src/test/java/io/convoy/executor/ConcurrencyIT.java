package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.executor.ExecutorConfig.Key;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several targets on one executor at once, against a real broker, registry and PostgreSQL 15 (each started once):
 * a halted target holds back neither the other targets of its partition nor the commit of what they finished
 * beyond its own offset; each target's commands stay in order; a crash under concurrency applies nothing twice;
 * /health and /metrics answer over HTTP. Every test publishes its commands to a partition of its own and uses
 * its own consumer group, targets and halt scopes.
 */
class ConcurrencyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static EmbeddedPostgres pg;
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static SerdeConfig serdes;
    private static KafkaProducer<String, byte[]> producer;
    private static KafkaConsumer<String, byte[]> events;
    private static final List<StepEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static Thread collector;
    private static volatile boolean collecting = true;

    @TempDir
    static Path dir;

    private final List<ExecutorService> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        var registryStart = java.util.concurrent.CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        kafka = EmbeddedKafka.start();
        registry = registryStart.join();
        SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
        serdes = SerdeConfig.of(client);
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, client, ExecutorService.TOPICS);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
        events = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = IntStream.range(0, Topics.STEP_EVENTS.partitions())
                .mapToObj(p -> new TopicPartition(Topics.STEP_EVENTS.name(), p)).toList();
        events.assign(partitions);
        events.seekToBeginning(partitions);
        AvroSerde<StepEvent> serde = AvroSerde.forValue(StepEvent.class, serdes);
        collector = new Thread(() -> {
            while (collecting) {
                events.poll(Duration.ofMillis(50)).forEach(r -> EVENTS.add(serde.deserialize(r.topic(), r.value())));
            }
            events.close();
        }, "concurrency-it-collector");
        collector.start();
    }

    @AfterAll
    static void stop() throws Exception {
        collecting = false;
        if (collector != null) {
            collector.join(10_000);
        }
        if (producer != null) {
            producer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @AfterEach
    void closeExecutors() {
        running.forEach(ExecutorService::close);
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void aHaltedTargetHoldsBackNeitherAnotherTargetOfItsPartitionNorTheCommitOfWhatCameBeforeIt() throws Exception {
        int partition = 0;
        String halted = "conc-halted";
        String free = "conc-free";
        String before = "conc-before";
        List.of(halted, free, before).forEach(ConcurrencyIT::createDatabase);
        control(ControlScope.target(halted), ControlAction.HALT, "it-operator", "hold one target");
        ExecutorService e = executor("e-conc-1", "g-conc-1", List.of(halted, free, before), Map.of(), StepGate.OPEN, Faults.NONE);
        await().atMost(WAIT).until(() -> e.halts().isHalted(halted, null));

        List<MigrationCommand> first = Fleet.upgradeToHead("plan-before", before);
        List<MigrationCommand> h = Fleet.upgradeToHead("plan-halted", halted);
        List<MigrationCommand> f = Fleet.upgradeToHead("plan-free", free);
        long base = publish(first.get(0), partition).offset();
        awaitApplied(first.get(0).getCommandId());
        // All on one partition, interleaved: halted:0, free:0, halted:1, free:1, halted:2, free:2.
        long haltedOffset = -1;
        for (int i = 0; i < 3; i++) {
            long o = publish(h.get(i), partition).offset();
            if (i == 0) {
                haltedOffset = o;
            }
            publish(f.get(i), partition);
        }
        f.forEach(c -> awaitApplied(c.getCommandId()));
        assertThat(appliedRevisions(free)).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        await().atMost(WAIT).until(() -> statuses(h.get(0).getCommandId()).contains(StepStatus.HALTED));
        assertThat(appliedRevisions(halted)).isEmpty();
        assertThat(statuses(h.get(1).getCommandId())).isEmpty();
        // The commit stops at the halted target's first command: everything below it is done, nothing above is committed.
        long stopAt = haltedOffset;
        await().atMost(WAIT).until(() -> committed("g-conc-1", partition) == stopAt);
        assertThat(stopAt).isGreaterThan(base);

        control(ControlScope.target(halted), ControlAction.RESUME, "it-operator", "");
        h.forEach(c -> awaitApplied(c.getCommandId()));
        assertThat(appliedRevisions(halted)).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        assertThat(statuses(h.get(0).getCommandId())).containsExactly(StepStatus.HALTED, StepStatus.RESUMED, StepStatus.STARTED,
                StepStatus.APPLIED);
        await().atMost(WAIT).until(() -> committed("g-conc-1", partition) == stopAt + 6);
    }

    @Test
    void eachTargetsCommandsRunInOrderWhileSeveralTargetsRunAtOnce() throws Exception {
        int partition = 1;
        List<String> targets = IntStream.rangeClosed(1, 6).mapToObj(i -> "conc-order-" + i).toList();
        targets.forEach(ConcurrencyIT::createDatabase);
        // The first step of the first three targets to start waits until all three started: only true parallelism
        // gets past this gate before its timeout.
        CountDownLatch together = new CountDownLatch(3);
        List<Boolean> metTogether = new CopyOnWriteArrayList<>();
        StepGate meet = (StatementContext c) -> {
            if (c.command().stepIndex() == 0 && c.statement() == 1 && c.attempt() == 1 && together.getCount() > 0) {
                together.countDown();
                try {
                    metTogether.add(together.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        executor("e-conc-2", "g-conc-2", targets, Map.of(Key.WORKER_THREADS, "3"), meet, Faults.NONE);
        Map<String, List<MigrationCommand>> plans = new HashMap<>();
        targets.forEach(t -> plans.put(t, Fleet.upgradeToHead("plan-order", t)));
        for (int step = 0; step < 3; step++) {
            for (String t : targets) {
                publish(plans.get(t).get(step), partition);
            }
        }
        plans.values().forEach(p -> p.forEach(c -> awaitApplied(c.getCommandId())));

        assertThat(metTogether).hasSize(3).containsOnly(true);
        for (String t : targets) {
            assertThat(appliedRevisions(t)).as("history of %s", t).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
            List<MigrationCommand> p = plans.get(t);
            for (int i = 1; i < 3; i++) {
                Instant previousApplied = event(p.get(i - 1).getCommandId(), StepStatus.APPLIED).getOccurredAt();
                Instant started = event(p.get(i).getCommandId(), StepStatus.STARTED).getOccurredAt();
                assertThat(started).as("%s: step %d starts after step %d is applied", t, i, i - 1)
                        .isAfterOrEqualTo(previousApplied);
            }
        }
        await().atMost(WAIT).until(() -> committed("g-conc-2", partition) >= 18);
    }

    @Test
    void aCrashUnderConcurrencyAppliesEveryCommandOnceAndItsRedeliveryOnlyRepublishes() throws Exception {
        int partition = 2;
        List<String> targets = IntStream.rangeClosed(1, 4).mapToObj(i -> "conc-crash-" + i).toList();
        targets.forEach(ConcurrencyIT::createDatabase);
        AtomicInteger outcomes = new AtomicInteger();
        // The fifth outcome is published and acknowledged, then the executor dies before committing it.
        Faults crash = (stage, command) -> {
            if (stage == Faults.Stage.PUBLISHED_NOT_COMMITTED && outcomes.incrementAndGet() == 5) {
                throw new IllegalStateException("simulated crash after publishing " + command.commandId());
            }
        };
        ExecutorService first = executor("e-conc-3a", "g-conc-3", targets, Map.of(Key.WORKER_THREADS, "4"), StepGate.OPEN, crash);
        List<String> ids = new ArrayList<>();
        Map<String, List<MigrationCommand>> plans = new HashMap<>();
        targets.forEach(t -> plans.put(t, Fleet.upgradeToHead("plan-crash", t)));
        for (int step = 0; step < 3; step++) {
            for (String t : targets) {
                publish(plans.get(t).get(step), partition);
                ids.add(plans.get(t).get(step).getCommandId());
            }
        }
        await().atMost(WAIT).until(() -> !first.isRunning());
        assertThat(first.failure()).get().asString().contains("simulated crash");

        executor("e-conc-3b", "g-conc-3", targets, Map.of(Key.WORKER_THREADS, "4"), StepGate.OPEN, Faults.NONE);
        ids.forEach(ConcurrencyIT::awaitApplied);
        for (String t : targets) {
            assertThat(appliedRevisions(t)).as("each revision of %s applied exactly once", t)
                    .containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        }
        for (String id : ids) {
            assertThat(statuses(id)).as("%s started once", id).containsOnlyOnce(StepStatus.STARTED);
            List<StepEvent> applied = events(id).stream().filter(x -> x.getStatus() == StepStatus.APPLIED).toList();
            assertThat(applied.subList(1, applied.size())).as("%s: a second APPLIED only re-announces it", id)
                    .allSatisfy(x -> assertThat(x.getMessage()).contains("already applied"));
        }
        await().atMost(WAIT).until(() -> committed("g-conc-3", partition) >= 12);
    }

    @Test
    void healthAndMetricsAnswerOverHttp() throws Exception {
        int partition = 3;
        String target = "conc-metrics";
        createDatabase(target);
        ExecutorService e = executor("e-conc-4", "g-conc-4", List.of(target), Map.of(Key.METRICS_PORT, "0"), StepGate.OPEN,
                Faults.NONE);
        int port = e.metricsPort().orElseThrow();
        Fleet.upgradeToHead("plan-metrics", target).forEach(c -> publish(c, partition));
        Fleet.upgradeToHead("plan-metrics", target).forEach(c -> awaitApplied(c.getCommandId()));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP").contains("control");
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("convoy_executor_step_duration_seconds_count{outcome=\"APPLIED\"} 3")
                    .contains("convoy_executor_commands_in_flight")
                    .contains("convoy_executor_halts_in_force")
                    .contains("convoy_executor_step_retries_total")
                    .contains("kafka_consumer");
        });
        e.close();
        assertThat(e.metricsPort()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ExecutorService executor(String id, String group, List<String> targets, Map<Key, String> extra, StepGate gate,
            Faults faults) throws Exception {
        Path file = dir.resolve(id + "-targets.yaml");
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (String t : targets) {
            yaml.append("  ").append(t).append(":\n    url: ").append(url(t)).append("\n    user: postgres\n");
        }
        Files.writeString(file, yaml);
        startGroupAtEnd(group);
        Map<Key, String> values = new HashMap<>();
        values.put(Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        values.put(Key.GROUP_ID, group);
        values.put(Key.EXECUTOR_ID, id);
        values.put(Key.TARGETS_FILE, file.toString());
        values.put(Key.MIGRATION_LOCK_WAIT, "20s");
        values.putAll(extra);
        ExecutorConfig config = ExecutorConfig.of(values, "test", dir);
        ExecutorService s = new ExecutorService(config, TargetsFile.load(file, Map.of()), Clock.systemUTC(), gate, faults, Map.of());
        running.add(s);
        s.start();
        return s;
    }

    /** A group that has no offsets yet starts at the end of convoy.commands (a restarted one keeps its offsets). */
    private static void startGroupAtEnd(String group) throws Exception {
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

    private static long committed(String group, int partition) throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(Topics.COMMANDS.name(), partition));
            return o == null ? -1 : o.offset();
        }
    }

    private static void control(ControlScope scope, ControlAction action, String actor, String reason) {
        ControlRecord r = ControlOrders.operator(scope, action, actor, reason, Instant.now());
        try {
            producer.send(new ProducerRecord<>(Topics.CONTROL.name(), scope.key(),
                    Topics.CONTROL.valueSerde(serdes).serializer().serialize(Topics.CONTROL.name(), r))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes to the given partition (several targets sharing one, as they do when their keys hash alike). */
    private static RecordMetadata publish(MigrationCommand c, int partition) {
        try {
            return producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), partition, c.getTargetId(),
                    AvroSerde.forValue(MigrationCommand.class, serdes).serialize(Topics.COMMANDS.name(), c))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<StepEvent> events(String commandId) {
        return EVENTS.stream().filter(e -> e.getCommandId().equals(commandId)).toList();
    }

    private static StepEvent event(String commandId, StepStatus status) {
        return events(commandId).stream().filter(e -> e.getStatus() == status).findFirst().orElseThrow();
    }

    private static List<StepStatus> statuses(String commandId) {
        return events(commandId).stream().map(StepEvent::getStatus).toList();
    }

    private static void awaitApplied(String commandId) {
        await().atMost(WAIT).until(() -> statuses(commandId).contains(StepStatus.APPLIED));
    }

    private static String url(String target) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + target.replace('-', '_');
    }

    private static void createDatabase(String target) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + target.replace('-', '_') + " STRATEGY = FILE_COPY");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Revisions recorded as applied in convoy.history, oldest first. */
    private static List<String> appliedRevisions(String target) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(target) + "?user=postgres"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('convoy.history') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return out;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT revision FROM convoy.history WHERE outcome = 'applied' ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}

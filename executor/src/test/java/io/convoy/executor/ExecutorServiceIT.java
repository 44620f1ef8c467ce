package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.Migrator;
import io.convoy.executor.ExecutorConfig.Key;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor against a real Kafka broker, a real schema registry and a real PostgreSQL 15 (each started once):
 * commands built from real revision files, as the planner builds them. Each test has its own targets
 * (databases), plan ids and consumer group (which starts at the end of convoy.commands).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutorServiceIT {
    private static final String SECRET = "It-pw-" + UUID.randomUUID().toString().substring(0, 12);
    private static final String WRONG = "Wrong-pw-" + UUID.randomUUID().toString().substring(0, 12);
    private static final Map<String, String> ENV = Map.of("IT_PW", SECRET, "IT_WRONG_PW", WRONG);
    private static final String ROLE = "convoy_it";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> GROUPS = new java.util.HashSet<>();

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static PrintStream originalErr;
    private static PrintStream originalOut;
    private static EmbeddedPostgres pg;
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static SerdeConfig serdes;
    private static KafkaProducer<String, byte[]> producer;
    private static Collector collector;

    @TempDir
    static Path dir;

    private final List<ExecutorService> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        // Password authentication for every user but the superuser, so that a wrong password really fails.
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").setDataDirectoryCustomizer(d -> {
            try {
                Files.writeString(d.toPath().resolve("pg_hba.conf"), "local all all trust\n"
                        + "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).start();
        try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + SECRET + "'");
        }
        java.util.concurrent.CompletableFuture<EmbeddedRegistry> registryStart =
                java.util.concurrent.CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        kafka = EmbeddedKafka.start();
        registry = registryStart.join();
        SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
        serdes = SerdeConfig.of(client);
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, client, ExecutorService.TOPICS);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        collector = new Collector();
        originalOut.println("ExecutorServiceIT: PostgreSQL, Kafka and registry up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (collector != null) {
                collector.close();
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
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    @AfterEach
    void closeExecutors() {
        running.forEach(ExecutorService::close);
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void appliesTheCommandsOfThreeTargetsInOrderAndPublishesEveryStateChange() throws Exception {
        List<String> targets = List.of("alpha-1", "alpha-2", "alpha-3");
        targets.forEach(ExecutorServiceIT::createDatabase);
        ExecutorService executor = executor("e-alpha", "g-alpha", targets, Faults.NONE, Map.of());
        await().atMost(WAIT).untilAsserted(() -> assertThat(collector.targetStates().stream()
                .filter(s -> targets.contains(s.getTargetId()) && s.getHeads().isEmpty()).map(TargetState::getTargetId)
                .collect(Collectors.toSet())).as("start-up target states").containsExactlyInAnyOrderElementsOf(targets));

        String plan = "plan-alpha";
        Map<String, List<MigrationCommand>> commands = new LinkedHashMap<>();
        targets.forEach(t -> commands.put(t, Fleet.upgradeToHead(plan, t)));
        for (int step = 0; step < 3; step++) {
            for (String t : targets) {
                publish(commands.get(t).get(step));
            }
        }
        List<String> ids = commands.values().stream().flatMap(List::stream).map(MigrationCommand::getCommandId).toList();
        awaitFinal(ids);

        List<String> revisions = List.of(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        for (String t : targets) {
            List<StepEvent> events = collector.stepEvents().stream().filter(e -> e.getPlanId().equals(plan) && e.getTargetId().equals(t))
                    .toList();
            assertThat(events).extracting(StepEvent::getStatus).containsExactly(StepStatus.STARTED, StepStatus.APPLIED,
                    StepStatus.STARTED, StepStatus.APPLIED, StepStatus.STARTED, StepStatus.APPLIED);
            assertThat(events).extracting(StepEvent::getCommandId).containsExactly(plan + ":" + t + ":0", plan + ":" + t + ":0",
                    plan + ":" + t + ":1", plan + ":" + t + ":1", plan + ":" + t + ":2", plan + ":" + t + ":2");
            assertThat(events).extracting(StepEvent::getStepIndex).containsExactly(0, 0, 1, 1, 2, 2);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getStepCount()).isEqualTo(3);
                assertThat(e.getExecutorId()).isEqualTo("e-alpha");
                assertThat(e.getRequestId()).isEqualTo("req-" + plan);
            });
            List<StepEvent> applied = events.stream().filter(e -> e.getStatus() == StepStatus.APPLIED).toList();
            assertThat(applied).extracting(StepEvent::getRevision).containsExactlyElementsOf(revisions);
            assertThat(applied).extracting(StepEvent::getHeads).containsExactly(List.of(Fleet.REV1), List.of(Fleet.REV2), List.of(Fleet.REV3));
            assertThat(applied).allSatisfy(e -> {
                assertThat(e.getAttempts()).isEqualTo(1);
                assertThat(e.getDurationMs()).isNotNull().isGreaterThanOrEqualTo(0L);
            });
            assertThat(history(t)).containsExactly(
                    List.of(Fleet.REV1, "upgrade", "applied", plan, plan + ":" + t + ":0"),
                    List.of(Fleet.REV2, "upgrade", "applied", plan, plan + ":" + t + ":1"),
                    List.of(Fleet.REV3, "upgrade", "applied", plan, plan + ":" + t + ":2"));
            assertThat(heads(t)).containsExactly(Fleet.REV3);
            TargetState last = lastState(t);
            assertThat(last.getHeads()).containsExactly(Fleet.REV3);
            assertThat(last.getLastPlanId()).isEqualTo(plan);
            assertThat(last.getLastErrorCode()).isNull();
        }
        assertThat(columns("alpha-2", "accounts")).containsExactly("id", "email", "status");

        long t0 = System.nanoTime();
        executor.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        originalOut.println("ExecutorServiceIT: idle executor closed in " + closeMs + " ms");
        // Close latency is a benchmark figure, not a test bound (the CI machine is shared and noisy):
        // here close must only finish well within the configured shutdown timeout instead of hanging.
        assertThat(closeMs).as("close of an idle executor must not wait for its shutdown timeout").isLessThan(15_000);
        assertThat(executor.isRunning()).isFalse();
        assertThat(executor.failure()).isEmpty();
    }

    @Test
    @Order(2)
    void aHeadsMismatchIsRefusedAndAFailedStepStopsItsPlanOnThatTarget() throws Exception {
        createDatabase("beta-1");
        createDatabase("beta-2");
        // beta-1 was moved by another run: it is at r1, the plan believes it at base.
        new Migrator(source("beta-1"), ApplyOptions.defaults(), Clock.systemUTC(), e -> { })
                .apply(Fleet.GRAPH.upgrade(Set.of(), Fleet.REV1));
        // beta-2 has a table the first revision wants to create: its first statement fails for good.
        try (Connection c = connect("beta-2"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id int)");
        }
        executor("e-beta", "g-beta", List.of("beta-1", "beta-2"), Faults.NONE, Map.of());
        List<MigrationCommand> refused = Fleet.upgradeToHead("plan-beta", "beta-1");
        List<MigrationCommand> failing = Fleet.upgradeToHead("plan-beta", "beta-2");
        for (int i = 0; i < 3; i++) {
            publish(refused.get(i));
            publish(failing.get(i));
        }
        awaitFinal(ids(refused));
        awaitFinal(ids(failing));

        StepEvent mismatch = finalEvent(refused.get(0).getCommandId());
        assertThat(mismatch.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(mismatch.getErrorCode()).isEqualTo("MIG004");
        assertThat(mismatch.getMessage()).contains("nothing was applied").contains("target beta-1");
        assertThat(mismatch.getHeads()).as("the heads the database really has").containsExactly(Fleet.REV1);
        assertThat(mismatch.getAttempts()).isZero();
        for (MigrationCommand later : refused.subList(1, 3)) {
            StepEvent skipped = finalEvent(later.getCommandId());
            assertThat(skipped.getStatus()).isEqualTo(StepStatus.SKIPPED);
            assertThat(skipped.getMessage()).contains("plan plan-beta stopped on target beta-1");
        }
        assertThat(collector.stepEvents()).filteredOn(e -> e.getTargetId().equals("beta-1"))
                .extracting(StepEvent::getStatus).doesNotContain(StepStatus.STARTED, StepStatus.APPLIED);
        assertThat(history("beta-1")).as("only the out-of-band run").containsExactly(
                Arrays.asList(Fleet.REV1, "upgrade", "applied", null, null));
        assertThat(heads("beta-1")).containsExactly(Fleet.REV1);
        assertThat(columns("beta-1", "accounts")).containsExactly("id", "email");
        assertThat(lastState("beta-1").getLastErrorCode()).isEqualTo("MIG004");
        assertThat(lastState("beta-1").getHeads()).containsExactly(Fleet.REV1);

        StepEvent failed = finalEvent(failing.get(0).getCommandId());
        assertThat(failed.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.getErrorCode()).isEqualTo("MIG013");
        assertThat(failed.getSqlState()).isEqualTo("42P07");
        assertThat(failed.getAttempts()).isEqualTo(1);
        for (MigrationCommand later : failing.subList(1, 3)) {
            StepEvent skipped = finalEvent(later.getCommandId());
            assertThat(skipped.getStatus()).isEqualTo(StepStatus.SKIPPED);
            assertThat(skipped.getMessage()).contains("failed with MIG013");
        }
        assertThat(history("beta-2")).containsExactly(List.of(Fleet.REV1, "upgrade", "failed", "plan-beta", "plan-beta:beta-2:0"));
        assertThat(heads("beta-2")).isEmpty();
        assertThat(lastState("beta-2").getLastErrorCode()).isEqualTo("MIG013");
    }

    @Test
    @Order(3)
    void aCommandDeliveredTwiceIsAppliedOnceAndItsEventPublishedAgain() throws Exception {
        createDatabase("gamma-1");
        executor("e-gamma", "g-gamma", List.of("gamma-1"), Faults.NONE, Map.of());
        MigrationCommand first = Fleet.upgradeToHead("plan-gamma", "gamma-1").get(0);
        publish(first);
        publish(first);
        String id = first.getCommandId();
        await().atMost(WAIT).untilAsserted(() -> assertThat(collector.stepEvents()).filteredOn(e -> e.getCommandId().equals(id)
                && e.getStatus() == StepStatus.APPLIED).hasSize(2));
        List<StepEvent> events = collector.stepEvents().stream().filter(e -> e.getCommandId().equals(id)).toList();
        assertThat(events).extracting(StepEvent::getStatus).containsExactly(StepStatus.STARTED, StepStatus.APPLIED, StepStatus.APPLIED);
        assertThat(events.get(2).getMessage()).contains("already applied").contains("nothing applied again");
        try (Connection c = connect("gamma-1"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT duration_ms FROM convoy.history")) {
            rs.next();
            assertThat(events.get(2).getDurationMs()).as("the recorded duration").isEqualTo(rs.getLong(1));
        }
        assertThat(events.get(2).getHeads()).containsExactly(Fleet.REV1);
        assertThat(history("gamma-1")).containsExactly(List.of(Fleet.REV1, "upgrade", "applied", "plan-gamma", id));

        // A downgrade from a script that changed since it was applied is refused; from the same script it runs.
        MigrationCommand down = Fleet.commands("plan-gamma-down", "gamma-1", Fleet.GRAPH.downgrade(Set.of(Fleet.REV1), "base")).get(0);
        MigrationCommand drifted = MigrationCommand.newBuilder(down).setPlanId("plan-gamma-drift")
                .setCommandId("plan-gamma-drift:gamma-1:0").setChecksum("0".repeat(64)).build();
        publish(drifted);
        publish(down);
        awaitFinal(List.of(drifted.getCommandId(), down.getCommandId()));
        StepEvent refused = finalEvent(drifted.getCommandId());
        assertThat(refused.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(refused.getErrorCode()).isEqualTo("MIG004");
        assertThat(refused.getMessage()).contains("the script changed since it was applied");
        StepEvent downgraded = finalEvent(down.getCommandId());
        assertThat(downgraded.getStatus()).isEqualTo(StepStatus.APPLIED);
        assertThat(downgraded.getDirection()).isEqualTo(io.convoy.schemas.avro.Direction.DOWNGRADE);
        assertThat(downgraded.getHeads()).isEmpty();
        assertThat(heads("gamma-1")).isEmpty();
        assertThat(columns("gamma-1", "accounts")).isEmpty();
        assertThat(history("gamma-1")).extracting(r -> r.get(1) + " " + r.get(2)).containsExactly("upgrade applied", "downgrade applied");
    }

    @Test
    @Order(4)
    void whenAnExecutorDiesInTheMiddleOfAPlanTheOtherTakesOverAndNothingIsAppliedTwice() throws Exception {
        List<String> targets = List.of("delta-1", "delta-2", "delta-3");
        targets.forEach(ExecutorServiceIT::createDatabase);
        AtomicInteger outcomes = new AtomicInteger();
        AtomicReference<String> crashed = new AtomicReference<>();
        AtomicReference<String> crashedCommand = new AtomicReference<>();
        Map<String, ExecutorService> executors = new HashMap<>();
        for (String name : List.of("e-delta-1", "e-delta-2")) {
            // Whichever executor reaches the second outcome dies right after the database committed it, before
            // publishing anything about it or committing its offset.
            Faults crashOnSecond = (stage, command) -> {
                if (stage == Faults.Stage.DONE_NOT_PUBLISHED && outcomes.incrementAndGet() == 2) {
                    crashed.set(name);
                    crashedCommand.set(command.commandId());
                    throw new IllegalStateException("simulated crash of " + name);
                }
            };
            executors.put(name, executor(name, "g-delta", targets, crashOnSecond, Map.of()));
        }
        Map<String, List<MigrationCommand>> commands = new LinkedHashMap<>();
        targets.forEach(t -> commands.put(t, Fleet.upgradeToHead("plan-delta", t)));
        for (int step = 0; step < 3; step++) {
            for (String t : targets) {
                publish(commands.get(t).get(step));
            }
        }
        List<String> ids = commands.values().stream().flatMap(List::stream).map(MigrationCommand::getCommandId).toList();
        awaitFinal(ids);

        assertThat(crashed.get()).isNotNull();
        String survivor = crashed.get().equals("e-delta-1") ? "e-delta-2" : "e-delta-1";
        await().atMost(WAIT).until(() -> !executors.get(crashed.get()).isRunning());
        assertThat(executors.get(crashed.get()).failure()).get().asString().contains("simulated crash");
        assertThat(executors.get(survivor).isRunning()).isTrue();

        for (String id : ids) {
            assertThat(collector.stepEvents()).as("APPLIED of %s", id)
                    .filteredOn(e -> e.getCommandId().equals(id) && e.getStatus() == StepStatus.APPLIED).isNotEmpty();
        }
        // The crashed command: applied by the one that died, announced by the survivor from convoy.history.
        List<StepEvent> ofCrashed = collector.stepEvents().stream().filter(e -> e.getCommandId().equals(crashedCommand.get())
                && e.getStatus() == StepStatus.APPLIED).toList();
        assertThat(ofCrashed).hasSize(1);
        assertThat(ofCrashed.get(0).getExecutorId()).isEqualTo(survivor);
        assertThat(ofCrashed.get(0).getMessage()).contains("already applied");
        for (String id : ids) {
            if (!id.equals(crashedCommand.get())) {
                assertThat(collector.stepEvents()).as("STARTED of %s", id)
                        .filteredOn(e -> e.getCommandId().equals(id) && e.getStatus() == StepStatus.STARTED).isNotEmpty();
            }
        }
        for (String t : targets) {
            assertThat(history(t)).as("history of %s: each revision applied exactly once", t).containsExactly(
                    List.of(Fleet.REV1, "upgrade", "applied", "plan-delta", "plan-delta:" + t + ":0"),
                    List.of(Fleet.REV2, "upgrade", "applied", "plan-delta", "plan-delta:" + t + ":1"),
                    List.of(Fleet.REV3, "upgrade", "applied", "plan-delta", "plan-delta:" + t + ":2"));
            assertThat(heads(t)).containsExactly(Fleet.REV3);
        }
    }

    @Test
    @Order(5)
    void poisonMessagesGoToTheDeadLetterTopicAndTheExecutorCarriesOn() throws Exception {
        createDatabase("eps-1");
        ExecutorService executor = executor("e-eps", "g-eps", List.of("eps-1"), Faults.NONE, Map.of());
        MigrationCommand good = Fleet.upgradeToHead("plan-eps", "eps-1").get(0);
        byte[] goodBytes = serialize(good);
        int schemaId = ByteBuffer.wrap(goodBytes, 1, 4).getInt();

        Map<String, ProducerRecord<String, byte[]>> poison = new LinkedHashMap<>();
        poison.put("garbage", record("eps-1", "definitely not avro".getBytes(StandardCharsets.UTF_8)));
        byte[] unknownId = goodBytes.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);
        poison.put("unknown schema id", record("eps-1", unknownId));
        poison.put("unknown direction", record("eps-1", variant(good, schemaId, "SIDEWAYS", null)));
        poison.put("missing field", record("eps-1", variant(good, schemaId, null, "checksum")));
        poison.put("invalid content", record("eps-1", serialize(MigrationCommand.newBuilder(good).setStepIndex(7)
                .setCommandId("plan-eps:eps-1:bad").build())));
        poison.put("no value", record("eps-1", null));
        Map<String, RecordMetadata> sent = new LinkedHashMap<>();
        for (Map.Entry<String, ProducerRecord<String, byte[]>> e : poison.entrySet()) {
            sent.put(e.getKey(), producer.send(e.getValue()).get());
        }
        MigrationCommand unknownTarget = Fleet.upgradeToHead("plan-eps", "nowhere-1").get(0);
        publish(unknownTarget);
        publish(good);
        awaitFinal(List.of(good.getCommandId(), unknownTarget.getCommandId()));

        assertThat(finalEvent(good.getCommandId()).getStatus()).isEqualTo(StepStatus.APPLIED);
        StepEvent noCredentials = finalEvent(unknownTarget.getCommandId());
        assertThat(noCredentials.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(noCredentials.getErrorCode()).isEqualTo("MIG020");
        assertThat(noCredentials.getMessage()).contains("no credentials for target nowhere-1")
                .contains("every executor of a group must list every target");
        assertThat(executor.isRunning()).isTrue();

        await().atMost(WAIT).untilAsserted(() -> assertThat(collector.deadLetters()).filteredOn(d ->
                sent.values().stream().anyMatch(m -> m.partition() == d.getPartition() && m.offset() == d.getOffset()))
                .hasSize(poison.size()));
        for (Map.Entry<String, RecordMetadata> e : sent.entrySet()) {
            RecordMetadata m = e.getValue();
            DeadLetter d = collector.deadLetters().stream().filter(l -> l.getPartition() == m.partition() && l.getOffset() == m.offset())
                    .findFirst().orElseThrow();
            ProducerRecord<String, byte[]> original = poison.get(e.getKey());
            assertThat(d.getSourceTopic()).isEqualTo(Topics.COMMANDS.name());
            assertThat(bytes(d.getKey())).as(e.getKey() + " key").isEqualTo(original.key().getBytes(StandardCharsets.UTF_8));
            assertThat(d.getValue() == null ? null : bytes(d.getValue())).as(e.getKey() + " value").isEqualTo(original.value());
            assertThat(d.getReason()).as(e.getKey()).isNotBlank();
            originalOut.println("ExecutorServiceIT: dead letter (" + e.getKey() + "): " + d.getReason());
        }
        assertThat(reason(sent.get("garbage"))).contains("magic byte");
        assertThat(reason(sent.get("unknown schema id"))).contains("schema id 987654 is unknown");
        assertThat(reason(sent.get("unknown direction"))).contains("SIDEWAYS");
        assertThat(reason(sent.get("missing field"))).contains("checksum");
        assertThat(reason(sent.get("invalid content"))).contains("step_index must be in 0..2, got 7");
        assertThat(reason(sent.get("no value"))).contains("tombstone");
        DeadLetter invalid = deadLetter(sent.get("invalid content"));
        assertThat(invalid.getErrorCode()).isEqualTo("MIG020");
        assertThat(deadLetter(sent.get("garbage")).getErrorCode()).isNull();
        assertThat(history("eps-1")).containsExactly(List.of(Fleet.REV1, "upgrade", "applied", "plan-eps", good.getCommandId()));
    }

    @Test
    @Order(6)
    void aLockHeldByAnotherSessionMakesTheStepRetryThenApply() throws Exception {
        createDatabase("zeta-1");
        executor("e-zeta", "g-zeta", List.of("zeta-1"), Faults.NONE, Map.of(Key.RETRY_MAX_ATTEMPTS, "50",
                Key.RETRY_INITIAL_BACKOFF, "50ms", Key.RETRY_MAX_BACKOFF, "200ms"));
        List<MigrationCommand> plan = Fleet.upgradeToHead("plan-zeta", "zeta-1");
        publish(plan.get(0));
        awaitFinal(List.of(plan.get(0).getCommandId()));
        String second = plan.get(1).getCommandId();
        try (Connection blocker = connect("zeta-1"); Statement st = blocker.createStatement()) {
            st.execute("SET application_name = 'the-blocker'");
            blocker.setAutoCommit(false);
            st.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
            publish(plan.get(1));
            await().atMost(WAIT).untilAsserted(() -> assertThat(collector.stepEvents()).filteredOn(e -> e.getCommandId().equals(second)
                    && e.getStatus() == StepStatus.RETRYING).hasSizeGreaterThanOrEqualTo(2));
            try (Connection observer = connect("zeta-1"); Statement q = observer.createStatement();
                    ResultSet rs = q.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                            + "'convoy-executor/plan-zeta/zeta-1'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the executor's sessions, named for the monitor").isGreaterThanOrEqualTo(1);
            }
            blocker.rollback();
        }
        awaitFinal(List.of(second));
        List<StepEvent> events = collector.stepEvents().stream().filter(e -> e.getCommandId().equals(second)).toList();
        StepEvent retry = events.stream().filter(e -> e.getStatus() == StepStatus.RETRYING).findFirst().orElseThrow();
        assertThat(retry.getErrorCode()).isEqualTo("MIG003");
        assertThat(retry.getSqlState()).isEqualTo("55P03");
        assertThat(retry.getAttempts()).isEqualTo(1);
        assertThat(retry.getMessage()).contains("the-blocker");
        StepEvent applied = events.get(events.size() - 1);
        assertThat(applied.getStatus()).isEqualTo(StepStatus.APPLIED);
        int retries = (int) events.stream().filter(e -> e.getStatus() == StepStatus.RETRYING).count();
        assertThat(applied.getAttempts()).isEqualTo(retries + 1);
        assertThat(events.stream().filter(e -> e.getStatus() == StepStatus.STARTED).count()).isEqualTo(retries + 1);
        assertThat(history("zeta-1")).extracting(r -> r.get(2)).containsExactly("applied", "applied");
    }

    @Test
    @Order(7)
    void aWrongPasswordFailsTheStepWithoutShowingAnyPassword() throws Exception {
        createDatabase("eta-1");
        Path file = dir.resolve("e-eta-targets.yaml");
        Files.writeString(file, "targets:\n  eta-1:\n    url: " + url("eta-1") + "\n    user: " + ROLE + "\n    password_env: IT_WRONG_PW\n");
        startExecutor("e-eta", "g-eta", file, Faults.NONE, Map.of());
        MigrationCommand c = Fleet.upgradeToHead("plan-eta", "eta-1").get(0);
        publish(c);
        awaitFinal(List.of(c.getCommandId()));
        StepEvent failed = finalEvent(c.getCommandId());
        assertThat(failed.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.getErrorCode()).isEqualTo("MIG021");
        assertThat(failed.getSqlState()).isEqualTo("28P01");
        assertThat(failed.getMessage()).contains("password authentication failed").doesNotContain(WRONG).doesNotContain(SECRET);
    }

    @Test
    @Order(8)
    void closeInterruptsTheRunningStepBeforeItsNextStatementAndTheCommandRunsAgainLater() throws Exception {
        createDatabase("theta-1");
        ExecutorService first = executor("e-theta-1", "g-theta", List.of("theta-1"), Faults.NONE, Map.of());
        String text = """
                -- convoy:revision: d4e5f6a1b2c3
                -- convoy:message: slow one TICKET-4

                -- convoy:upgrade
                SELECT pg_sleep(1.5);
                CREATE TABLE slow_done (id int);
                """;
        MigrationCommand slow = Fleet.commands("plan-theta", "theta-1",
                io.convoy.core.graph.RevisionGraph.of(List.of(io.convoy.core.script.RevisionParser.parse(text, Path.of("versions", "slow.sql"))))
                        .upgrade(Set.of(), "head")).get(0);
        publish(slow);
        String id = slow.getCommandId();
        await().atMost(WAIT).untilAsserted(() -> assertThat(collector.stepEvents()).filteredOn(e -> e.getCommandId().equals(id)
                && e.getStatus() == StepStatus.STARTED).hasSize(1));
        long t0 = System.nanoTime();
        first.close();
        originalOut.println("ExecutorServiceIT: executor closed during a step in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(first.isRunning()).isFalse();
        assertThat(first.failure()).isEmpty();
        assertThat(collector.stepEvents()).filteredOn(e -> e.getCommandId().equals(id)).extracting(StepEvent::getStatus)
                .containsExactly(StepStatus.STARTED);
        assertThat(columns("theta-1", "slow_done")).as("rolled back before statement 2").isEmpty();
        assertThat(history("theta-1")).extracting(r -> r.get(2)).containsExactly("failed");

        executor("e-theta-2", "g-theta", List.of("theta-1"), Faults.NONE, Map.of());
        awaitFinal(List.of(id));
        StepEvent applied = finalEvent(id);
        assertThat(applied.getStatus()).isEqualTo(StepStatus.APPLIED);
        assertThat(applied.getExecutorId()).isEqualTo("e-theta-2");
        assertThat(history("theta-1")).extracting(r -> r.get(2)).containsExactly("failed", "applied");
        try (Connection c = connect("theta-1"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT error FROM convoy.history WHERE outcome = 'failed'")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(io.convoy.executor.step.StepInterrupted.MARKER)
                    .contains("e-theta-1 is shutting down (before statement 2 of 2");
        }
        assertThat(columns("theta-1", "slow_done")).containsExactly("id");
    }

    @Test
    @Order(100)
    void noPasswordAppearsInAnyEventDeadLetterOrLogLine() {
        assertThat(collector.records()).as("records collected").hasSizeGreaterThan(20);
        for (ConsumerRecord<String, byte[]> r : collector.records()) {
            String text = new String(r.value(), StandardCharsets.ISO_8859_1);
            assertThat(text).as("%s/%d/%d", r.topic(), r.partition(), r.offset()).doesNotContain(SECRET).doesNotContain(WRONG);
        }
        String log;
        synchronized (LOG) {
            log = LOG.toString(StandardCharsets.UTF_8);
        }
        assertThat(log).as("log captured").contains("APPLIED").contains("dead-lettering").contains("target eta-1 (jdbc:postgresql://");
        assertThat(log).doesNotContain(SECRET).doesNotContain(WRONG);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ExecutorService executor(String id, String group, List<String> targets, Faults faults, Map<Key, String> extra)
            throws Exception {
        Path file = dir.resolve(id + "-targets.yaml");
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (String t : targets) {
            yaml.append("  ").append(t).append(":\n    url: ").append(url(t)).append("\n    user: ").append(ROLE)
                    .append("\n    password_env: IT_PW\n");
        }
        Files.writeString(file, yaml);
        return startExecutor(id, group, file, faults, extra);
    }

    private ExecutorService startExecutor(String id, String group, Path targetsFile, Faults faults, Map<Key, String> extra)
            throws Exception {
        if (GROUPS.add(group)) {
            ExecutorParts.startGroupAtEnd(kafka, group);
        }
        Map<Key, String> values = ExecutorParts.settings(kafka, registry, id, group, targetsFile);
        values.put(Key.POLL_TIMEOUT, "100ms");
        values.put(Key.RETRY_INITIAL_BACKOFF, "100ms");
        values.put(Key.RETRY_MAX_BACKOFF, "400ms");
        values.put(Key.REGISTRY_RETRY_BACKOFF, "500ms");
        values.putAll(extra);
        ExecutorConfig config = ExecutorConfig.of(values, "test", dir);
        ExecutorService s = new ExecutorService(config, TargetsFile.load(targetsFile, ENV), Clock.systemUTC(), StepGate.OPEN, faults,
                Map.of());
        running.add(s);
        s.start();
        return s;
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(Topics.COMMANDS.name(), key, value);
    }

    private static byte[] serialize(MigrationCommand c) {
        return AvroSerde.forValue(MigrationCommand.class, serdes).serialize(Topics.COMMANDS.name(), c);
    }

    private static RecordMetadata publish(MigrationCommand c) throws Exception {
        return producer.send(record(c.getTargetId(), serialize(c))).get();
    }

    /**
     * The command written with a variant of its schema (registered under another subject): with an extra
     * Direction symbol set on the record, or without one field.
     */
    private static byte[] variant(MigrationCommand c, int schemaId, String direction, String dropField) throws IOException {
        Schema base = MigrationCommand.getClassSchema();
        String json = base.toString();
        if (direction != null) {
            json = json.replace("\"symbols\":[\"UPGRADE\",\"DOWNGRADE\"]", "\"symbols\":[\"UPGRADE\",\"DOWNGRADE\",\"" + direction + "\"]");
        }
        Schema writer = new Schema.Parser().parse(json);
        if (dropField != null) {
            List<Schema.Field> fields = new ArrayList<>();
            for (Schema.Field f : writer.getFields()) {
                if (!f.name().equals(dropField)) {
                    fields.add(new Schema.Field(f, f.schema()));
                }
            }
            writer = Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), false, fields);
        }
        byte[] body = Arrays.copyOfRange(serialize(c), 5, serialize(c).length);
        GenericRecord generic = new GenericDatumReader<GenericRecord>(base, writer)
                .read(null, DecoderFactory.get().binaryDecoder(body, null));
        if (direction != null) {
            generic.put("direction", new GenericData.EnumSymbol(writer.getField("direction").schema(), direction));
        }
        int id = serdes.registry().register("it.poison-" + (direction != null ? "direction" : "drop-" + dropField) + "-value", writer);
        assertThat(id).isNotEqualTo(schemaId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(generic, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static DeadLetter deadLetter(RecordMetadata m) {
        return collector.deadLetters().stream().filter(l -> l.getPartition() == m.partition() && l.getOffset() == m.offset())
                .findFirst().orElseThrow();
    }

    private static String reason(RecordMetadata m) {
        return deadLetter(m).getReason();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static List<String> ids(List<MigrationCommand> commands) {
        return commands.stream().map(MigrationCommand::getCommandId).toList();
    }

    private static void awaitFinal(List<String> commandIds) {
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> finished = collector.stepEvents().stream()
                    .filter(e -> e.getStatus() == StepStatus.APPLIED || e.getStatus() == StepStatus.FAILED
                            || e.getStatus() == StepStatus.SKIPPED)
                    .map(StepEvent::getCommandId).collect(Collectors.toSet());
            assertThat(finished).containsAll(commandIds);
        });
    }

    private static StepEvent finalEvent(String commandId) {
        return collector.stepEvents().stream().filter(e -> e.getCommandId().equals(commandId)
                && (e.getStatus() == StepStatus.APPLIED || e.getStatus() == StepStatus.FAILED || e.getStatus() == StepStatus.SKIPPED))
                .findFirst().orElseThrow();
    }

    private static TargetState lastState(String target) {
        List<TargetState> states = collector.targetStates().stream().filter(s -> s.getTargetId().equals(target)).toList();
        assertThat(states).as("target states of " + target).isNotEmpty();
        return states.get(states.size() - 1);
    }

    private static String database(String target) {
        return target.replace('-', '_');
    }

    private static String url(String target) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database(target);
    }

    private static ConnectionSource source(String target) {
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        p.setProperty("password", SECRET);
        return ConnectionSource.of(url(target), p);
    }

    private static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database + "?user=postgres");
    }

    private static Connection connect(String target) throws SQLException {
        return admin(database(target));
    }

    private static void createDatabase(String target) {
        try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database(target) + " OWNER " + ROLE + " STRATEGY = FILE_COPY");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** convoy.history of a target: revision, direction, outcome, plan id, command id; oldest first. */
    private static List<List<String>> history(String target) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = connect(target); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT revision, direction, outcome, plan_id, command_id FROM convoy.history ORDER BY id")) {
            while (rs.next()) {
                out.add(Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }

    private static List<String> heads(String target) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(target); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version_num FROM convoy.version ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return out;
            }
            throw e;
        }
        return out;
    }

    private static List<String> columns(String target, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(target); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = '" + table
                        + "' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Copies what is printed into {@link #LOG}. */
    private static final class Tee extends OutputStream {
        private final PrintStream original;

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            original.write(b);
            synchronized (LOG) {
                LOG.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            synchronized (LOG) {
                LOG.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }

    /** Reads step events, target states and dead letters from the beginning, without a consumer group. */
    private static final class Collector implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private final AvroSerde<StepEvent> stepEvents = AvroSerde.forValue(StepEvent.class, serdes);
        private final AvroSerde<TargetState> targetStates = AvroSerde.forValue(TargetState.class, serdes);
        private final AvroSerde<DeadLetter> deadLetters = AvroSerde.forValue(DeadLetter.class, serdes);

        Collector() {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : List.of(Topics.STEP_EVENTS, Topics.TARGET_STATE, Topics.DLQ)) {
                IntStream.range(0, topic.partitions()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p)));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread = new Thread(() -> {
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                }
                consumer.close();
            }, "it-collector");
            thread.start();
        }

        List<ConsumerRecord<String, byte[]>> records() {
            return List.copyOf(records);
        }

        List<StepEvent> stepEvents() {
            return decode(Topics.STEP_EVENTS.name(), stepEvents);
        }

        List<TargetState> targetStates() {
            return decode(Topics.TARGET_STATE.name(), targetStates);
        }

        List<DeadLetter> deadLetters() {
            return decode(Topics.DLQ.name(), deadLetters);
        }

        private <T extends org.apache.avro.specific.SpecificRecord> List<T> decode(String topic, AvroSerde<T> serde) {
            return records.stream().filter(r -> r.topic().equals(topic)).map(r -> serde.deserialize(topic, r.value())).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}

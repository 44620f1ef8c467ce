package io.convoy.planner.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.planner.PlannerService;
import io.convoy.planner.TestFleet;
import io.convoy.planner.TestGraph;
import io.convoy.planner.config.PlannerConfig;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner service against a real broker and a real registry, started once for the class. The test plays the
 * requester and the executors: it publishes requests, TargetStates and step events, and reads what the planner
 * writes. Each test uses its own request ids and targets (t01..t30 of {@link TestFleet}, graph {@link TestGraph}).
 */
class PlannerServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static Path work;
    private static PlannerConfig config;
    private static PlannerService planner;
    private static KafkaProducer<String, MigrationRequest> requests;
    private static KafkaProducer<String, TargetState> states;
    private static KafkaProducer<String, StepEvent> steps;
    private static KafkaProducer<byte[], byte[]> raw;
    private static TopicTail<MigrationCommand> commands;
    private static TopicTail<PlanEvent> events;
    private static TopicTail<DeadLetter> deadLetters;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        registry = EmbeddedRegistry.start();
        work = Files.createTempDirectory("convoy-planner-it-");
        TestGraph.write(work.resolve("versions"));
        Files.writeString(work.resolve("fleet.yaml"), TestFleet.yaml(30));
        config = PlannerConfig.defaults(work)
                .with(PlannerConfig.Key.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(PlannerConfig.Key.SCHEMA_REGISTRY_URL, registry.ccompatUrl())
                .with(PlannerConfig.Key.APPLICATION_ID, "planner-it")
                .with(PlannerConfig.Key.STATE_DIR, work.resolve("state").toString())
                .with(PlannerConfig.Key.STATE_WAIT, "3s")
                .with(PlannerConfig.Key.STATE_CHECK_INTERVAL, "200ms")
                .with(PlannerConfig.Key.METRICS_PORT, "0");
        long t0 = System.nanoTime();
        planner = new PlannerService(config);
        planner.start();
        assertThat(planner.awaitRunning(Duration.ofSeconds(90))).as("planner RUNNING").isTrue();
        System.out.printf("EmbeddedKafka %d ms, EmbeddedRegistry %d ms, planner start to RUNNING %d ms%n",
                kafka.startupTime().toMillis(), registry.startupTime().toMillis(), (System.nanoTime() - t0) / 1_000_000);

        SerdeConfig serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        requests = new KafkaProducer<>(props, Topics.REQUESTS.keySerde().serializer(), Topics.REQUESTS.valueSerde(serdes).serializer());
        states = new KafkaProducer<>(props, Topics.TARGET_STATE.keySerde().serializer(), Topics.TARGET_STATE.valueSerde(serdes).serializer());
        steps = new KafkaProducer<>(props, Topics.STEP_EVENTS.keySerde().serializer(), Topics.STEP_EVENTS.valueSerde(serdes).serializer());
        raw = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        commands = new TopicTail<>(kafka.bootstrapServers(), Topics.COMMANDS.name(), Topics.COMMANDS.valueSerde(serdes).deserializer());
        events = new TopicTail<>(kafka.bootstrapServers(), Topics.PLAN_EVENTS.name(), Topics.PLAN_EVENTS.valueSerde(serdes).deserializer());
        deadLetters = new TopicTail<>(kafka.bootstrapServers(), Topics.DLQ.name(), Topics.DLQ.valueSerde(serdes).deserializer());
    }

    @AfterAll
    static void stop() throws IOException {
        Stream.of(commands, events, deadLetters, requests, states, steps, raw, planner, registry, kafka)
                .filter(Objects::nonNull)
                .forEach(c -> {
                    try {
                        c.close();
                    } catch (Exception e) {
                        System.err.println("closing " + c + ": " + e);
                    }
                });
        if (work != null) {
            deleteRecursively(work);
        }
    }

    // ------------------------------------------------------------------------------------------------- tests

    @Test
    void aRequestForThreeTargetsEmitsEachTargetsCommandsInOrderWithTheirExpectedHeads() throws Exception {
        publishState("t01");
        publishState("t02", "a1");
        publishState("t03", "b2");
        send(request("three-1", "c3", Direction.UPGRADE, false, "t01", "t02", "t03"));

        PlanEvent accepted = awaitEvent("three-1", null, PlanStatus.ACCEPTED);
        assertThat(accepted.getStepCount()).isEqualTo(6);
        assertThat(accepted.getPlanId()).isEqualTo(CommandFactory.planId("three-1"));
        assertThat(eventsOf("three-1")).filteredOn(e -> e.getTargetId() != null)
                .extracting(e -> e.getTargetId() + ":" + e.getStatus() + ":" + e.getStepCount())
                .containsExactlyInAnyOrder("t01:ACCEPTED:3", "t02:ACCEPTED:2", "t03:ACCEPTED:1");

        List<ConsumerRecord<byte[], MigrationCommand>> all = awaitCommands("three-1", 6);
        assertThat(summary(all, "t01")).containsExactly("a1 [] -> [a1]", "b2 [a1] -> [b2]", "c3 [b2] -> [c3]");
        assertThat(summary(all, "t02")).containsExactly("b2 [a1] -> [b2]", "c3 [b2] -> [c3]");
        assertThat(summary(all, "t03")).containsExactly("c3 [b2] -> [c3]");
        for (String target : List.of("t01", "t02", "t03")) {
            List<ConsumerRecord<byte[], MigrationCommand>> mine = all.stream()
                    .filter(r -> r.value().getTargetId().equals(target)).toList();
            assertThat(mine).allSatisfy(r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(target);
                assertThat(r.partition()).as("one partition per target").isEqualTo(mine.get(0).partition());
            });
            assertThat(mine).extracting(ConsumerRecord::offset).isSorted();
        }
        MigrationCommand c3 = all.stream().filter(r -> r.value().getTargetId().equals("t03")).findFirst().orElseThrow().value();
        assertThat(c3.getTransactional()).isFalse();
        assertThat(c3.getStatementTimeoutMs()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(c3.getLockTimeoutMs()).isEqualTo(2000L);
        assertThat(c3.getStatements()).singleElement().satisfies(s ->
                assertThat(s.getSql()).isEqualTo("CREATE INDEX CONCURRENTLY accounts_email ON accounts (email)"));
        assertThat(c3.getChecksum()).isEqualTo(planner.graph().get("c3").checksum());
        assertThat(c3.getCommandId()).isEqualTo(CommandFactory.planId("three-1") + "/t03/0");
    }

    @Test
    void metricsAndHealthAreServedOverHttpWithRequestCountsAndKafkaStreamsMetrics() throws Exception {
        publishState("t20");
        send(request("metrics-1", "a1", Direction.UPGRADE, false, "t20"));
        send(request("metrics-rejected", "a1", Direction.UPGRADE, false, "t20", "t98"));
        awaitEvent("metrics-1", null, PlanStatus.ACCEPTED);
        awaitEvent("metrics-rejected", null, PlanStatus.REJECTED);
        int port = planner.metricsPort().orElseThrow();
        assertThat(port).isPositive();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            java.net.http.HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body())
                    .containsPattern("convoy_planner_requests_total\\{outcome=\"accepted\"} [1-9]")
                    .containsPattern("convoy_planner_requests_total\\{outcome=\"rejected\"} [1-9]")
                    .containsPattern("convoy_planner_commands_total [1-9]")
                    .contains("convoy_planner_plans_in_flight")
                    .contains("kafka_stream_thread_")
                    .contains("jvm_memory_used_bytes");
        });
        java.net.http.HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/health")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"streams\":\"RUNNING\"");
    }

    @Test
    void anUnknownTargetRejectsTheRequestAndNothingReachesAnExecutor() {
        publishState("t04");
        send(request("unknown-target-1", "a1", Direction.UPGRADE, false, "t04", "t99"));
        PlanEvent rejected = awaitEvent("unknown-target-1", null, PlanStatus.REJECTED);
        assertThat(rejected.getErrorCode()).isEqualTo("MIG020");
        assertThat(rejected.getReason()).contains("unknown target t99");

        // a later request on the same request partition, for the same target, is planned after it
        String marker = onSameRequestPartition("unknown-target-1", "unknown-target-marker");
        send(request(marker, "a1", Direction.UPGRADE, false, "t04"));
        awaitCommands(marker, 1);
        assertThat(commandsOf("unknown-target-1")).isEmpty();
    }

    @Test
    void anUnknownRevisionIsRejectedWithMig011() {
        send(request("unknown-rev-1", "zz99", Direction.UPGRADE, false, "t05"));
        PlanEvent rejected = awaitEvent("unknown-rev-1", null, PlanStatus.REJECTED);
        assertThat(rejected.getErrorCode()).isEqualTo("MIG011");
        assertThat(rejected.getReason()).contains("zz99");
        assertThat(rejected.getPlanId()).isNull();
    }

    @Test
    void headWithSeveralHeadsIsRejectedWithMig001NamingThem() {
        send(request("heads-1", "head", Direction.UPGRADE, false, "t05"));
        PlanEvent rejected = awaitEvent("heads-1", null, PlanStatus.REJECTED);
        assertThat(rejected.getErrorCode()).isEqualTo("MIG001");
        assertThat(rejected.getReason()).contains("c3").contains("x9");
    }

    @Test
    void aDuplicateRequestIdIsIgnored() {
        publishState("t06");
        send(request("dup-1", "a1", Direction.UPGRADE, false, "t06"));
        awaitEvent("dup-1", null, PlanStatus.ACCEPTED);
        send(request("dup-1", "c3", Direction.UPGRADE, false, "t06"));
        String marker = onSameRequestPartition("dup-1", "dup-marker");
        send(request(marker, "b2", Direction.UPGRADE, false, "t06"));

        List<ConsumerRecord<byte[], MigrationCommand>> markerCommands = awaitCommands(marker, 1);
        assertThat(markerCommands.get(0).value().getExpectedFromHeads()).as("chained on dup-1 only").containsExactly("a1");
        assertThat(commandsOf("dup-1")).extracting(r -> r.value().getRevision()).containsExactly("a1");
        assertThat(eventsOf("dup-1")).filteredOn(e -> e.getTargetId() == null)
                .extracting(PlanEvent::getStatus).containsExactly(PlanStatus.ACCEPTED);
    }

    @Test
    void poisonBytesGoToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        byte[] poison = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        raw.send(new ProducerRecord<>(Topics.REQUESTS.name(), "poison-1".getBytes(StandardCharsets.UTF_8), poison)).get();
        byte[] poisonStep = {0, 0, 0, 0, 99, 1, 2, 3};
        raw.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), "t07".getBytes(StandardCharsets.UTF_8), poisonStep)).get();
        publishState("t07");
        send(request("after-poison-1", "a1", Direction.UPGRADE, false, "t07"));

        awaitEvent("after-poison-1", null, PlanStatus.ACCEPTED);
        awaitCommands("after-poison-1", 1);
        DeadLetter request = awaitDeadLetter(d -> d.getSourceTopic().equals(Topics.REQUESTS.name())
                && Arrays.equals(bytes(d.getValue()), poison));
        assertThat(bytes(request.getKey())).isEqualTo("poison-1".getBytes(StandardCharsets.UTF_8));
        assertThat(request.getReason()).contains("cannot decode the request").contains("magic byte");
        assertThat(request.getErrorCode()).isEqualTo("MIG020");
        PlanEvent rejected = awaitEvent("poison-1", null, PlanStatus.REJECTED);
        assertThat(rejected.getReason()).contains("malformed request").contains(Topics.DLQ.name());

        DeadLetter step = awaitDeadLetter(d -> d.getSourceTopic().equals(Topics.STEP_EVENTS.name())
                && Arrays.equals(bytes(d.getValue()), poisonStep));
        assertThat(step.getReason()).contains("cannot decode");
        assertThat(new String(bytes(step.getKey()), StandardCharsets.UTF_8)).isEqualTo("t07");
    }

    @Test
    void stepsAppliedOnEveryTargetCompleteTheTargetsAndTheRequest() {
        publishState("t08");
        publishState("t09", "a1");
        send(request("complete-1", "b2", Direction.UPGRADE, false, "t08", "t09"));
        List<ConsumerRecord<byte[], MigrationCommand>> cmds = awaitCommands("complete-1", 3);
        for (ConsumerRecord<byte[], MigrationCommand> r : cmds) {
            MigrationCommand c = r.value();
            publishStep(c, StepStatus.STARTED, c.getExpectedFromHeads(), null);
            publishStep(c, StepStatus.APPLIED, c.getHeadsAfter(), null);
        }
        PlanEvent done = awaitEvent("complete-1", null, PlanStatus.COMPLETED);
        assertThat(done.getStepCount()).isEqualTo(3);
        assertThat(eventsOf("complete-1")).filteredOn(e -> e.getStatus() == PlanStatus.COMPLETED && e.getTargetId() != null)
                .extracting(PlanEvent::getTargetId).containsExactlyInAnyOrder("t08", "t09");
        assertThat(eventsOf("complete-1")).extracting(PlanEvent::getEventId).doesNotHaveDuplicates();
    }

    @Test
    void aFailedStepFailsItsTargetAndTheRequest() {
        publishState("t10");
        send(request("fail-1", "c3", Direction.UPGRADE, false, "t10"));
        List<ConsumerRecord<byte[], MigrationCommand>> cmds = awaitCommands("fail-1", 3);
        MigrationCommand a1 = cmds.get(0).value();
        MigrationCommand b2 = cmds.get(1).value();
        publishStep(a1, StepStatus.APPLIED, a1.getHeadsAfter(), null);
        publishStep(b2, StepStatus.FAILED, b2.getExpectedFromHeads(), "MIG013");

        PlanEvent target = awaitEvent("fail-1", "t10", PlanStatus.FAILED);
        assertThat(target.getErrorCode()).isEqualTo("MIG013");
        assertThat(target.getReason()).contains("revision b2");
        PlanEvent request = awaitEvent("fail-1", null, PlanStatus.FAILED);
        assertThat(request.getErrorCode()).isEqualTo("MIG013");
        assertThat(request.getReason()).contains("0 of 1 targets completed").contains("t10");

        // the next request starts from where the target really is (a1), not from the failed plan's end
        send(request("fail-2", "b2", Direction.UPGRADE, false, "t10"));
        assertThat(awaitCommands("fail-2", 1).get(0).value().getExpectedFromHeads()).containsExactly("a1");
    }

    @Test
    void twoConsecutiveRequestsForOneTargetChainTheirExpectedHeads() {
        publishState("t11");
        String second = onSameRequestPartition("chain-1", "chain-2");
        send(request("chain-1", "b2", Direction.UPGRADE, false, "t11"));
        send(request(second, "c3", Direction.UPGRADE, false, "t11"));
        assertThat(summary(awaitCommands("chain-1", 2), "t11")).containsExactly("a1 [] -> [a1]", "b2 [a1] -> [b2]");
        assertThat(summary(awaitCommands(second, 1), "t11")).containsExactly("c3 [b2] -> [c3]");
    }

    @Test
    void aTargetNeverSeenWaitsForItsStateAndIsRejectedWhenNoneComes() throws Exception {
        send(request("wait-1", "a1", Direction.UPGRADE, false, "t12", "t13"));
        publishState("t12");
        PlanEvent t12 = awaitEvent("wait-1", "t12", PlanStatus.ACCEPTED);
        assertThat(t12.getStepCount()).isEqualTo(1);
        PlanEvent t13 = awaitEvent("wait-1", "t13", PlanStatus.REJECTED);
        assertThat(t13.getErrorCode()).isEqualTo("MIG021");
        assertThat(t13.getReason()).contains("t13 reported no state within 3s");
        PlanEvent request = awaitEvent("wait-1", null, PlanStatus.ACCEPTED);
        assertThat(request.getReason()).contains("1 target planned").contains("rejected: t13 (MIG021)");
        assertThat(commandsOf("wait-1")).extracting(r -> r.value().getTargetId()).containsExactly("t12");
    }

    @Test
    void aDryRunIsAcceptedWithItsStepsAndEmitsNoCommand() {
        publishState("t14");
        send(request("dry-1", "c3", Direction.UPGRADE, true, "t14"));
        PlanEvent accepted = awaitEvent("dry-1", null, PlanStatus.ACCEPTED);
        assertThat(accepted.getStepCount()).isEqualTo(3);
        assertThat(accepted.getReason()).contains("dry run").contains("a1 → b2 → c3");
        String marker = onSameRequestPartition("dry-1", "dry-marker");
        send(request(marker, "a1", Direction.UPGRADE, false, "t14"));
        assertThat(awaitCommands(marker, 1).get(0).value().getExpectedFromHeads()).as("the dry run reserved nothing").isEmpty();
        assertThat(commandsOf("dry-1")).isEmpty();
    }

    @Test
    void downgradingThroughARevisionWithoutDowngradeSectionIsRejectedWithMig020() {
        publishState("t15", "c3");
        send(request("down-1", "a1", Direction.DOWNGRADE, false, "t15"));
        PlanEvent target = awaitEvent("down-1", "t15", PlanStatus.REJECTED);
        assertThat(target.getErrorCode()).isEqualTo("MIG020");
        assertThat(target.getReason()).contains("b2").contains("no -- convoy:downgrade section");
        assertThat(awaitEvent("down-1", null, PlanStatus.REJECTED).getErrorCode()).isEqualTo("MIG020");

        send(request("down-2", "b2", Direction.DOWNGRADE, false, "t15"));
        MigrationCommand c = awaitCommands("down-2", 1).get(0).value();
        assertThat(c.getDirection()).isEqualTo(Direction.DOWNGRADE);
        assertThat(c.getStatements()).extracting(s -> s.getSql()).containsExactly("DROP INDEX CONCURRENTLY accounts_email");
        assertThat(c.getExpectedFromHeads()).containsExactly("c3");
        assertThat(c.getHeadsAfter()).containsExactly("b2");
    }

    @Test
    void plansInFlightAndSeenRequestIdsSurviveARestartOnAnEmptyStateDirectory() throws Exception {
        publishState("t16");
        send(request("restart-1", "b2", Direction.UPGRADE, false, "t16"));
        awaitCommands("restart-1", 2);
        awaitEvent("restart-1", null, PlanStatus.ACCEPTED);

        planner.close();
        deleteRecursively(config.stateDir()); // as on a new machine: the stores come back from their changelogs
        long t0 = System.nanoTime();
        planner = new PlannerService(config);
        planner.start();
        assertThat(planner.awaitRunning(Duration.ofSeconds(90))).isTrue();
        System.out.printf("planner restart on an empty state directory to RUNNING: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        send(request("restart-1", "a1", Direction.UPGRADE, false, "t16"));
        String second = onSameRequestPartition("restart-1", "restart-2");
        send(request(second, "c3", Direction.UPGRADE, false, "t16"));
        assertThat(summary(awaitCommands(second, 1), "t16")).as("chained on the plan emitted before the restart")
                .containsExactly("c3 [b2] -> [c3]");
        assertThat(commandsOf("restart-1")).as("the resent id was recognised").hasSize(2);
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static MigrationRequest request(String id, String revision, Direction direction, boolean dryRun, String... targets) {
        return MigrationRequest.newBuilder()
                .setRequestId(id)
                .setRequestedBy("it@convoy")
                .setTargets(TargetSelection.newBuilder().setTargetIds(List.of(targets)).setSelector(Map.of()).build())
                .setTargetRevision(revision)
                .setDirection(direction)
                .setDryRun(dryRun)
                .setTicket("OPS-42")
                .setReason(null)
                .setCreatedAt(Instant.now())
                .setApprovals(List.of())
                .build();
    }

    private static void send(MigrationRequest r) {
        try {
            requests.send(new ProducerRecord<>(Topics.REQUESTS.name(), r.getRequestId(), r)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void publishState(String target, String... heads) {
        TargetState s = TargetState.newBuilder().setTargetId(target).setHeads(List.of(heads)).setLastPlanId(null)
                .setLastErrorCode(null).setUpdatedAt(Instant.now()).build();
        try {
            states.send(new ProducerRecord<>(Topics.TARGET_STATE.name(), target, s)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void publishStep(MigrationCommand c, StepStatus status, List<String> heads, String errorCode) {
        StepEvent e = StepEvent.newBuilder()
                .setEventId(c.getCommandId() + "/" + status)
                .setCommandId(c.getCommandId())
                .setPlanId(c.getPlanId())
                .setRequestId(c.getRequestId())
                .setTargetId(c.getTargetId())
                .setRevision(c.getRevision())
                .setDirection(c.getDirection())
                .setStatus(status)
                .setErrorCode(errorCode)
                .setSqlState(errorCode == null ? null : "42P01")
                .setMessage(errorCode == null ? null : "relation does not exist")
                .setAttempts(1)
                .setLockWaitMs(null)
                .setDurationMs(null)
                .setExecutorId("it-executor")
                .setHeads(heads)
                .setOccurredAt(Instant.now())
                .build();
        try {
            steps.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), c.getTargetId(), e)).get();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private static List<PlanEvent> eventsOf(String requestId) {
        return events.records().stream().map(ConsumerRecord::value).filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static PlanEvent awaitEvent(String requestId, String targetId, PlanStatus status) {
        return Awaitility.await().atMost(WAIT).until(() -> eventsOf(requestId).stream()
                .filter(e -> Objects.equals(e.getTargetId(), targetId) && e.getStatus() == status)
                .findFirst(), Optional::isPresent).orElseThrow();
    }

    private static List<ConsumerRecord<byte[], MigrationCommand>> commandsOf(String requestId) {
        return commands.records().stream().filter(r -> r.value().getRequestId().equals(requestId)).toList();
    }

    /** Waits for {@code count} commands of the request, and checks that no more come with them. */
    private static List<ConsumerRecord<byte[], MigrationCommand>> awaitCommands(String requestId, int count) {
        List<ConsumerRecord<byte[], MigrationCommand>> found = Awaitility.await().atMost(WAIT)
                .until(() -> commandsOf(requestId), l -> l.size() >= count);
        assertThat(found).hasSize(count);
        return found;
    }

    private static DeadLetter awaitDeadLetter(Predicate<DeadLetter> which) {
        return Awaitility.await().atMost(WAIT).until(() -> deadLetters.records().stream().map(ConsumerRecord::value)
                .filter(which).findFirst(), Optional::isPresent).orElseThrow();
    }

    /** {@code rev [expected] -> [after]} of one target's commands, in topic order. */
    private static List<String> summary(List<ConsumerRecord<byte[], MigrationCommand>> records, String target) {
        return records.stream().map(ConsumerRecord::value).filter(c -> c.getTargetId().equals(target))
                .map(c -> c.getRevision() + " " + c.getExpectedFromHeads() + " -> " + c.getHeadsAfter()).toList();
    }

    /**
     * A request id with the given prefix whose record lands on the same partition of convoy.requests as {@code id}:
     * the planner reads a partition in order, so what it emits for the second comes after what it emitted for the
     * first. That is how a test shows that something was NOT emitted, without sleeping.
     */
    private static String onSameRequestPartition(String id, String prefix) {
        int partitions = Topics.REQUESTS.partitions();
        int wanted = partition(id, partitions);
        for (int i = 0; ; i++) {
            String candidate = prefix + "-" + i;
            if (partition(candidate, partitions) == wanted) {
                return candidate;
            }
        }
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}

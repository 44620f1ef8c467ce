package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.cli.pipeline.LocalPipeline;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.executor.ExecutorService;
import io.convoy.executor.step.StepGate;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.convoy.testkit.kafka.TopicContents;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pipeline end to end, driven through the convoy command: a real KRaft broker, Apicurio registry, PostgreSQL
 * primary + standby, the planner and two executors of one group, started once for the class. Tests run in order
 * since they move the same three targets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
    private static final List<String> TARGETS = List.of("scraper_eu", "scraper_us", "scraper_apac");
    private static final String HEAD = "ab6e2c4d8f59";
    private static final String BEFORE_HEAD = "9a5f1b3c7d48";
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static Path work;
    private static LocalPipeline pipeline;
    private static final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
    private static final AtomicReference<String> held = new AtomicReference<>();
    private static final CountDownLatch holding = new CountDownLatch(1);
    private static final Map<String, ExecutorService> executors = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("convoy-pipeline-it-");
        long t0 = System.nanoTime();
        pipeline = LocalPipeline.startParts(work.resolve("local"), TestProjects.example().resolve("versions"), TARGETS, true);
        pipeline.startPlanner();
        for (String id : List.of("it-1", "it-2")) {
            executors.put(id, pipeline.startExecutor(id, gate(id)));
        }
        System.out.printf("pipeline up in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, pipeline.startupTimes());
    }

    /** Blocks the first statement seen after {@link #hold} is armed, on whichever executor sees it first. */
    private static StepGate gate(String executorId) {
        return context -> {
            CountDownLatch release = hold.get();
            if (release != null && context.interruptible() && held.compareAndSet(null, executorId)) {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void upgradeToHeadThenDowngradeOneReachesEveryTarget() throws Exception {
        CliRun up = convoy("submit", "--selector", "env=dev", "--to", "heads", "--wait", "--ticket", "IT-1", "--as", "it");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        String upId = up.out().lines().findFirst().orElseThrow();
        assertThat(up.out()).contains("request " + upId + " COMPLETED");
        for (String t : TARGETS) {
            assertThat(versions(t)).containsExactly(HEAD);
            assertThat(historyOf(t, "upgrade")).hasSize(10).doesNotHaveDuplicates();
        }
        assertThat(planEvents(upId)).filteredOn(e -> e.getTargetId() != null && e.getStatus() == PlanStatus.COMPLETED)
                .extracting(PlanEvent::getTargetId).containsExactlyInAnyOrderElementsOf(TARGETS);
        awaitStates(HEAD);

        CliRun down = convoy("submit", "--target", "scraper_eu", "--target", "scraper_us", "--target", "scraper_apac",
                "--downgrade", "--to", "-1", "--wait");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        for (String t : TARGETS) {
            assertThat(versions(t)).containsExactly(BEFORE_HEAD);
        }
        awaitStates(BEFORE_HEAD);
    }

    @Test
    @Order(2)
    void anExecutorClosedWhileAStepIsInFlightIsTakenOverAndNothingIsAppliedTwice() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        hold.set(release);
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> convoy("submit", "--selector", "env=dev",
                "--downgrade", "--to", "base", "--wait", "--request-id", "it-kill"));
        assertThat(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a step reached the gate").isTrue();
        ExecutorService victim = executors.get(held.get());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(victim::close);
        hold.set(null);
        release.countDown();
        closing.get(60, TimeUnit.SECONDS);
        assertThat(victim.isRunning()).isFalse();

        CliRun r = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String plan = planEvents("it-kill").stream().filter(e -> e.getPlanId() != null).findFirst().orElseThrow().getPlanId();
        Map<String, Integer> perCommand = new HashMap<>();
        for (String t : TARGETS) {
            assertThat(versions(t)).isEmpty();
            List<String> rows = query(t, "select command_id || ' ' || revision from convoy.history where plan_id = '" + plan
                    + "' and outcome = 'applied' order by id");
            assertThat(rows).as("each revision downgraded once on " + t).hasSize(9).doesNotHaveDuplicates();
            rows.forEach(row -> perCommand.merge(row.split(" ")[0], 1, Integer::sum));
        }
        List<StepEvent> steps = stepEvents("it-kill");
        Set<String> finished = new HashSet<>();
        steps.stream().filter(e -> e.getStatus() == StepStatus.APPLIED || e.getStatus() == StepStatus.SKIPPED)
                .forEach(e -> finished.add(e.getCommandId()));
        assertThat(finished).as("every command has its final step event").isEqualTo(perCommand.keySet());
        assertThat(steps).extracting(StepEvent::getExecutorId).contains(held.get().equals("it-1") ? "it-2" : "it-1");

        CliRun up = convoy("submit", "--selector", "env=dev", "--to", "heads", "--wait");
        assertThat(up.exitCode()).as(up.toString()).isZero();
    }

    @Test
    @Order(3)
    void poisonMessagesLandInTheDeadLetterQueueAndProcessingGoesOn() throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.REQUESTS.name(), "poison-req".getBytes(StandardCharsets.UTF_8),
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            raw.send(new ProducerRecord<>(Topics.COMMANDS.name(), "scraper_eu".getBytes(StandardCharsets.UTF_8),
                    new byte[] {0, 0, 0, 0, 42, 1, 2, 3})).get();
        }
        CliRun down = convoy("submit", "--target", "scraper_eu", "--downgrade", "--to", "-1", "--wait");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        CliRun up = convoy("submit", "--target", "scraper_eu", "--to", "heads", "--wait");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(read(Topics.DLQ.name(), Topics.DLQ.valueSerde(serdes()).deserializer()))
                .extracting(DeadLetter::getSourceTopic).contains(Topics.REQUESTS.name(), Topics.COMMANDS.name()));
    }

    @Test
    @Order(4)
    void concurrentRequestsForOneTargetNeverInterleave() throws Exception {
        long before = query("scraper_us", "select coalesce(max(id), 0) from convoy.history").stream().mapToLong(Long::parseLong).sum();
        CompletableFuture<CliRun> a = CompletableFuture.supplyAsync(() -> convoy("submit", "--target", "scraper_us",
                "--downgrade", "--to", "base", "--wait", "--request-id", "it-race-a"));
        CompletableFuture<CliRun> b = CompletableFuture.supplyAsync(() -> convoy("submit", "--target", "scraper_us",
                "--to", "heads", "--wait", "--request-id", "it-race-b"));
        CliRun ra = a.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        CliRun rb = b.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        System.out.println(ra + "\n" + rb);
        assertThat(ra.out() + ra.err()).containsAnyOf("COMPLETED", "FAILED", "REJECTED");
        assertThat(rb.out() + rb.err()).containsAnyOf("COMPLETED", "FAILED", "REJECTED");
        // Replay the history since the race: every downgrade removes an applied revision, every upgrade adds one
        // that was not applied; no row failed with a version mismatch.
        // The race starts with scraper_us at head (every revision applied).
        List<String> rows = query("scraper_us", "select direction || ' ' || revision || ' ' || outcome || ' ' || coalesce(error_code, '-')"
                + " from convoy.history where id > " + before + " order by id");
        Set<String> state = new HashSet<>(List.of("1f0c6a2d9b41", "2b7e91c4d5a0", "3c5d0e8f1a27", "4a9b2c7d6e13", "5e1f3a8b0c94",
                "6d2c8e4f7a15", "7b3a9d1e5c26", "8c4e0f2a6b37", "9a5f1b3c7d48", HEAD));
        assertThat(rows).as("something was applied").isNotEmpty();
        for (String row : rows) {
            String[] f = row.split(" ");
            assertThat(f[3]).as(row).isNotEqualTo("MIG004");
            if (!f[2].equals("applied")) {
                continue;
            }
            if (f[0].equals("downgrade")) {
                assertThat(state.remove(f[1])).as("downgrade of an applied revision: " + rows).isTrue();
            } else {
                assertThat(state.add(f[1])).as("upgrade of a revision not applied: " + rows).isTrue();
            }
        }
        awaitStateOf("scraper_us", versions("scraper_us"));
        // back to head for what follows
        CliRun up = convoy("submit", "--target", "scraper_us", "--to", "heads", "--wait");
        assertThat(up.exitCode()).as(up.toString()).isZero();
    }

    @Test
    @Order(5)
    void aFailingRevisionMakesSubmitWaitFailAndStatusCountsTargetsAtHead() throws Exception {
        CliRun down = convoy("submit", "--target", "scraper_apac", "--downgrade", "--to", "-1", "--wait");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        exec("scraper_apac", "CREATE TABLE crawl_schedules (x int)");
        CliRun failing = convoy("submit", "--target", "scraper_apac", "--to", "heads", "--wait");
        assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(23);
        assertThat(failing.err()).contains("FAILED").contains("MIG013");
        assertThat(failing.out()).contains("scraper_apac").contains("FAILED");

        CliRun status = convoy("status", "--project", TestProjects.example().toString());
        assertThat(status.out()).as(status.toString()).contains("2 of 3 at head").contains("MIG013");
        assertThat(status.exitCode()).isEqualTo(15);

        exec("scraper_apac", "DROP TABLE crawl_schedules");
        CliRun fixed = convoy("submit", "--target", "scraper_apac", "--to", "heads", "--wait");
        assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
        await().atMost(WAIT).untilAsserted(() -> {
            CliRun s = convoy("status", "--project", TestProjects.example().toString());
            assertThat(s.out()).as(s.toString()).contains("3 of 3 at head");
            assertThat(s.exitCode()).isZero();
        });
    }

    @Test
    @Order(6)
    void aRejectedRequestPrintsItsReasonAndExitsWithItsCode() {
        CliRun r = convoy("submit", "--target", "no_such_target", "--wait");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(30);
        assertThat(r.err()).contains("REJECTED").contains("no_such_target");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static CliRun convoy(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(pipeline.bootstrapServers());
        all.add("--schema-registry-url");
        all.add(pipeline.registryUrl());
        return CliRun.run(work, Map.of(), all.toArray(String[]::new));
    }

    private static SerdeConfig serdes() {
        return SerdeConfig.of(new SchemaRegistryClient(pipeline.registryUrl()));
    }

    private static void awaitStates(String revision) {
        TARGETS.forEach(t -> awaitStateOf(t, List.of(revision)));
    }

    private static void awaitStateOf(String target, List<String> heads) {
        await().atMost(WAIT).untilAsserted(() -> {
            TargetState s = new PipelineClient(pipeline.endpoints()).snapshot().states().get(target);
            assertThat(s).isNotNull();
            assertThat(new TreeSet<>(s.getHeads())).isEqualTo(new TreeSet<>(heads));
        });
    }

    private static List<PlanEvent> planEvents(String requestId) {
        return new PipelineClient(pipeline.endpoints()).snapshot().planEvents().stream()
                .filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static List<StepEvent> stepEvents(String requestId) {
        return read(Topics.STEP_EVENTS.name(), Topics.STEP_EVENTS.valueSerde(serdes()).deserializer()).stream()
                .filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static <V> List<V> read(String topic, Deserializer<V> values) {
        return TopicContents.readAll(pipeline.bootstrapServers(), topic, values);
    }

    private static List<String> versions(String db) throws Exception {
        return query(db, "select version_num from convoy.version order by 1");
    }

    private static List<String> historyOf(String db, String direction) throws Exception {
        return query(db, "select revision from convoy.history where outcome = 'applied' and direction = '" + direction + "' order by id");
    }

    private static List<String> query(String db, String sql) throws Exception {
        try (Connection c = pipeline.postgres().connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static void exec(String db, String sql) throws Exception {
        try (Connection c = pipeline.postgres().connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.executor.ExecutorConfig.Key;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.control.ControlScope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
    private static ExecutorParts parts;

    @TempDir
    static Path dir;

    private final List<ExecutorService> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        parts = ExecutorParts.start("concurrency-it");
    }

    @AfterAll
    static void stop() throws Exception {
        if (parts != null) {
            parts.close();
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
        List.of(halted, free, before).forEach(parts::createDatabase);
        parts.control(ControlScope.target(halted), ControlAction.HALT, "it-operator", "hold one target");
        ExecutorService e = executor("e-conc-1", "g-conc-1", List.of(halted, free, before), Map.of(), StepGate.OPEN, Faults.NONE);
        await().atMost(WAIT).until(() -> e.halts().isHalted(halted, null));

        List<MigrationCommand> first = Fleet.upgradeToHead("plan-before", before);
        List<MigrationCommand> h = Fleet.upgradeToHead("plan-halted", halted);
        List<MigrationCommand> f = Fleet.upgradeToHead("plan-free", free);
        long base = parts.publish(first.get(0), partition).offset();
        parts.awaitApplied(first.get(0).getCommandId(), WAIT);
        // All on one partition, interleaved: halted:0, free:0, halted:1, free:1, halted:2, free:2.
        long haltedOffset = -1;
        for (int i = 0; i < 3; i++) {
            long o = parts.publish(h.get(i), partition).offset();
            if (i == 0) {
                haltedOffset = o;
            }
            parts.publish(f.get(i), partition);
        }
        f.forEach(c -> parts.awaitApplied(c.getCommandId(), WAIT));
        assertThat(parts.appliedRevisions(free)).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        await().atMost(WAIT).until(() -> parts.statuses(h.get(0).getCommandId()).contains(StepStatus.HALTED));
        assertThat(parts.appliedRevisions(halted)).isEmpty();
        assertThat(parts.statuses(h.get(1).getCommandId())).isEmpty();
        // The commit stops at the halted target's first command: everything below it is done, nothing above is committed.
        long stopAt = haltedOffset;
        await().atMost(WAIT).until(() -> committed("g-conc-1", partition) == stopAt);
        assertThat(stopAt).isGreaterThan(base);

        parts.control(ControlScope.target(halted), ControlAction.RESUME, "it-operator", "");
        h.forEach(c -> parts.awaitApplied(c.getCommandId(), WAIT));
        assertThat(parts.appliedRevisions(halted)).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        assertThat(parts.statuses(h.get(0).getCommandId())).containsExactly(StepStatus.HALTED, StepStatus.RESUMED, StepStatus.STARTED,
                StepStatus.APPLIED);
        await().atMost(WAIT).until(() -> committed("g-conc-1", partition) == stopAt + 6);
    }

    @Test
    void eachTargetsCommandsRunInOrderWhileSeveralTargetsRunAtOnce() throws Exception {
        int partition = 1;
        List<String> targets = IntStream.rangeClosed(1, 6).mapToObj(i -> "conc-order-" + i).toList();
        targets.forEach(parts::createDatabase);
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
                parts.publish(plans.get(t).get(step), partition);
            }
        }
        plans.values().forEach(p -> p.forEach(c -> parts.awaitApplied(c.getCommandId(), WAIT)));

        assertThat(metTogether).hasSize(3).containsOnly(true);
        for (String t : targets) {
            assertThat(parts.appliedRevisions(t)).as("history of %s", t).containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
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
        targets.forEach(parts::createDatabase);
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
                parts.publish(plans.get(t).get(step), partition);
                ids.add(plans.get(t).get(step).getCommandId());
            }
        }
        await().atMost(WAIT).until(() -> !first.isRunning());
        assertThat(first.failure()).get().asString().contains("simulated crash");

        executor("e-conc-3b", "g-conc-3", targets, Map.of(Key.WORKER_THREADS, "4"), StepGate.OPEN, Faults.NONE);
        ids.forEach(id -> parts.awaitApplied(id, WAIT));
        for (String t : targets) {
            assertThat(parts.appliedRevisions(t)).as("each revision of %s applied exactly once", t)
                    .containsExactly(Fleet.REV1, Fleet.REV2, Fleet.REV3);
        }
        for (String id : ids) {
            assertThat(parts.statuses(id)).as("%s started once", id).containsOnlyOnce(StepStatus.STARTED);
            List<StepEvent> applied = parts.events(id).stream().filter(x -> x.getStatus() == StepStatus.APPLIED).toList();
            assertThat(applied.subList(1, applied.size())).as("%s: a second APPLIED only re-announces it", id)
                    .allSatisfy(x -> assertThat(x.getMessage()).contains("already applied"));
        }
        await().atMost(WAIT).until(() -> committed("g-conc-3", partition) >= 12);
    }

    @Test
    void healthAndMetricsAnswerOverHttp() throws Exception {
        int partition = 3;
        String target = "conc-metrics";
        parts.createDatabase(target);
        ExecutorService e = executor("e-conc-4", "g-conc-4", List.of(target), Map.of(Key.METRICS_PORT, "0"), StepGate.OPEN,
                Faults.NONE);
        int port = e.metricsPort().orElseThrow();
        Fleet.upgradeToHead("plan-metrics", target).forEach(c -> parts.publish(c, partition));
        Fleet.upgradeToHead("plan-metrics", target).forEach(c -> parts.awaitApplied(c.getCommandId(), WAIT));

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
            yaml.append("  ").append(t).append(":\n    url: ").append(parts.url(t)).append("\n    user: postgres\n");
        }
        Files.writeString(file, yaml);
        parts.startGroupAtEnd(group);
        Map<Key, String> values = parts.settings(id, group, file);
        values.putAll(extra);
        ExecutorConfig config = ExecutorConfig.of(values, "test", dir);
        ExecutorService s = new ExecutorService(config, TargetsFile.load(file, Map.of()), Clock.systemUTC(), gate, faults, Map.of());
        running.add(s);
        s.start();
        return s;
    }

    private static long committed(String group, int partition) throws Exception {
        try (Admin admin = parts.kafka.createAdmin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(Topics.COMMANDS.name(), partition));
            return o == null ? -1 : o.offset();
        }
    }

    private static StepEvent event(String commandId, StepStatus status) {
        return parts.events(commandId).stream().filter(e -> e.getStatus() == status).findFirst().orElseThrow();
    }
}

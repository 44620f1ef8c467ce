package io.convoy.bench;

import io.convoy.executor.ExecutorConfig;
import io.convoy.executor.ExecutorConfig.Key;
import io.convoy.executor.ExecutorService;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code n} real executors in one new consumer group, every one listing every target, with the executor's default
 * settings (poll_timeout 500ms, max_poll_records 10, worker_threads 8, connection_idle_timeout 30s, ...). The group starts at the current end of convoy.commands.
 * {@link #start} returns once the group is stable with all partitions assigned and every executor has published
 * its start-up target states, so that what is timed afterwards is the work on commands only.
 */
final class ExecutorGroup implements AutoCloseable {
    private final String group;
    private final List<ExecutorService> executors = new ArrayList<>();

    private ExecutorGroup(String group) {
        this.group = group;
    }

    static ExecutorGroup start(Parts parts, EventWatcher watcher, String group, int count, List<String> targets, Path dir,
            Map<Key, String> extra) throws Exception {
        Path file = dir.resolve(group + "-targets.yaml");
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (String t : targets) {
            yaml.append("  ").append(t).append(":\n    url: ").append(parts.jdbcUrl(t)).append('\n');
        }
        Files.createDirectories(dir);
        Files.writeString(file, yaml);
        startAtEnd(parts, group);
        ExecutorGroup g = new ExecutorGroup(group);
        try {
            for (int i = 0; i < count; i++) {
                Map<Key, String> values = new HashMap<>();
                values.put(Key.BOOTSTRAP_SERVERS, parts.kafka.bootstrapServers());
                values.put(Key.SCHEMA_REGISTRY_URL, parts.registry.ccompatUrl());
                values.put(Key.GROUP_ID, group);
                values.put(Key.EXECUTOR_ID, group + "-e" + (i + 1));
                values.put(Key.TARGETS_FILE, file.toString());
                values.put(Key.CREATE_TOPICS, "false");
                values.putAll(extra);
                ExecutorConfig config = ExecutorConfig.of(values, "bench", dir);
                ExecutorService e = new ExecutorService(config, TargetsFile.load(file, Map.of()), Clock.systemUTC(), StepGate.OPEN);
                g.executors.add(e);
                e.start();
            }
            g.awaitReady(parts, watcher, count, targets, Duration.ofSeconds(120));
            return g;
        } catch (Exception | Error e) {
            g.close();
            throw e;
        }
    }

    /** A new group reads only what is published from now on. */
    private static void startAtEnd(Parts parts, String group) throws Exception {
        try (Admin admin = parts.kafka.createAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            IntStream.range(0, Topics.COMMANDS.partitions())
                    .forEach(p -> latest.put(new TopicPartition(Topics.COMMANDS.name(), p), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    private void awaitReady(Parts parts, EventWatcher watcher, int count, List<String> targets, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = parts.kafka.createAdmin()) {
            while (true) {
                for (ExecutorService e : executors) {
                    Optional<Throwable> failure = e.failure();
                    if (failure.isPresent()) {
                        throw new IllegalStateException("executor " + e.executorId() + " failed at start-up: " + failure.get(),
                                failure.get());
                    }
                }
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                boolean stable = d.groupState() == GroupState.STABLE && d.members().size() == count
                        && assigned == Topics.COMMANDS.partitions();
                boolean states = targets.stream().allMatch(t -> watcher.targetStates(t) >= count);
                if (stable && states) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("executor group " + group + " not ready within " + timeout + ": state "
                            + d.groupState() + ", " + d.members().size() + "/" + count + " members, " + assigned
                            + " partitions assigned, start-up target states " + (states ? "seen" : "missing"));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Whether an executor stopped on its own. */
    Optional<String> failure() {
        return executors.stream().filter(e -> e.failure().isPresent())
                .map(e -> e.executorId() + ": " + e.failure().get()).findFirst();
    }

    String group() {
        return group;
    }

    /** Closes the executors in parallel. */
    @Override
    public void close() {
        CompletableFuture.allOf(executors.stream().map(e -> CompletableFuture.runAsync(e::close)).toArray(CompletableFuture[]::new))
                .join();
    }
}

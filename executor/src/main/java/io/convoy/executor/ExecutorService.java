package io.convoy.executor;

import io.convoy.executor.command.CommandDecoder;
import io.convoy.executor.kafka.Publisher;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.step.StepInterrupted;
import io.convoy.executor.step.StepProcessor;
import io.convoy.executor.step.TargetStates;
import io.convoy.executor.targets.Target;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor service: one member of the consumer group over convoy.commands.
 *
 * <p>Two threads. The <b>poll thread</b> owns the consumer: it polls, hands each batch of records to the worker,
 * pauses the partitions while the batch runs and keeps polling (so a long migration or a halt never makes the
 * executor leave its group), commits the offsets of the commands the worker finished, and reacts to
 * rebalances (a revoked partition waits for the command being applied, then its progress is committed). The
 * <b>worker thread</b> decodes each record (dead-lettering what cannot be decoded or validated), applies the
 * command with {@link StepProcessor}, publishes its step events and the target state, and waits until the
 * brokers acknowledged all of them: only then is the command's offset committed. A crash at any point leaves
 * the command uncommitted; its redelivery finds the outcome in convoy.history and publishes it again.
 *
 * <p>At start-up the topics are created if missing (schemas registered), and a target state is published for
 * every target of the targets file (heads read from its database).
 *
 * <p>{@link #close()} stops polling, interrupts the running step before its next statement (rolled back, to be
 * delivered again; a step cannot be interrupted inside a statement nor between the statements of a
 * non-transactional step, so close then waits for them), commits what is done and closes the clients; it
 * returns within a second when no step is running, and gives up waiting after {@code shutdown_timeout}.
 */
public final class ExecutorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorService.class);
    private static final Duration BUSY_TICK = Duration.ofMillis(100);
    /** The topics the executor reads or writes (created at start-up when missing). */
    public static final List<Topic<String, ?>> TOPICS = List.of(Topics.COMMANDS, Topics.STEP_EVENTS, Topics.TARGET_STATE, Topics.DLQ);

    private final ExecutorConfig config;
    private final TargetsFile targets;
    private final Clock clock;
    private final StepGate gate;
    private final Faults faults;
    private final Map<String, Object> clientOverrides;
    private final String executorId;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean shuttingDown;
    private volatile Throwable failure;

    private KafkaConsumer<byte[], byte[]> consumer;
    private Publisher publisher;
    private java.util.concurrent.ExecutorService worker;
    private CommandHandler handler;
    private StepProcessor processor;
    private TargetStates states;
    private Thread pollThread;

    // Poll-thread state.
    private Batch current;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Map<TopicPartition, Instant> backoff = new HashMap<>();

    /**
     * @param gate asked before every statement (halts plug in here); {@link StepGate#OPEN} for none
     */
    public ExecutorService(ExecutorConfig config, TargetsFile targets, Clock clock, StepGate gate) {
        this(config, targets, clock, gate, Faults.NONE, Map.of());
    }

    /**
     * @param clientOverrides extra Kafka client settings for the consumer and the producer (tests, tuning)
     */
    ExecutorService(ExecutorConfig config, TargetsFile targets, Clock clock, StepGate gate, Faults faults,
            Map<String, Object> clientOverrides) {
        this.config = Objects.requireNonNull(config, "config");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.clientOverrides = Map.copyOf(clientOverrides);
        this.executorId = config.executorId();
    }

    /** Creates the topics (if configured), connects, publishes the targets' states and starts polling. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("executor " + executorId + " was already started");
        }
        log.info("executor {} starting: group {}, targets {} from {}; {}", executorId, config.groupId(),
                new TreeMap<>(targets.targets()).keySet(), targets.file(), config.describe());
        try {
            connect();
        } catch (RuntimeException e) {
            failure = e;
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            if (publisher != null) {
                publisher.abort();
            }
            terminated.countDown();
            throw e;
        }
        worker.execute(() -> publishTargetStates(processor, states));
        pollThread = new Thread(this::pollLoop, "convoy-executor-poll-" + executorId);
        pollThread.start();
    }

    private void connect() {
        SchemaRegistryClient registry = new SchemaRegistryClient(config.schemaRegistryUrl());
        SerdeConfig serdes = SerdeConfig.of(registry);
        if (config.createTopics()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "convoy-executor-admin-" + executorId))) {
                TopicAdmin.ensureTopics(admin, registry, TOPICS);
            }
        }
        publisher = new Publisher(new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer()),
                serdes, executorId, UUID::randomUUID, config.ackTimeout());
        consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        states = new TargetStates();
        processor = new StepProcessor(targets, config.applyOptions(), shutdownGate().and(gate), clock,
                "executor " + executorId + ", group " + config.groupId() + ": every executor of a group must list every target");
        handler = new CommandHandler(new CommandDecoder(Topics.COMMANDS.valueSerde(serdes).deserializer()), processor, publisher,
                states, clock, faults);
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convoy-executor-worker-" + executorId);
            t.setDaemon(true);
            return t;
        });
    }

    /** The gate of the executor itself: interrupts the running step when it shuts down. */
    private StepGate shutdownGate() {
        return (StatementContext context) -> {
            if (shuttingDown && context.interruptible()) {
                throw new StepInterrupted("executor " + executorId + " is shutting down (before statement " + context.statement()
                        + " of " + context.statementCount() + ", attempt " + context.attempt() + ")");
            }
        };
    }

    private void publishTargetStates(StepProcessor processor, TargetStates states) {
        try {
            for (Target t : new TreeMap<>(targets.targets()).values()) {
                processor.status(t).ifPresent(s -> {
                    states.seed(s);
                    publisher.targetState(s);
                });
            }
            publisher.awaitAll();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "convoy-executor-" + executorId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putAll(clientOverrides);
        return p;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "convoy-executor-" + executorId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        clientOverrides.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    // ------------------------------------------------------------------------------------------ poll thread

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(Topics.COMMANDS.name()), new Rebalance());
            while (!stopping.get()) {
                if (current != null && current.isFinished()) {
                    finish(current);
                    current = null;
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(current == null ? config.pollTimeout() : min(config.pollTimeout(), BUSY_TICK));
                } catch (WakeupException e) {
                    continue;
                }
                if (current == null) {
                    resumeAfterBackoff();
                }
                if (!records.isEmpty()) {
                    if (current != null) {
                        // Paused partitions return nothing; a partition assigned meanwhile might. Read it again later.
                        for (TopicPartition tp : records.partitions()) {
                            consumer.seek(tp, records.records(tp).get(0).offset());
                        }
                        consumer.pause(records.partitions());
                    } else {
                        consumer.pause(consumer.assignment());
                        current = new Batch(records, handler);
                        worker.execute(current);
                    }
                }
                if (current != null) {
                    commit(current.done(), false);
                }
            }
            if (current != null) {
                current.stop();
                current.awaitFinished();
                finish(current);
                current = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            shutDownClients();
            terminated.countDown();
        }
    }

    /** A batch ended: commit its progress, read again what it left, resume its partitions. */
    private void finish(Batch batch) {
        commit(batch.done(), true);
        if (batch.fatal() != null) {
            fail(batch.fatal());
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Instant now = clock.instant();
        for (TopicPartition tp : batch.partitions()) {
            if (!assigned.contains(tp)) {
                continue;
            }
            Optional<Long> again = batch.resumeOffset(tp);
            if (again.isPresent()) {
                consumer.seek(tp, again.get());
            }
            if (batch.waitsForRegistry(tp)) {
                backoff.put(tp, now.plus(config.registryRetryBackoff()));
            }
        }
        Set<TopicPartition> resume = new HashSet<>(assigned);
        resume.removeAll(backoff.keySet());
        consumer.resume(resume);
    }

    private void resumeAfterBackoff() {
        if (backoff.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Set<TopicPartition> due = new HashSet<>();
        backoff.forEach((tp, at) -> {
            if (!now.isBefore(at)) {
                due.add(tp);
            }
        });
        due.forEach(backoff::remove);
        due.retainAll(consumer.assignment());
        consumer.resume(due);
    }

    /** Commits the given next offsets of the partitions still assigned that moved since the last commit. */
    private void commit(Map<TopicPartition, Long> next, boolean mustTry) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, offset) -> {
            if (assigned.contains(tp) && !offset.equals(committed.get(tp))) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        for (int i = 0; i < (mustTry ? 3 : 1); i++) {
            try {
                consumer.commitSync(offsets);
                offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
                log.debug("committed {}", offsets);
                return;
            } catch (WakeupException e) {
                // close() woke the consumer: try again (a later tick, or now when it matters)
            } catch (KafkaException e) {
                log.warn("could not commit {} ({}): those commands will be delivered again and their outcome published again",
                        offsets, e.toString());
                return;
            }
        }
    }

    private void shutDownClients() {
        boolean crashed = failure != null;
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("closing the consumer: {}", e.toString());
            }
        }
        if (worker != null) {
            worker.shutdownNow();
        }
        if (publisher != null) {
            if (crashed) {
                publisher.abort();
            } else {
                publisher.close();
            }
        }
        log.info("executor {} stopped{}", executorId, crashed ? " after a failure: " + failure : "");
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        stopping.set(true);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Partitions come and go on the poll thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("executor {}: partitions revoked {}", executorId, partitions);
            settle(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("executor {}: partitions lost {}", executorId, partitions);
            settle(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("executor {}: partitions assigned {}", executorId, partitions);
            if (current != null) {
                consumer.pause(partitions);
            }
        }

        /** The command being applied finishes first (the new owner must not apply it concurrently), then commit. */
        private void settle(Collection<TopicPartition> partitions, boolean commit) {
            partitions.forEach(backoff::remove);
            if (current != null && current.partitions().stream().anyMatch(partitions::contains)) {
                current.stop();
                try {
                    current.awaitFinished();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while waiting for the running command", e);
                }
            }
            if (commit && current != null) {
                Map<TopicPartition, Long> revoked = new HashMap<>(current.done());
                revoked.keySet().retainAll(partitions);
                commit(revoked, true);
            }
            partitions.forEach(committed::remove);
        }
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /**
     * Stops: no new command starts, the running step is interrupted before its next statement, what is done is
     * committed, the clients are closed. Waits at most {@code shutdown_timeout}. Idempotent.
     */
    @Override
    public void close() {
        shuttingDown = true;
        stopping.set(true);
        if (pollThread == null) {
            return;
        }
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            log.debug("wakeup: {}", e.toString());
        }
        try {
            if (!terminated.await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("executor {}: a statement is still running after {} ms; it stops after it", executorId,
                        config.shutdownTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the service stopped (closed or failed). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRunning() {
        return started.get() && terminated.getCount() > 0;
    }

    /** Why the service stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public String executorId() {
        return executorId;
    }
}

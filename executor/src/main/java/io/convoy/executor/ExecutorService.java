package io.convoy.executor;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.metrics.MetricsServer;
import io.convoy.core.util.Secrets;
import io.convoy.executor.command.CommandDecoder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.convoy.executor.halt.HaltGate;
import io.convoy.executor.kafka.Publisher;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.step.StepInterrupted;
import io.convoy.executor.step.StepProcessor;
import io.convoy.executor.step.TargetSessions;
import io.convoy.executor.step.TargetStates;
import io.convoy.executor.targets.Target;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.control.ControlFeed;
import io.convoy.schemas.control.HaltState;
import io.convoy.schemas.Topics;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>The <b>poll thread</b> owns the consumer: it polls, queues the fetched commands per partition and per target
 * ({@link PartitionQueue}: the record key is the target id), hands to a pool of {@code worker_threads} <b>workers</b>
 * the waiting commands of every target that has none running (as one run, see {@link #MAX_RUN}), commits per partition the offset below which
 * every command is done, and reacts to rebalances (a revoked partition's running commands finish first, then its
 * progress is committed). So the commands of one target run strictly in order, those of different targets at
 * the same time, and a target that waits (halted, slow, its registry lookups failing) holds back neither the
 * other targets of its partition nor those of other partitions; it only holds back the partition's committed
 * offset. The poll thread keeps polling all along (so a long migration or a halt never makes the executor leave
 * its group); a partition with {@value #MAX_BUFFERED} unfinished commands is paused until some finish.
 *
 * <p>A <b>worker</b> decodes its record (dead-lettering what cannot be decoded or validated), applies the command
 * (or the commands of its run, one after the other) with {@link StepProcessor} on the target's reused sessions
 * ({@link TargetSessions}), publishes its step events and the target state, and waits until the brokers
 * acknowledged all of them (once per run): only then is the command done, and the poll thread is woken up at once
 * ({@code consumer.wakeup()}) to commit it and start the target's next command. A crash at any point leaves the command uncommitted; its redelivery finds the outcome in
 * convoy.history and publishes it again.
 *
 * <p>At start-up the topics are created if missing (schemas registered), the halts in force are read from
 * convoy.control (from its beginning, so a halt survives restarts; nothing is applied before they are known), and a
 * target state is published for every target of the targets file (heads read from its database). The control topic
 * is then followed for as long as the executor runs: a {@link HaltGate} checks it before every statement and
 * before each command (see there for HALT, PANIC and RESUME).
 *
 * <p>{@link #close()} stops polling, interrupts the running step before its next statement (rolled back, to be
 * delivered again; a step cannot be interrupted inside a statement nor between the statements of a
 * non-transactional step, so close then waits for them), commits what is done and closes the clients; it
 * returns within a second when no step is running, and gives up waiting after {@code shutdown_timeout}.
 */
public final class ExecutorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorService.class);
    /** Unfinished commands fetched per partition before the partition is paused (memory bound). */
    static final int MAX_BUFFERED = 500;
    /** Commands of one target carried out at most in one run (one migration session). */
    static final int MAX_RUN = 32;
    /** The topics the executor reads or writes (created at start-up when missing). */
    public static final List<Topic<String, ?>> TOPICS = List.of(Topics.COMMANDS, Topics.STEP_EVENTS, Topics.TARGET_STATE, Topics.DLQ,
            Topics.CONTROL);
    /** How long start-up waits to have read the halts in force from convoy.control before it gives up. */
    private static final Duration CONTROL_CATCH_UP = Duration.ofSeconds(60);

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
    private final HaltState halts = new HaltState();
    private HaltGate haltGate;
    private ControlFeed controlFeed;

    private TargetSessions sessions;
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> meterBinders = new ArrayList<>();
    private MetricsServer metricsServer;
    private volatile int assignedPartitions;
    private volatile int buffered;

    // Poll-thread state.
    private final Map<TopicPartition, PartitionQueue> queues = new java.util.LinkedHashMap<>();
    private final Map<TopicPartition, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    // Shared between the poll thread and the workers.
    private final java.util.concurrent.BlockingQueue<Completion> completions = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean polling;

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
            if (controlFeed != null) {
                controlFeed.close();
            }
            terminated.countDown();
            throw e;
        }
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
        } else {
            // The topics are someone else's to create, but the schemas of what this executor publishes are registered
            // (or found) now, so that the first step event of a fresh executor does not wait for the registry while a
            // command holds its target (once a registry timeout there stopped an executor in the middle of a rollout).
            try {
                TopicAdmin.registerSchemas(registry, List.of(Topics.STEP_EVENTS, Topics.TARGET_STATE, Topics.DLQ));
            } catch (RuntimeException e) {
                log.warn("executor {}: could not register the schemas of its events at start-up ({}); they are registered"
                        + " with the first event", executorId, Secrets.mask(String.valueOf(e.getMessage())));
            }
        }
        followControl(serdes);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
                new ByteArraySerializer());
        publisher = new Publisher(producer, serdes, executorId, UUID::randomUUID, config.ackTimeout());
        consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ExecutorMetrics metrics = new ExecutorMetrics(meters, halts::size, inFlight::get, () -> buffered);
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meters);
        meterBinders.add(consumerMetrics);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(meters);
        meterBinders.add(producerMetrics);
        states = new TargetStates();
        // A worker holds two sessions at once (migration lock, work). Keeping only that many idle per worker evicted the
        // sessions of an executor cycling over more targets than workers (10 targets, 8 workers: 2 new sessions per
        // step in the pipeline benchmark); four per worker keeps two targets' pairs per worker and still bounds what
        // a fleet on one server sees idle.
        sessions = new TargetSessions(config.connectionIdleTimeout(), 4 * config.workerThreads());
        processor = new StepProcessor(targets, config.applyOptions(), shutdownGate().and(gate).and(haltGate), clock,
                "executor " + executorId + ", group " + config.groupId() + ": every executor of a group must list every target",
                haltGate::cancelledByPanic, sessions::source);
        handler = new CommandHandler(new CommandDecoder(Topics.COMMANDS.valueSerde(serdes).deserializer()), processor, publisher,
                states, clock, faults, metrics);
        config.metricsPort().ifPresent(port -> {
            metricsServer = MetricsServer.start(port, meters::scrape, this::health);
            log.info("executor {}: /metrics and /health on {}", executorId, metricsServer.uri());
        });
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        worker = Executors.newFixedThreadPool(config.workerThreads(), r -> {
            Thread t = new Thread(r, "convoy-executor-worker-" + executorId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads convoy.control from its beginning (no consumer group: every start reads every halt in force) and waits
     * until it caught up, so that no command is applied before the halts are known; then keeps following it.
     */
    private void followControl(SerdeConfig serdes) {
        haltGate = new HaltGate(targets, halts);
        Map<String, Object> kafka = new HashMap<>();
        clientOverrides.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k) && !k.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                kafka.put(k, v);
            }
        });
        kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "convoy-executor-control-" + executorId);
        controlFeed = new ControlFeed(kafka, serdes, halts, (key, order) -> {
            haltGate.onControl(key, order);
            // a lifted halt: the commands the gate held in their queues may start now, not at the next poll's end
            wakeUp();
        });
        controlFeed.start();
        boolean caughtUp;
        try {
            caughtUp = controlFeed.awaitCaughtUp(CONTROL_CATCH_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            caughtUp = false;
        }
        if (!caughtUp) {
            throw new ConvoyException(ErrorCode.MIG021, "executor " + executorId + " could not read the halts in force from "
                    + Topics.CONTROL.name() + " within " + CONTROL_CATCH_UP.toSeconds() + " s (does the topic exist? are the"
                    + " brokers " + config.bootstrapServers() + " reachable?); nothing was applied");
        }
        log.info("executor {}: halts in force at start-up: {}", executorId, halts.halts().keySet());
    }

    /**
     * What /health answers: UP while the executor runs and follows convoy.control; the checks say how many partitions
     * it owns and how many commands it holds.
     */
    public MetricsServer.Health health() {
        Map<String, String> checks = new java.util.LinkedHashMap<>();
        ControlFeed f = controlFeed;
        boolean following = f != null && f.isRunning() && f.isCaughtUp();
        checks.put("control", following ? "following, " + halts.size() + " halt(s) in force" : "not following (see the log)");
        checks.put("commands", assignedPartitions + " partition(s) of " + Topics.COMMANDS.name() + " assigned, " + inFlight.get()
                + " command(s) running, " + buffered + " fetched and not done");
        Throwable failed = failure;
        if (failed != null) {
            checks.put("failure", Secrets.mask(String.valueOf(failed)));
        }
        boolean up = isRunning() && !stopping.get() && following;
        return new MetricsServer.Health(up, checks);
    }

    /** The meters of this executor (served on /metrics when {@code metrics_port} is set). */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry meterRegistry() {
        return meters;
    }

    /** The port of /metrics and /health; empty when off or stopped. */
    public Optional<Integer> metricsPort() {
        MetricsServer m = metricsServer;
        return m == null || !isRunning() ? Optional.empty() : Optional.of(m.port());
    }

    /** The halts in force as this executor reads them from convoy.control. */
    public HaltState halts() {
        return halts;
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
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "convoy-executor-producer-" + executorId);
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

    /** How a command handed to a worker ended, for the poll thread. */
    private record Completion(PartitionQueue.Entry entry, CommandHandler.Handled handled, Throwable fatal) {}

    private void pollLoop() {
        try {
            publishTargetStates();
            consumer.subscribe(List.of(Topics.COMMANDS.name()), new Rebalance());
            while (!stopping.get()) {
                drainCompletions();
                if (stopping.get()) {
                    break;
                }
                dispatch();
                commitProgress(false);
                applyBackPressure();
                buffered = queues.values().stream().mapToInt(PartitionQueue::buffered).sum();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    polling = true;
                    if (!completions.isEmpty()) {
                        continue;
                    }
                    records = consumer.poll(nextPollTimeout());
                } catch (WakeupException e) {
                    continue;
                } finally {
                    polling = false;
                }
                Set<TopicPartition> assigned = consumer.assignment();
                for (TopicPartition tp : records.partitions()) {
                    if (assigned.contains(tp)) {
                        PartitionQueue q = queues.computeIfAbsent(tp, PartitionQueue::new);
                        records.records(tp).forEach(q::add);
                    }
                }
            }
            queues.values().forEach(PartitionQueue::close);
            awaitRunning(queues.values());
            commitProgress(true);
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

    /**
     * Hands the commands that may start to the workers, at most {@code worker_threads} runs at once. A run is a
     * target's next command and the ones fetched behind it (up to {@value #MAX_RUN}): one worker carries them out one
     * after the other in one migration session ({@link CommandHandler#handleRun}).
     */
    private void dispatch() {
        int free = config.workerThreads() - inFlight.get();
        if (free <= 0) {
            return;
        }
        Instant now = clock.instant();
        List<List<PartitionQueue.Entry>> ready = new ArrayList<>();
        for (PartitionQueue q : queues.values()) {
            q.readyRuns(now, ready, free, MAX_RUN, haltGate::holds);
            if (ready.size() >= free) {
                break;
            }
        }
        for (List<PartitionQueue.Entry> run : ready) {
            run.forEach(e -> e.queue.started(e));
            inFlight.incrementAndGet();
            worker.execute(() -> run(run));
        }
    }

    /**
     * On a worker: carries a run out, telling the poll thread each command's outcome as soon as it is known (waking it
     * up from its poll at the end of the run, or when a command did not end DONE), and which were not started.
     */
    private void run(List<PartitionQueue.Entry> run) {
        int[] reported = {0};
        Throwable fatal = null;
        try {
            if (run.size() == 1) {
                completions.add(new Completion(run.get(0), handler.handle(run.get(0).record), null));
                reported[0] = 1;
            } else {
                PartitionQueue q = run.get(0).queue;
                handler.handleRun(run.stream().map(e -> e.record).toList(), (handled, i) -> {
                    completions.add(new Completion(run.get(i), handled, null));
                    reported[0] = i + 1;
                    if (handled != CommandHandler.Handled.DONE) {
                        wakeUp();
                    }
                }, () -> !q.isClosed() && !stopping.get());
            }
        } catch (Throwable t) {
            fatal = t;
        }
        for (int i = reported[0]; i < run.size(); i++) {
            completions.add(new Completion(run.get(i), i == reported[0] && fatal != null ? null : CommandHandler.Handled.NOT_RUN,
                    i == reported[0] ? fatal : null));
        }
        inFlight.decrementAndGet();
        wakeUp();
    }

    private void wakeUp() {
        if (polling) {
            try {
                consumer.wakeup();
            } catch (RuntimeException ignored) {
                // closed meanwhile
            }
        }
    }

    private void drainCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            complete(c);
        }
    }

    private void complete(Completion c) {
        PartitionQueue.Entry e = c.entry();
        PartitionQueue q = e.queue;
        if (c.fatal() != null) {
            q.stopped(e);
            log.error("stopping: handling a command failed in a way that leaves its outcome unpublished or unacknowledged"
                    + " (it stays uncommitted and is delivered again)", c.fatal());
            fail(c.fatal());
            return;
        }
        switch (c.handled()) {
            case DONE -> q.finished(e);
            case RETRY_LATER -> {
                q.stopped(e);
                e.notBefore = clock.instant().plus(config.registryRetryBackoff());
            }
            case NOT_RUN -> q.stopped(e);
            case INTERRUPTED -> {
                // Shutting down: it stays uncommitted. Otherwise (halted inside a transactional step, a PANIC): it
                // starts again from its first statement, where the halt holds it, as a redelivery would.
                q.stopped(e);
                e.notBefore = clock.instant();
            }
        }
    }

    /** Waits until no command of the given queues runs (their completions handled). */
    private void awaitRunning(Collection<PartitionQueue> those) throws InterruptedException {
        while (those.stream().anyMatch(q -> q.running() > 0)) {
            Completion c = completions.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                complete(c);
            }
        }
    }

    private Duration nextPollTimeout() {
        Instant now = clock.instant();
        Instant due = Instant.MAX;
        for (PartitionQueue q : queues.values()) {
            Instant d = q.nextDue(now);
            if (d.isBefore(due)) {
                due = d;
            }
        }
        Duration timeout = config.pollTimeout();
        if (!due.equals(Instant.MAX)) {
            Duration until = Duration.between(now, due);
            timeout = until.isNegative() ? Duration.ZERO : min(timeout, until);
        }
        return timeout;
    }

    /** Stops fetching a partition whose unfinished commands reach {@link #MAX_BUFFERED}; fetches it again below. */
    private void applyBackPressure() {
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (PartitionQueue q : queues.values()) {
            boolean full = q.buffered() >= MAX_BUFFERED;
            if (full && !paused.contains(q.partition)) {
                pause.add(q.partition);
            } else if (!full && paused.contains(q.partition)) {
                resume.add(q.partition);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
            resume.retainAll(consumer.assignment());
            consumer.resume(resume);
            paused.removeAll(resume);
        }
    }

    private Map<TopicPartition, Long> progress(Collection<PartitionQueue> those) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (PartitionQueue q : those) {
            q.committable().ifPresent(o -> next.put(q.partition, o));
        }
        return next;
    }

    /**
     * Commits how far every partition is done; asynchronously on the hot path (a failed commit only means those
     * commands are delivered again, and their outcome published again), synchronously when it matters.
     */
    private void commitProgress(boolean sync) {
        if (sync) {
            commit(progress(queues.values()), true);
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress(queues.values()).forEach((tp, offset) -> {
            if (assigned.contains(tp) && !offset.equals(committed.get(tp))) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        try {
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    log.debug("committing {} failed ({}): trying again", offsets, e.toString());
                    offsets.forEach((tp, o) -> committed.remove(tp, o.offset()));
                }
            });
        } catch (KafkaException e) {
            offsets.forEach((tp, o) -> committed.remove(tp, o.offset()));
        }
    }

    /** Publishes the state of every target (its heads read from its database, the targets in parallel). */
    private void publishTargetStates() {
        List<java.util.concurrent.Future<Optional<io.convoy.executor.step.TargetStatus>>> reads = new ArrayList<>();
        for (Target t : new TreeMap<>(targets.targets()).values()) {
            reads.add(worker.submit(() -> processor.status(t)));
        }
        try {
            for (var read : reads) {
                read.get().ifPresent(s -> {
                    states.seed(s);
                    publisher.targetState(s);
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the targets' states", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new KafkaException("reading the targets' states failed: " + e.getCause(), e.getCause());
        }
        publisher.awaitAll();
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
        for (int i = 0; i < (mustTry ? 10 : 1); i++) {
            try {
                consumer.commitSync(offsets);
                offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
                log.debug("committed {}", offsets);
                return;
            } catch (WakeupException e) {
                // close() or a finishing worker woke the consumer: try again (later, or now when it matters)
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
        if (sessions != null) {
            sessions.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        for (AutoCloseable binder : meterBinders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.debug("closing meters: {}", e.toString());
            }
        }
        if (controlFeed != null) {
            controlFeed.close();
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
            if (shuttingDown) {
                // Closing: the loop has committed what was done (or logged why it could not). The group was rebalancing
                // (another member left or joined at the same time), so the client gives the partitions up as lost
                // instead of revoking them: nothing went wrong, as when two executors of `convoy local` stop together.
                log.info("executor {}: partitions given up while closing, the group was rebalancing {}", executorId, partitions);
            } else {
                log.warn("executor {}: partitions lost {}", executorId, partitions);
            }
            settle(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("executor {}: partitions assigned {}", executorId, partitions);
            assignedPartitions = consumer.assignment().size();
        }

        /**
         * Nothing more of those partitions starts; their running commands finish first (the new owner must not apply
         * them concurrently), then what is done is committed and the rest forgotten (the new owner reads it again).
         */
        private void settle(Collection<TopicPartition> partitions, boolean commit) {
            List<PartitionQueue> those = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionQueue q = queues.get(tp);
                if (q != null) {
                    q.close();
                    those.add(q);
                }
            }
            try {
                awaitRunning(those);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for the running commands", e);
            }
            if (commit) {
                commit(progress(those), true);
            }
            partitions.forEach(tp -> {
                queues.remove(tp);
                paused.remove(tp);
                committed.remove(tp);
            });
            Set<TopicPartition> left = new HashSet<>(consumer.assignment());
            left.removeAll(partitions);
            assignedPartitions = left.size();
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
        if (haltGate != null) {
            haltGate.close();
        }
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

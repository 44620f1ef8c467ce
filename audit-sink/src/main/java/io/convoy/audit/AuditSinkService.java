package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.core.util.Secrets;
import io.convoy.schemas.Topic;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.registry.SchemaRegistryException;
import io.convoy.schemas.serde.SerdeConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink: one consumer (read_committed, manual commits) assigned every partition of every topic in
 * {@link Topics#all()}, one thread, <b>one chain</b> for the whole sink (seq strictly increasing). Per poll (a batch
 * of up to {@code max_poll_records}):
 * <ol>
 *   <li>records already chained (offset below the durable state's next offset for their partition) are skipped;</li>
 *   <li>each record becomes an ECS record ({@link AuditMapper}; undecodable ones become {@code pipeline_error}
 *       records), the batch's last one carries the checkpoint, all are chained in memory, each serialised once,
 *       straight to UTF-8 ({@link AuditChain#sealUtf8}): those bytes are hashed, written as the NDJSON line and sent
 *       as the {@code _bulk} source;</li>
 *   <li>the batch is appended to the NDJSON files in one write and fsync'd;</li>
 *   <li>the batch is bulk-created in the data stream (409 = already there; split at {@code bulk_max_bytes}) on an
 *       indexing thread, while this thread reads, chains and fsyncs the next batch (at most
 *       {@code max_in_flight_batches} batches in flight); transient failures are retried with exponential backoff
 *       for as long as it takes; mapping rejections are dead-lettered to {@code convoy.dlq} with the reason;</li>
 *   <li>offsets are committed in batch order, each batch's only once both outputs hold it.</li>
 * </ol>
 * At start the durable state is read back from the files ({@link Recovery}): the chain continues from the last
 * line, the consumer seeks after what the files hold, lines the data stream may miss (after the newest checkpoint
 * Kafka has committed: batches that were in flight) are indexed again. One sink per chain: run a single instance per
 * group and directory.
 */
public final class AuditSinkService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditSinkService.class);

    private final AuditConfig config;
    private final Clock clock;
    private final List<Topic<String, ?>> topics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong audited = new AtomicLong();
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile int crashAfterLines = -1;
    private long linesWritten;

    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong mapNanos = new AtomicLong();
    private final AtomicLong chainNanos = new AtomicLong();
    private final AtomicLong fsyncNanos = new AtomicLong();
    private final AtomicLong indexNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private volatile StoredListener storedListener;
    private ExecutorService indexer;

    /** Told after each batch is held by both outputs and its offsets are committed (on the sink's thread: be quick). */
    @FunctionalInterface
    public interface StoredListener {
        /**
         * @param kafkaTimestamps the Kafka timestamps (ms) of the batch's records, in chain order
         * @param storedAtMillis  the sink clock's time of the commit
         */
        void stored(long[] kafkaTimestamps, long storedAtMillis);
    }

    /** Sets (or, with null, removes) the listener told of every stored batch (benchmarks, monitoring). */
    public void onStored(StoredListener listener) {
        this.storedListener = listener;
    }

    /**
     * Where the sink's time went since start, summed per phase (phases overlap: indexing runs beside the next batch).
     *
     * @param batches       batches stored (held by both outputs, offsets committed)
     * @param stored        records stored
     * @param pollMs        waiting in and running {@code poll}
     * @param mapMs         decoding (Avro via the registry) and mapping to ECS
     * @param chainMs       canonical JSON and SHA-256 chaining
     * @param fsyncMs       writing and fsync'ing the NDJSON files
     * @param indexMs       {@code _bulk} requests, retries and dead letters (on the indexing thread)
     * @param commitMs      committing offsets
     */
    public record Timings(long batches, long stored, long pollMs, long mapMs, long chainMs, long fsyncMs, long indexMs, long commitMs) {}

    public Timings timings() {
        return new Timings(batches.get(), stored.get(), pollNanos.get() / 1_000_000, mapNanos.get() / 1_000_000,
                chainNanos.get() / 1_000_000, fsyncNanos.get() / 1_000_000, indexNanos.get() / 1_000_000, commitNanos.get() / 1_000_000);
    }

    /** Records held by both outputs with their offsets committed, since start. */
    public long stored() {
        return stored.get();
    }

    private Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<String, DeadLetter> dlqProducer;
    private NdjsonLog ndjson;
    private SearchClient search;
    private SchemaRegistryClient registry;
    private final Map<String, Deserializer<?>> deserializers = new HashMap<>();
    private AuditChain chain;
    private final Map<TopicPartition, Long> covered = new HashMap<>();
    private Retry retry;

    public AuditSinkService(AuditConfig config, Clock clock) {
        this(config, clock, Topics.all());
    }

    /** A sink over the given topics (tests; production audits {@link Topics#all()}). */
    public AuditSinkService(AuditConfig config, Clock clock, List<Topic<String, ?>> topics) {
        this.config = config;
        this.clock = clock;
        this.topics = List.copyOf(topics);
    }

    /** Test seam: the sink dies (no fsync, no indexing, no commit of the batch) once it has written this many NDJSON lines in all. */
    void crashAfterLines(int lines) {
        this.crashAfterLines = lines;
    }

    /** Thrown by the crash seam. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash in the middle of a batch");
        }
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        try {
            registry = new SchemaRegistryClient(config.schemaRegistryUrl());
            SerdeConfig serdes = SerdeConfig.of(registry);
            for (Topic<String, ?> t : topics) {
                deserializers.put(t.name(), t.valueSerde(serdes).deserializer());
            }
            consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            ndjson = NdjsonLog.open(config.directory(), config.maxFileBytes(), clock);
            if (!config.searchUrl().isEmpty()) {
                search = new SearchClient(config.searchUrl(), config.dataStream(), config.requestTimeout());
                search.installTemplate();
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                p.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-dlq");
                dlqProducer = new KafkaProducer<>(p, new StringSerializer(), Topics.DLQ.valueSerde(serdes).serializer());
                AtomicLong indexThreads = new AtomicLong();
                indexer = Executors.newFixedThreadPool(config.maxInFlightBatches(), r -> {
                    Thread t = new Thread(r, "convoy-audit-index-" + indexThreads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                retry = Retry.of("audit-bulk", RetryConfig.<SearchClient.BulkResult>custom()
                        .maxAttempts(config.retryMaxAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(config.retryInitialBackoff(), 2.0))
                        .retryExceptions(SearchClient.TransientException.class)
                        .build());
            }
            Set<TopicPartition> partitions = new HashSet<>();
            for (Topic<String, ?> t : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(t.name());
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + t.name() + " does not exist on " + config.bootstrapServers());
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> committed = new HashMap<>();
            consumer.committed(partitions).forEach((tp, om) -> {
                if (om != null) {
                    committed.put(tp, om.offset());
                }
            });
            Recovery recovery = Recovery.read(config.directory(), committed);
            chain = new AuditChain(recovery.lastSeq(), recovery.lastHash());
            covered.putAll(recovery.covered());
            if (search != null && !recovery.unacknowledged().isEmpty()) {
                log.info("indexing again {} audit records the data stream may not hold yet", recovery.unacknowledged().size());
                index(recovery.unacknowledged());
            }
            for (TopicPartition tp : partitions) {
                Long next = covered.containsKey(tp) ? covered.get(tp) : committed.get(tp);
                if (next != null) {
                    consumer.seek(tp, next);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            log.info("audit sink resumes after seq {} over {} partitions", recovery.lastSeq(), partitions.size());
        } catch (RuntimeException e) {
            closeResources();
            throw e;
        }
        running = true;
        thread = new Thread(this::run, "convoy-audit-sink");
        thread.start();
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        return p;
    }

    private void run() {
        try {
            while (running) {
                commitIndexed(false);
                if (!inFlight.isEmpty() && !inFlight.peekFirst().indexed().isDone() && inFlight.size() >= config.maxInFlightBatches()) {
                    waitForOldest(config.pollTimeout());
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records;
                long t0 = System.nanoTime();
                try {
                    records = consumer.poll(inFlight.isEmpty() ? config.pollTimeout() : IN_FLIGHT_POLL);
                } catch (WakeupException e) {
                    break;
                }
                pollNanos.addAndGet(System.nanoTime() - t0);
                if (records.isEmpty()) {
                    if (!inFlight.isEmpty()) {
                        waitForOldest(config.pollTimeout());
                    }
                    continue;
                }
                try {
                    process(records);
                } catch (RegistryUnavailable e) {
                    log.warn("schema registry unavailable, batch retried: {}", Secrets.mask(e.getMessage()));
                    covered.forEach((tp, next) -> consumer.seek(tp, next));
                    for (TopicPartition tp : records.partitions()) {
                        if (!covered.containsKey(tp)) {
                            consumer.seek(tp, records.records(tp).get(0).offset());
                        }
                    }
                    stopped.await(config.retryInitialBackoff().toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            // closing: batches already in the files get their indexing finished and their offsets committed
            commitIndexed(true);
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            failure = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (!(failure instanceof SimulatedCrash)) {
                log.error("audit sink stopped: {}", Secrets.mask(String.valueOf(failure.getMessage())), failure);
            }
        } finally {
            running = false;
        }
    }

    /** How long a poll waits while a batch is being indexed: short, so that its offsets are committed soon after. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);

    private void waitForOldest(Duration max) throws InterruptedException, ExecutionException {
        try {
            inFlight.peekFirst().indexed().get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still indexing: poll again (keeps the consumer alive), wait again
        }
    }

    /** Commits, oldest first, the offsets of every batch both outputs hold; with {@code all}, waits for the rest. */
    private void commitIndexed(boolean all) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> commit = null;
        List<InFlight> done = new ArrayList<>();
        while (!inFlight.isEmpty() && (all || inFlight.peekFirst().indexed().isDone())) {
            InFlight b = inFlight.peekFirst();
            b.indexed().get(); // a failure of the data stream stops the sink here, uncommitted
            inFlight.pollFirst();
            commit = b.offsets();
            done.add(b);
        }
        if (commit == null) {
            return;
        }
        long t0 = System.nanoTime();
        consumer.commitSync(commit);
        commitNanos.addAndGet(System.nanoTime() - t0);
        long now = clock.millis();
        for (InFlight b : done) {
            batches.incrementAndGet();
            stored.addAndGet(b.timestamps().length);
            StoredListener l = storedListener;
            if (l != null) {
                l.stored(b.timestamps(), now);
            }
        }
    }

    private static final class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A batch in the files whose offsets wait for the data stream: committed when {@code indexed} is done. */
    private record InFlight(Map<TopicPartition, OffsetAndMetadata> offsets, Future<?> indexed, long[] timestamps) {}

    private void process(ConsumerRecords<byte[], byte[]> records) {
        long t0 = System.nanoTime();
        Map<TopicPartition, Long> next = new HashMap<>(covered);
        List<ObjectNode> docs = new ArrayList<>(records.count());
        long[] timestamps = new long[records.count()];
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() < next.getOrDefault(tp, 0L)) {
                continue; // already chained (redelivery after a crash between fsync and commit, or a rebalance)
            }
            docs.add(AuditMapper.map(decode(r)));
            timestamps[docs.size() - 1] = r.timestamp();
            next.put(tp, r.offset() + 1);
        }
        long t1 = System.nanoTime();
        mapNanos.addAndGet(t1 - t0);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        if (docs.isEmpty()) {
            // only records chained before: nothing to store, the offsets can follow once earlier batches are held
            inFlight.addLast(new InFlight(offsets, CompletableFuture.completedFuture(null), new long[0]));
            return;
        }
        AuditFields.audit(docs.get(docs.size() - 1)).set("checkpoint", Recovery.checkpointNode(next));
        AuditChain tentative = new AuditChain(chain.lastSeq(), chain.lastHash());
        List<byte[]> lines = new ArrayList<>(docs.size());
        for (ObjectNode doc : docs) {
            lines.add(tentative.sealUtf8(doc));
        }
        long t2 = System.nanoTime();
        chainNanos.addAndGet(t2 - t1);
        int crashAt = crashAfterLines;
        if (crashAt >= 0) {
            long before = linesWritten;
            ndjson.hook(i -> {
                if (before + i + 1 >= crashAt) {
                    throw new SimulatedCrash();
                }
            });
        }
        ndjson.appendUtf8(lines);
        fsyncNanos.addAndGet(System.nanoTime() - t2);
        linesWritten += lines.size();
        chain = tentative;
        covered.putAll(next);
        audited.addAndGet(docs.size());
        Future<?> indexed;
        if (search != null) {
            List<JsonNode> batch = new ArrayList<>(docs);
            indexed = indexer.submit(() -> {
                long s = System.nanoTime();
                index(batch, lines);
                indexNanos.addAndGet(System.nanoTime() - s);
                return null;
            });
        } else {
            indexed = CompletableFuture.completedFuture(null);
        }
        inFlight.addLast(new InFlight(offsets, indexed, docs.size() == timestamps.length ? timestamps
                : java.util.Arrays.copyOf(timestamps, docs.size())));
    }

    private AuditMapper.Source decode(ConsumerRecord<byte[], byte[]> r) {
        Object decoded = null;
        String error = null;
        Deserializer<?> d = deserializers.get(r.topic());
        if (r.value() != null) {
            try {
                decoded = d.deserialize(r.topic(), r.value());
            } catch (SchemaRegistryException e) {
                if (e.isRetriable()) {
                    throw new RegistryUnavailable(e);
                }
                error = e.getMessage();
            } catch (SerializationException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        return new AuditMapper.Source(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), decoded,
                error == null && decoded == null && r.value() != null ? "no value decoded" : error);
    }

    /** Indexes until the data stream holds every document (retrying transient failures); rejections are dead-lettered. */
    private void index(List<JsonNode> docs) {
        List<byte[]> json = new ArrayList<>(docs.size());
        docs.forEach(d -> json.add(Canonical.json(d).getBytes(StandardCharsets.UTF_8)));
        index(docs, json);
    }

    /** As {@link #index(List)}, the documents given with their canonical JSON (UTF-8); one {@code _bulk} per {@code bulk_max_bytes}. */
    private void index(List<JsonNode> docs, List<byte[]> json) {
        List<SearchClient.Rejected> rejected = new ArrayList<>();
        int from = 0;
        while (from < docs.size()) {
            long bytes = 0;
            int to = from;
            while (to < docs.size() && (to == from || bytes + json.get(to).length + 64 <= config.bulkMaxBytes())) {
                bytes += json.get(to).length + 64;
                to++;
            }
            indexPart(docs.subList(from, to), json.subList(from, to), rejected);
            from = to;
        }
        deadLetter(rejected);
    }

    private void indexPart(List<JsonNode> docs, List<byte[]> json, List<SearchClient.Rejected> rejected) {
        List<JsonNode> pendingDocs = new ArrayList<>(docs);
        List<byte[]> pendingJson = new ArrayList<>(json);
        while (!pendingDocs.isEmpty()) {
            try {
                Retry.decorateSupplier(retry, () -> {
                    SearchClient.BulkResult result = search.bulkCreateUtf8(pendingDocs, pendingJson);
                    rejected.addAll(result.rejected());
                    if (!result.retry().isEmpty()) {
                        java.util.Set<JsonNode> again = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                        again.addAll(result.retry());
                        List<JsonNode> d = new ArrayList<>();
                        List<byte[]> j = new ArrayList<>();
                        for (int i = 0; i < pendingDocs.size(); i++) {
                            if (again.contains(pendingDocs.get(i))) {
                                d.add(pendingDocs.get(i));
                                j.add(pendingJson.get(i));
                            }
                        }
                        pendingDocs.clear();
                        pendingDocs.addAll(d);
                        pendingJson.clear();
                        pendingJson.addAll(j);
                        throw new SearchClient.TransientException(pendingDocs.size() + " documents to retry", null);
                    }
                    pendingDocs.clear();
                    pendingJson.clear();
                    return result;
                }).get();
            } catch (SearchClient.TransientException e) {
                if (!running && thread != null) {
                    throw e;
                }
                log.warn("data stream unavailable, still retrying: {}", e.getMessage());
            }
        }
    }

    private void deadLetter(List<SearchClient.Rejected> rejected) {
        for (SearchClient.Rejected r : rejected) {
            AuditFields.SourceRef s = AuditFields.source(r.doc()).orElseThrow();
            log.warn("audit record {} (seq {}) rejected by the data stream, dead-lettered: {}", s.eventId(), AuditFields.seq(r.doc()), r.reason());
            DeadLetter letter = DeadLetter.newBuilder()
                    .setSourceTopic(s.topic()).setPartition(s.partition()).setOffset(s.offset())
                    .setKey(null)
                    .setValue(ByteBuffer.wrap(Canonical.json(r.doc()).getBytes(StandardCharsets.UTF_8)))
                    .setReason("audit data stream rejected the record (status " + r.status() + "): " + r.reason())
                    .setErrorCode(null)
                    .setFailedAt(clock.instant())
                    .build();
            try {
                dlqProducer.send(new ProducerRecord<>(Topics.DLQ.name(), Topics.deadLetterKey(s.topic(), s.partition(), s.offset()), letter)).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot dead-letter audit record " + s.eventId() + ": " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dead-lettering audit record " + s.eventId(), e);
            }
        }
    }

    /** Records chained since start. */
    public long audited() {
        return audited.get();
    }

    public boolean isRunning() {
        return running;
    }

    /** Why the sink stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public synchronized void close() {
        running = false;
        stopped.countDown();
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeResources();
    }

    private void closeResources() {
        if (indexer != null) {
            indexer.shutdown();
            try {
                if (!indexer.awaitTermination(30, TimeUnit.SECONDS)) {
                    indexer.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                indexer.shutdownNow();
            }
            indexer = null;
        }
        if (consumer != null) {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                log.debug("closing consumer", e);
            }
            consumer = null;
        }
        if (dlqProducer != null) {
            dlqProducer.close();
            dlqProducer = null;
        }
        if (ndjson != null) {
            ndjson.close();
            ndjson = null;
        }
    }
}

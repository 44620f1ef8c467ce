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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
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
 * {@link Topics#all()}, one thread, <b>one chain</b> for the whole sink (seq strictly increasing). Per poll:
 * <ol>
 *   <li>records already chained (offset below the durable state's next offset for their partition) are skipped;</li>
 *   <li>each record becomes an ECS record ({@link AuditMapper}; undecodable ones become {@code pipeline_error}
 *       records), the batch's last one carries the checkpoint, all are chained;</li>
 *   <li>the batch is appended to the NDJSON files and fsync'd;</li>
 *   <li>the batch is bulk-created in the data stream (409 = already there); transient failures are retried with
 *       exponential backoff for as long as it takes; mapping rejections are dead-lettered with the reason;</li>
 *   <li>only then the offsets are committed.</li>
 * </ol>
 * At start the durable state is read back from the files ({@link Recovery}): the chain continues from the last
 * line, the consumer seeks after what the files hold, lines the data stream may miss are indexed again. One sink
 * per chain: run a single instance per group and directory.
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
    private volatile java.util.function.LongConsumer lagListener;

    /** Benchmark seam: told, per record, the milliseconds from its Kafka timestamp to the commit of its batch. */
    void lagListener(java.util.function.LongConsumer listener) {
        this.lagListener = listener;
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
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(config.pollTimeout());
                } catch (WakeupException e) {
                    break;
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
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            failure = e;
            if (!(e instanceof SimulatedCrash)) {
                log.error("audit sink stopped: {}", Secrets.mask(String.valueOf(e.getMessage())), e);
            }
        } finally {
            running = false;
        }
    }

    private static final class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> next = new HashMap<>(covered);
        List<ObjectNode> docs = new ArrayList<>();
        Set<TopicPartition> touched = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            touched.add(tp);
            if (r.offset() < next.getOrDefault(tp, 0L)) {
                continue; // already chained (redelivery after a crash between fsync and commit, or a rebalance)
            }
            docs.add(AuditMapper.map(decode(r)));
            next.put(tp, r.offset() + 1);
        }
        if (!docs.isEmpty()) {
            AuditFields.audit(docs.get(docs.size() - 1)).set("checkpoint", Recovery.checkpointNode(next));
            AuditChain tentative = new AuditChain(chain.lastSeq(), chain.lastHash());
            List<String> lines = new ArrayList<>(docs.size());
            for (ObjectNode doc : docs) {
                lines.add(Canonical.json(tentative.append(doc)));
            }
            int crashAt = crashAfterLines;
            if (crashAt >= 0) {
                long before = linesWritten;
                ndjson.hook(i -> {
                    if (before + i + 1 >= crashAt) {
                        throw new SimulatedCrash();
                    }
                });
            }
            ndjson.append(lines);
            linesWritten += lines.size();
            chain = tentative;
            covered.putAll(next);
            if (search != null) {
                index(new ArrayList<>(docs));
            }
            audited.addAndGet(docs.size());
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition tp : touched) {
            commit.put(tp, new OffsetAndMetadata(covered.get(tp)));
        }
        consumer.commitSync(commit);
        java.util.function.LongConsumer listener = lagListener;
        if (listener != null && !docs.isEmpty()) {
            long now = clock.millis();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                listener.accept(now - r.timestamp());
            }
        }
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
        List<JsonNode> pending = new ArrayList<>(docs);
        List<SearchClient.Rejected> rejected = new ArrayList<>();
        while (!pending.isEmpty()) {
            try {
                Retry.decorateSupplier(retry, () -> {
                    SearchClient.BulkResult result = search.bulkCreate(pending);
                    rejected.addAll(result.rejected());
                    pending.clear();
                    pending.addAll(result.retry());
                    if (!pending.isEmpty()) {
                        throw new SearchClient.TransientException(pending.size() + " documents to retry", null);
                    }
                    return result;
                }).get();
            } catch (SearchClient.TransientException e) {
                if (!running && thread != null) {
                    throw e;
                }
                log.warn("data stream unavailable, still retrying: {}", e.getMessage());
            }
        }
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

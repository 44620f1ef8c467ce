package io.convoy.bench;

import io.convoy.audit.AuditConfig;
import io.convoy.audit.AuditSinkService;
import io.convoy.audit.ChainVerifier;
import io.convoy.audit.NdjsonLog;
import io.convoy.audit.SearchClient;
import io.convoy.audit.VerifyResult;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink's throughput and lag against a real KRaft broker, the Apicurio registry and OpenSearch 2.19 (all
 * io.convoy.testkit, 127.0.0.1), on Convoy's real topics ({@link Topics#all()}, their real partition counts).
 *
 * <p>Per repeat, on a backlog of {@code events} StepEvents and PlanEvents (4 : 1, real Avro serdes, registry ids),
 * each configuration starting at the end of what earlier configurations read:
 * <ul>
 *   <li>{@code raw_consumer}: a read_committed consumer of the same topics counting the records (no decoding) — the
 *       ceiling Kafka sets on this machine;</li>
 *   <li>{@code ndjson_only}: the sink without a search cluster (decode, map, chain, fsync'd NDJSON, commit);</li>
 *   <li>{@code sink}: the whole sink: chaining, fsync'd NDJSON and {@code _bulk} indexing into a data stream of its
 *       own; events/s from {@code start()} returned to the last record held by both outputs with its offset
 *       committed;</li>
 *   <li>{@code lag}: the same sink kept running while events are produced at a steady {@code rate} for
 *       {@code lag-seconds}: per record, its Kafka timestamp (set by the producer) to the commit of its batch.</li>
 * </ul>
 * Every repeat then checks the chain over the files and the document count of the data stream.
 */
final class AuditBenchmark {
    private static final Logger log = LoggerFactory.getLogger(AuditBenchmark.class);
    private static final Instant AT = Instant.parse("2026-03-01T12:34:56.789Z");

    record Settings(int events, int repeats, int rate, int lagSeconds, int maxWarmupRounds) {}

    private AuditBenchmark() {}

    static Map<String, Object> run(Settings s, Path work) throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<EmbeddedRegistry> registryF = CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        CompletableFuture<EmbeddedOpenSearch> searchF = CompletableFuture.supplyAsync(EmbeddedOpenSearch::start);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedRegistry registry = registryF.join();
             EmbeddedOpenSearch opensearch = searchF.join()) {
            log.info("Kafka, registry and OpenSearch up in {} ms", (System.nanoTime() - t0) / 1_000_000);
            SerdeConfig serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
            try (Admin admin = kafka.createAdmin()) {
                TopicAdmin.ensureTopics(admin, serdes.registry(), Topics.all());
            }
            List<ProducerRecord<String, byte[]>> backlog = events(serdes, s.events(), "b");
            List<ProducerRecord<String, byte[]>> steady = events(serdes, s.rate() * s.lagSeconds(), "s");
            Map<String, Object> producerProps = new HashMap<>(kafka.clientProperties());
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            List<Map<String, Object>> warmups = new ArrayList<>();
            List<Map<String, Object>> runs = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
                // warm-up, not counted: whole rounds of the same size through the same paths (raw consumer, NDJSON-only
                // sink, whole sink into OpenSearch, steady-rate lag) until the whole sink's figure of a round is within
                // WARMUP_TOLERANCE of the round before (at least 2 rounds unless s.maxWarmupRounds() is 1, at most s.maxWarmupRounds()): the JIT compiles
                // the sink's, the clients' and OpenSearch's hot paths, OpenSearch sizes its buffers. All kept in the JSON.
                for (int w = 1; w <= s.maxWarmupRounds(); w++) {
                    Map<String, Object> run = round("warmup-" + w, s, kafka, registry, opensearch, producer, backlog, steady, work);
                    warmups.add(run);
                    log.info("audit warm-up round {}: {}", w, run);
                    if (w >= 2 && stable(warmups)) {
                        break;
                    }
                }
                for (int r = 1; r <= s.repeats(); r++) {
                    Map<String, Object> run = round(String.valueOf(r), s, kafka, registry, opensearch, producer, backlog, steady, work);
                    run.put("repeat", r);
                    log.info("audit repeat {}: {}", r, run);
                    runs.add(run);
                }
            }
            return result(s, warmups, runs);
        }
    }

    /** Relative difference of the whole sink's events/s between the last two warm-up rounds at which warm-up stops. */
    static final double WARMUP_TOLERANCE = 0.10;

    private static boolean stable(List<Map<String, Object>> warmups) {
        if (warmups.size() < 2) {
            return false;
        }
        double last = ((Number) warmups.get(warmups.size() - 1).get("sink_events_per_s")).doubleValue();
        double before = ((Number) warmups.get(warmups.size() - 2).get("sink_events_per_s")).doubleValue();
        return Math.abs(last - before) <= WARMUP_TOLERANCE * before;
    }

    /**
     * One round: each configuration on a fresh backlog of {@code s.events()} (its group's offsets set to where its
     * backlog starts), then the lag on the same sink, then the checks.
     */
    private static Map<String, Object> round(String name, Settings s, EmbeddedKafka kafka, EmbeddedRegistry registry,
                                             EmbeddedOpenSearch opensearch, KafkaProducer<String, byte[]> producer,
                                             List<ProducerRecord<String, byte[]>> backlog, List<ProducerRecord<String, byte[]>> steady,
                                             Path work) throws Exception {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("round", name);
        run.put("load_average_at_start", Stats.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));

        // raw consumer baseline
        Map<TopicPartition, Long> start = endOffsets(kafka);
        produce(producer, backlog);
        run.put("raw_consumer_events_per_s", Stats.round(rawConsumer(kafka, start, s.events())));

        // NDJSON-only sink
        start = endOffsets(kafka);
        produce(producer, backlog);
        String ndGroup = "bench-audit-nd-" + name;
        commitOffsets(kafka, ndGroup, start);
        Map<String, String> nd = config(kafka, registry, "", "unused", ndGroup, work.resolve("nd-" + name));
        Measured ndjson = drain(nd, s.events(), null, List.of(), 0);
        run.put("ndjson_only_events_per_s", Stats.round(ndjson.eventsPerS()));

        // the whole sink, then the steady-rate lag on the same sink
        start = endOffsets(kafka);
        produce(producer, backlog);
        String group = "bench-audit-" + name;
        String stream = "convoy-audit-bench-" + name;
        commitOffsets(kafka, group, start);
        Path dir = work.resolve("sink-" + name);
        Measured full = drain(config(kafka, registry, opensearch.httpUrl(), stream, group, dir), s.events(), producer,
                steady, s.rate());
        run.put("sink_events_per_s", Stats.round(full.eventsPerS()));
        run.put("sink_seconds", Stats.round(full.seconds()));
        run.put("sink_timings_ms", full.timings());
        run.put("sink_cpu_us_per_event", full.cpuUsPerEvent());
        run.put("ndjson_only_cpu_us_per_event", ndjson.cpuUsPerEvent());
        run.put("lag_ms", full.lag());
        run.put("lag_rate_per_s", Stats.round(full.achievedRate()));

        SearchClient search = new SearchClient(opensearch.httpUrl(), stream, Duration.ofSeconds(60));
        search.refresh();
        long expected = (long) s.events() + steady.size();
        VerifyResult verify = ChainVerifier.verify(NdjsonLog.read(dir));
        long indexed = search.count();
        if (!verify.intact() || indexed != expected) {
            throw new IllegalStateException("round " + name + ": chain " + verify.describe() + ", data stream holds "
                    + indexed + " of " + expected + " records");
        }
        run.put("check", "chain intact over " + expected + " records; data stream holds " + indexed);
        run.put("load_average_at_end", Stats.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return run;
    }

    private static Map<String, Object> result(Settings s, List<Map<String, Object>> warmups, List<Map<String, Object>> runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", "audit sink: one hash chain over every topic, fsync'd ECS NDJSON and _bulk create into an "
                + "OpenSearch 2.19 data stream, offsets committed once both hold a batch; baselines in the same run: a raw "
                + "read_committed consumer of the same topics and the sink without OpenSearch (NDJSON only); measured in "
                + "steady state after full-size warm-up rounds (kept below, the first as cold_run)");
        out.put("events", s.events());
        out.put("repeats", s.repeats());
        out.put("steady_rate_per_s", s.rate());
        out.put("lag_seconds", s.lagSeconds());
        out.put("warmup", "full rounds of " + s.events() + " events per configuration until the whole sink's events/s of "
                + "two successive rounds differ by at most " + Math.round(WARMUP_TOLERANCE * 100) + " % (at least " + Math.min(2, s.maxWarmupRounds()) + ", at most "
                + s.maxWarmupRounds() + " rounds); " + warmups.size() + " ran" + (stable(warmups) ? "" : ", not yet stable"));
        double sink = median(runs, "sink_events_per_s");
        double raw = median(runs, "raw_consumer_events_per_s");
        double nd = median(runs, "ndjson_only_events_per_s");
        double p50 = medianLag(runs, "p50");
        double p99 = medianLag(runs, "p99");
        Map<String, Object> medians = new LinkedHashMap<>();
        medians.put("sink_events_per_s", Stats.round(sink));
        medians.put("ndjson_only_events_per_s", Stats.round(nd));
        medians.put("raw_consumer_events_per_s", Stats.round(raw));
        medians.put("sink_vs_raw_consumer", Stats.round(sink / raw));
        medians.put("sink_vs_ndjson_only", Stats.round(sink / nd));
        medians.put("lag_ms_p50", Stats.round(p50));
        medians.put("lag_ms_p99", Stats.round(p99));
        for (String key : List.of("sink_thread", "sink_indexing_threads", "opensearch_write", "opensearch_other", "total")) {
            medians.put("sink_cpu_us_per_event_" + key, Stats.round(Stats.median(runs.stream().mapToDouble(r ->
                    ((Number) ((Map<?, ?>) r.get("sink_cpu_us_per_event")).get(key)).doubleValue()).toArray())));
        }
        out.put("medians", medians);
        Map<String, Object> each = new LinkedHashMap<>();
        for (String key : List.of("sink_events_per_s", "ndjson_only_events_per_s", "raw_consumer_events_per_s")) {
            each.put(key, runs.stream().map(r -> r.get(key)).toList());
        }
        each.put("lag_ms_p99", runs.stream().map(r -> ((Map<?, ?>) r.get("lag_ms")).get("p99")).toList());
        out.put("per_repeat", each);
        out.put("target", "sink >= 20000 events/s: " + (sink >= 20_000 ? "met" : "missed")
                + "; lag p99 <= 1000 ms: " + (p99 <= 1000 ? "met" : "missed"));
        Map<String, Object> cold = new LinkedHashMap<>(warmups.get(0));
        cold.put("note", "first round on a cold JVM and a fresh OpenSearch node: not counted");
        out.put("cold_run", cold);
        out.put("warmup_runs", warmups);
        out.put("runs", runs);
        return out;
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        return Stats.median(runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray());
    }

    @SuppressWarnings("unchecked")
    private static double medianLag(List<Map<String, Object>> runs, String key) {
        return Stats.median(runs.stream().mapToDouble(r -> ((Number) ((Map<String, Object>) r.get("lag_ms")).get(key)).doubleValue()).toArray());
    }

    record Measured(double eventsPerS, double seconds, Map<String, Object> timings, Map<String, Object> cpuUsPerEvent,
                    Map<String, Object> lag, double achievedRate) {}

    private static final List<String> GROUPS = List.of("sink_thread", "sink_indexing_threads", "opensearch_write",
            "opensearch_other", "kafka_and_registry_and_rest");

    /** This JVM's threads by {@link #GROUPS} (the sink runs in this JVM; no PostgreSQL here). */
    private static final CpuMeter CPU = new CpuMeter(GROUPS, AuditBenchmark::group, null);

    private static int group(String thread) {
        if (thread.equals("convoy-audit-sink")) {
            return 0;
        }
        if (thread.startsWith("convoy-audit-index")) {
            return 1;
        }
        if (thread.startsWith("opensearch[")) {
            return thread.contains("][write]") ? 2 : 3;
        }
        return 4;
    }

    /**
     * CPU microseconds per event spent by each group of threads of this JVM (the sink, OpenSearch, the rest) between
     * two samples: unlike events/s this hardly depends on what else the machine runs, so changes can be compared on a
     * loaded machine. Threads that ended in between are not counted (the sink's own threads outlive the sample).
     */
    private static Map<String, Object> cpuPerEvent(CpuMeter.Snapshot before, CpuMeter.Snapshot after, int events) {
        Map<String, Object> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> g : CPU.groupNanos(before, after).entrySet()) {
            out.put(g.getKey(), Stats.round(g.getValue() / 1000.0 / events));
            total += g.getValue();
        }
        out.put("total", Stats.round(total / 1000.0 / events));
        return out;
    }

    /**
     * Starts a sink and times it over the backlog of {@code events}; with a producer, then produces {@code steady} at
     * {@code rate} per second (in 10 ms ticks) and collects each record's lag: Kafka timestamp to stored.
     */
    private static Measured drain(Map<String, String> values, int events, KafkaProducer<String, byte[]> producer,
                                  List<ProducerRecord<String, byte[]>> steady, int rate) throws Exception {
        AtomicLong stored = new AtomicLong();
        AtomicLong lastStoredNanos = new AtomicLong();
        CountDownLatch backlogDone = new CountDownLatch(1);
        CountDownLatch steadyDone = new CountDownLatch(1);
        long[] lags = new long[steady.size()];
        AtomicLong lagCount = new AtomicLong();
        try (AuditSinkService sink = new AuditSinkService(AuditConfig.from(values, Map.of()), Clock.systemUTC())) {
            sink.onStored((timestamps, at) -> {
                long before = stored.getAndAdd(timestamps.length);
                for (int i = 0; i < timestamps.length; i++) {
                    long index = before + i - events;
                    if (index >= 0 && index < lags.length) {
                        lags[(int) index] = at - timestamps[i];
                        lagCount.incrementAndGet();
                    }
                }
                if (before < events && before + timestamps.length >= events) {
                    lastStoredNanos.set(System.nanoTime());
                    backlogDone.countDown();
                }
                if (lagCount.get() >= lags.length && lags.length > 0) {
                    steadyDone.countDown();
                }
            });
            CpuMeter.Snapshot cpuBefore = CPU.snapshot();
            sink.start();
            long t0 = System.nanoTime();
            if (!backlogDone.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the sink stored " + stored.get() + " of " + events + " records in 10 minutes"
                        + sink.failure().map(f -> ": " + f).orElse(""));
            }
            double seconds = (lastStoredNanos.get() - t0) / 1e9;
            Map<String, Object> cpu = cpuPerEvent(cpuBefore, CPU.snapshot(), events);
            Map<String, Object> timings = timings(sink.timings());
            Map<String, Object> lag = new LinkedHashMap<>();
            double achieved = 0;
            if (producer != null && !steady.isEmpty()) {
                long start = System.nanoTime();
                int perTick = Math.max(1, rate / 100);
                for (int i = 0; i < steady.size(); i++) {
                    if (i % perTick == 0) {
                        LockSupport.parkNanos(start + (long) (i / perTick) * 10_000_000L - System.nanoTime());
                    }
                    ProducerRecord<String, byte[]> r = steady.get(i);
                    producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value()));
                }
                producer.flush();
                achieved = steady.size() / ((System.nanoTime() - start) / 1e9);
                if (!steadyDone.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the sink stored " + lagCount.get() + " of " + steady.size() + " steady records");
                }
                double[] sample = java.util.Arrays.stream(lags).asDoubleStream().toArray();
                lag = Stats.summary(sample);
            }
            return new Measured(events / seconds, seconds, timings, cpu, lag, achieved);
        }
    }

    private static Map<String, Object> timings(AuditSinkService.Timings t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches", t.batches());
        m.put("records", t.stored());
        m.put("poll", t.pollMs());
        m.put("decode_map", t.mapMs());
        m.put("chain", t.chainMs());
        m.put("ndjson_fsync", t.fsyncMs());
        m.put("bulk_index", t.indexMs());
        m.put("commit", t.commitMs());
        return m;
    }

    private static Map<String, String> config(EmbeddedKafka kafka, EmbeddedRegistry registry, String searchUrl, String stream,
                                              String group, Path dir) {
        Map<String, String> v = new HashMap<>();
        v.put("bootstrap_servers", kafka.bootstrapServers());
        v.put("schema_registry_url", registry.ccompatUrl());
        v.put("search_url", searchUrl);
        v.put("data_stream", stream);
        v.put("group_id", group);
        v.put("directory", dir.toString());
        return v;
    }

    /** {@code n} events, one request in five: PlanEvent ACCEPTED, three StepEvents (STARTED, APPLIED, ...), PlanEvent COMPLETED. */
    static List<ProducerRecord<String, byte[]>> events(SerdeConfig serdes, int n, String prefix) {
        var steps = Topics.STEP_EVENTS.valueSerde(serdes).serializer();
        var plans = Topics.PLAN_EVENTS.valueSerde(serdes).serializer();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            String request = prefix + "-req-" + i;
            String plan = "plan-" + request;
            String target = "orders-" + (i % 200);
            int k = out.size() % 5;
            if (k == 0 || k == 4) {
                PlanStatus status = k == 0 ? PlanStatus.ACCEPTED : PlanStatus.COMPLETED;
                PlanEvent e = PlanEvent.newBuilder().setEventId(request + "-" + status).setRequestId(request).setPlanId(plan)
                        .setTargetId(null).setStatus(status).setReason(null).setErrorCode(null).setStepCount(3).setOccurredAt(AT).build();
                out.add(new ProducerRecord<>(Topics.PLAN_EVENTS.name(), request, plans.serialize(Topics.PLAN_EVENTS.name(), e)));
            } else {
                StepStatus status = k == 1 ? StepStatus.STARTED : StepStatus.APPLIED;
                StepEvent e = StepEvent.newBuilder().setEventId("ev-" + i).setCommandId("cmd-" + request + "-" + k)
                        .setPlanId(plan).setRequestId(request).setTargetId(target).setRevision("3f2a9c1b7d4e")
                        .setDirection(Direction.UPGRADE).setStatus(status).setErrorCode(null).setSqlState(null).setMessage(null)
                        .setAttempts(1).setLockWaitMs(12L).setDurationMs(40L).setExecutorId("executor-a")
                        .setHeads(List.of("3f2a9c1b7d4e")).setOccurredAt(AT).setStepIndex(k - 1).setStepCount(3).build();
                out.add(new ProducerRecord<>(Topics.STEP_EVENTS.name(), target, steps.serialize(Topics.STEP_EVENTS.name(), e)));
            }
        }
        return out;
    }

    private static void produce(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) {
        for (ProducerRecord<String, byte[]> r : records) {
            producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value()));
        }
        producer.flush();
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c) {
        List<TopicPartition> tps = new ArrayList<>();
        for (Topic<String, ?> t : Topics.all()) {
            for (PartitionInfo i : c.partitionsFor(t.name())) {
                tps.add(new TopicPartition(i.topic(), i.partition()));
            }
        }
        return tps;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka, String group) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> endOffsets(EmbeddedKafka kafka) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, null)) {
            return new HashMap<>(c.endOffsets(partitions(c)));
        }
    }

    /** Makes the group start where the backlog starts (the sink seeks to its committed offsets). */
    private static void commitOffsets(EmbeddedKafka kafka, String group, Map<TopicPartition, Long> at) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, group)) {
            Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
            at.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
            c.assign(at.keySet());
            c.commitSync(m);
        }
    }

    /** Events/s of a plain read_committed consumer reading {@code n} records of the same topics from {@code start}. */
    private static double rawConsumer(EmbeddedKafka kafka, Map<TopicPartition, Long> start, int n) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, null)) {
            c.assign(start.keySet());
            start.forEach(c::seek);
            long t0 = System.nanoTime();
            long read = 0;
            long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
            while (read < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw consumer read " + read + " of " + n + " records in 5 minutes");
                }
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
                read += records.count();
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }
}

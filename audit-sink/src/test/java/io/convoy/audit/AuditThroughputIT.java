package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, off by default: {@code mvn -B -q -o -pl audit-sink -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=AuditThroughputIT -Dfailsafe.failIfNoSpecifiedTests=false -Dconvoy.bench=true [-Dconvoy.bench.events=20000]}.
 * Phase 1: a backlog of step events drained with chaining, fsync'd NDJSON and bulk indexing (events/s).
 * Phase 2: events produced at a steady rate while the sink runs: lag from the Kafka timestamp to the commit (p50/p99).
 * Writes {@code target/audit-bench.json}.
 */
@EnabledIfSystemProperty(named = "convoy.bench", matches = "true")
class AuditThroughputIT {
    @TempDir
    Path dir;

    @Test
    void throughputAndLag() throws Exception {
        int events = Integer.getInteger("convoy.bench.events", 20_000);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedRegistry registry = EmbeddedRegistry.start();
             EmbeddedOpenSearch opensearch = EmbeddedOpenSearch.start()) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
            SerdeConfig serdes = SerdeConfig.of(client);
            List<Topic<String, ?>> topics = new ArrayList<>(Topics.all());
            try (Admin admin = kafka.createAdmin()) {
                TopicAdmin.ensureTopics(admin, client, topics);
            }
            Properties p = new Properties();
            p.putAll(kafka.clientProperties());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            var serializer = Topics.STEP_EVENTS.valueSerde(serdes).serializer();
            for (int i = 0; i < events; i++) {
                String target = "t-" + (i % 50);
                producer.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), target,
                        serializer.serialize(Topics.STEP_EVENTS.name(), Events.step("r" + i, target, StepStatus.APPLIED))));
            }
            producer.flush();

            Map<String, String> v = new HashMap<>();
            v.put("bootstrap_servers", kafka.bootstrapServers());
            v.put("schema_registry_url", registry.ccompatUrl());
            v.put("search_url", opensearch.httpUrl());
            v.put("directory", dir.resolve("audit").toString());
            v.put("poll_timeout", "50ms");
            ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
            try (AuditSinkService sink = new AuditSinkService(AuditConfig.from(v, Map.of()), Clock.systemUTC())) {
                long t0 = System.nanoTime();
                sink.start();
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> sink.audited() >= events);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = events / seconds;

                int steady = Math.max(1000, events / 10);
                sink.lagListener(lags::add);
                long start = System.nanoTime();
                for (int i = 0; i < steady; i++) {
                    long due = start + i * 1_000_000L; // 1000 events/s
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    String target = "t-" + (i % 50);
                    producer.send(new ProducerRecord<>(Topics.STEP_EVENTS.name(), target,
                            serializer.serialize(Topics.STEP_EVENTS.name(), Events.step("s" + i, target, StepStatus.APPLIED))));
                }
                producer.flush();
                await().atMost(Duration.ofMinutes(5)).until(() -> lags.size() >= steady);
                long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
                long p50 = sorted[sorted.length / 2];
                long p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
                String json = String.format(java.util.Locale.ROOT,
                        "{\"events\":%d,\"seconds\":%.2f,\"events_per_s\":%.0f,\"steady_events\":%d,\"steady_rate_per_s\":1000,"
                                + "\"lag_ms_p50\":%d,\"lag_ms_p99\":%d,\"lag_ms_max\":%d,\"fsync\":\"per batch\",\"batch\":2000}",
                        events, seconds, rate, steady, p50, p99, sorted[sorted.length - 1]);
                System.out.println("AUDIT BENCH " + json);
                Files.writeString(Path.of("target", "audit-bench.json"), json + "\n");
                assertThat(ChainVerifier.verify(NdjsonLog.read(dir.resolve("audit"))).intact()).isTrue();
                assertThat(sorted.length).isEqualTo(steady);
            }
            producer.close();
        }
    }
}

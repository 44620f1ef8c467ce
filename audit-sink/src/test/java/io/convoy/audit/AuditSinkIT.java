package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.convoy.schemas.Topic;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit sink against a real broker, registry and OpenSearch 2.19 (each started once for the class). Each test
 * audits everything on the topics so far with a group and a data stream of its own; the one that makes the sink
 * dead-letter a record runs last, so that the others know their totals.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditSinkIT {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static EmbeddedOpenSearch opensearch;
    private static SerdeConfig serdes;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        registry = EmbeddedRegistry.start();
        opensearch = EmbeddedOpenSearch.start();
        System.out.println("OpenSearch ready in " + opensearch.startupTime().toMillis() + " ms at " + opensearch.httpUrl());
        SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());
        serdes = SerdeConfig.of(client);
        List<Topic<String, ?>> topics = new ArrayList<>();
        Topics.all().forEach(t -> topics.add(t.withPartitions(Math.min(t.partitions(), 3))));
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, client, topics);
        }
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) producer.close();
        if (opensearch != null) opensearch.close();
        if (registry != null) registry.close();
        if (kafka != null) kafka.close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RecordMetadata send(Topic topic, String key, Object value) throws Exception {
        byte[] bytes = value == null ? null : topic.valueSerde(serdes).serializer().serialize(topic.name(), value);
        return producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get();
    }

    private static RecordMetadata sendRaw(Topic<String, ?> topic, String key, byte[] bytes) throws Exception {
        return producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get();
    }

    /** An E2E-like flow over every topic, with a poison record, a dead letter and a tombstone. Returns the event ids. */
    private static Set<String> flow(String run) throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            String req = run + "-req-" + r;
            sent.add(send(Topics.REQUESTS, req, Events.request(req)));
            sent.add(send(Topics.PLAN_EVENTS, req, Events.plan(req, PlanStatus.ACCEPTED)));
            for (String target : List.of("orders-eu-1", "orders-us-1")) {
                sent.add(send(Topics.COMMANDS, target, target.equals("orders-eu-1")
                        ? Events.commandWithFindings(req, target) : Events.command(req, target)));
                sent.add(send(Topics.STEP_EVENTS, target, Events.step(req, target, StepStatus.STARTED)));
                sent.add(send(Topics.STEP_EVENTS, target, Events.step(req, target, r == 2 ? StepStatus.FAILED : StepStatus.APPLIED)));
                sent.add(send(Topics.TARGET_STATE, target, Events.state(target)));
            }
            sent.add(send(Topics.PLAN_EVENTS, req, Events.plan(req, r == 2 ? PlanStatus.FAILED : PlanStatus.COMPLETED)));
        }
        sent.add(sendRaw(Topics.COMMANDS, "orders-eu-1", "not avro, password=".concat(Events.SECRET).getBytes(StandardCharsets.UTF_8)));
        sent.add(send(Topics.DLQ, "convoy.commands/0/1", DeadLetter.newBuilder().setSourceTopic("convoy.commands").setPartition(0)
                .setOffset(1L).setKey(null).setValue(ByteBuffer.wrap(Events.SECRET.getBytes(StandardCharsets.UTF_8)))
                .setReason("unknown magic byte").setErrorCode("MIG099").setFailedAt(Events.AT).build()));
        sent.add(send(Topics.TARGET_STATE, "orders-gone-1", null));
        Set<String> ids = new HashSet<>();
        sent.forEach(m -> ids.add(m.topic() + "/" + m.partition() + "/" + m.offset()));
        return ids;
    }

    private static long topicTotal() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (Topic<String, ?> t : Topics.all()) {
                for (PartitionInfo i : c.partitionsFor(t.name())) {
                    tps.add(new TopicPartition(i.topic(), i.partition()));
                }
            }
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private AuditConfig config(String group, String stream, int batch) {
        Map<String, String> v = new HashMap<>();
        v.put("bootstrap_servers", kafka.bootstrapServers());
        v.put("schema_registry_url", registry.ccompatUrl());
        v.put("search_url", opensearch.httpUrl());
        v.put("data_stream", stream);
        v.put("directory", dir.resolve("audit").toString());
        v.put("group_id", group);
        v.put("max_poll_records", Integer.toString(batch));
        v.put("poll_timeout", "100ms");
        return AuditConfig.from(v, Map.of());
    }

    private static List<JsonNode> fileRecords(Path d) {
        List<JsonNode> out = new ArrayList<>();
        NdjsonLog.read(d).forEachRemaining(l -> out.add(l.record()));
        return out;
    }

    private static List<JsonNode> streamRecords(SearchClient search) {
        List<JsonNode> out = new ArrayList<>();
        search.refresh();
        search.scanBySeq(500).forEachRemaining(l -> out.add(l.record()));
        return out;
    }

    private static void assertOnceEachInOrder(List<JsonNode> records, long expected) {
        assertThat(records).hasSize((int) expected);
        for (int i = 0; i < records.size(); i++) {
            assertThat(AuditFields.seq(records.get(i))).isEqualTo(i + 1);
        }
        Set<String> ids = new HashSet<>();
        Map<String, Long> lastOffset = new HashMap<>();
        for (JsonNode r : records) {
            assertThat(ids.add(AuditFields.eventId(r))).as("duplicate %s", AuditFields.eventId(r)).isTrue();
            AuditFields.SourceRef s = AuditFields.source(r).orElseThrow();
            Long prev = lastOffset.put(s.topic() + "/" + s.partition(), s.offset());
            assertThat(prev == null || prev < s.offset()).as("partition order at %s", s.eventId()).isTrue();
        }
    }

    @Test
    @Order(1)
    void everyEventOnceInOrderChainValidNoDuplicatesOnRedeliveryAndNoSecret() throws Exception {
        Set<String> ids = flow("a");
        long total = topicTotal();
        Path files = dir.resolve("audit");
        SearchClient search = new SearchClient(opensearch.httpUrl(), "audit-a", Duration.ofSeconds(10));
        try (AuditSinkService sink = new AuditSinkService(config("audit-a", "audit-a", 5), Clock.systemUTC())) {
            sink.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> fileRecords(files).size() == total && countOf(search) == total);
        }
        List<JsonNode> fromFiles = fileRecords(files);
        assertOnceEachInOrder(fromFiles, total);
        assertOnceEachInOrder(streamRecords(search), total);
        // the strict mappings took the lint fields of the commands that carry findings
        assertThat(streamRecords(search)).filteredOn(r -> r.at("/convoy/lint/count").asInt() == 4)
                .hasSize(3).allSatisfy(r -> {
                    assertThat(r.at("/convoy/target").asText()).isEqualTo("orders-eu-1");
                    assertThat(r.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV002\"]");
                    assertThat(r.at("/convoy/lint/worst").asText()).isEqualTo("error");
                });
        assertThat(fromFiles.stream().map(AuditFields::eventId)).containsAll(ids);
        assertThat(ChainVerifier.verify(NdjsonLog.read(files)).intact()).isTrue();
        assertThat(ChainVerifier.verify(search.scanBySeq(7))).isEqualTo(ChainVerifier.verify(NdjsonLog.read(files)));
        assertThat(fromFiles).anySatisfy(r -> assertThat(r.at("/event/kind").asText()).isEqualTo("pipeline_error"));
        assertThat(fromFiles).anySatisfy(r -> assertThat(r.at("/event/action").asText()).isEqualTo("target-state.tombstone"));
        assertThat(fromFiles).anySatisfy(r -> assertThat(r.at("/user/name").asText()).isEqualTo("alice"));

        // The same events delivered again (a new group: no committed offsets), plus one new event.
        RecordMetadata extra = send(Topics.REQUESTS, "a-extra", Events.request("a-extra"));
        try (AuditSinkService again = new AuditSinkService(config("audit-a-again", "audit-a", 5), Clock.systemUTC())) {
            again.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> fileRecords(files).size() == total + 1 && countOf(search) == total + 1);
        }
        List<JsonNode> after = fileRecords(files);
        assertOnceEachInOrder(after, total + 1);
        assertOnceEachInOrder(streamRecords(search), total + 1);
        assertThat(AuditFields.eventId(after.get(after.size() - 1))).isEqualTo("convoy.requests/" + extra.partition() + "/" + extra.offset());
        assertThat(ChainVerifier.verify(NdjsonLog.read(files)).intact()).isTrue();

        // The data stream itself refuses a second copy: create with the same _id is a 409, counted as already stored.
        SearchClient.BulkResult twice = search.bulkCreate(new ArrayList<>(after.subList(0, 10)));
        assertThat(twice.created()).isZero();
        assertThat(twice.existing()).isEqualTo(10);
        assertThat(countOf(search)).isEqualTo(total + 1);

        // The seeded secret appears in no audit output.
        for (Path f : NdjsonLog.files(files)) {
            assertThat(Files.readString(f)).doesNotContain(Events.SECRET);
        }
        search.refresh();
        com.fasterxml.jackson.databind.node.ObjectNode all = Canonical.JSON.createObjectNode();
        all.put("size", 1000);
        assertThat(search.search(all).toString()).doesNotContain(Events.SECRET).contains("****");
    }

    @Test
    @Order(2)
    void crashInTheMiddleOfABatchThenRestartLosesNothingAndDuplicatesNothing() throws Exception {
        flow("b");
        long total = topicTotal();
        Path files = dir.resolve("audit");
        SearchClient search = new SearchClient(opensearch.httpUrl(), "audit-b", Duration.ofSeconds(10));
        AuditSinkService first = new AuditSinkService(config("audit-b", "audit-b", 4), Clock.systemUTC());
        first.crashAfterLines(10); // batches of 4: two batches done, the third dies after 2 of its lines
        first.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !first.isRunning());
        assertThat(first.failure()).get().isInstanceOf(AuditSinkService.SimulatedCrash.class);
        first.close();
        assertThat(fileRecords(files)).hasSize(10);
        assertThat(countOf(search)).isEqualTo(8);

        try (AuditSinkService second = new AuditSinkService(config("audit-b", "audit-b", 4), Clock.systemUTC())) {
            second.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> fileRecords(files).size() == total && countOf(search) == total);
        }
        assertOnceEachInOrder(fileRecords(files), total);
        assertOnceEachInOrder(streamRecords(search), total);
        VerifyResult v = ChainVerifier.verify(NdjsonLog.read(files));
        assertThat(v.intact()).as(v.describe()).isTrue();
        assertThat(((VerifyResult.Intact) v).records()).isEqualTo(total);
        assertThat(ChainVerifier.verify(search.scanBySeq(50))).isEqualTo(v);
    }

    @Test
    @Order(3)
    void aRecordTheStrictMappingRejectsIsDeadLetteredWithTheReasonAndTheSinkCarriesOn() throws Exception {
        flow("d");
        // a revision id far over Lucene's 32 766-byte limit of a keyword term: the data stream rejects the document (400)
        StepEvent bad = Events.step("d-bad", "orders-eu-1", StepStatus.APPLIED);
        bad.setRevision("f".repeat(40_000));
        RecordMetadata badAt = send(Topics.STEP_EVENTS, "orders-eu-1", bad);
        RecordMetadata after = send(Topics.STEP_EVENTS, "orders-eu-1", Events.step("d-after", "orders-eu-1", StepStatus.APPLIED));
        String badId = "convoy.step-events/" + badAt.partition() + "/" + badAt.offset();
        String afterId = "convoy.step-events/" + after.partition() + "/" + after.offset();
        Path files = dir.resolve("audit");
        SearchClient search = new SearchClient(opensearch.httpUrl(), "audit-d", Duration.ofSeconds(10));
        try (AuditSinkService sink = new AuditSinkService(config("audit-d", "audit-d", 50), Clock.systemUTC())) {
            sink.start();
            // the dead letter is itself a record on convoy.dlq, audited in turn: files and topics agree once it is in
            await().atMost(Duration.ofSeconds(60)).until(() -> !deadLetters(badAt).isEmpty()
                    && fileRecords(files).size() == topicTotal() && countOf(search) == topicTotal() - 1);
            assertThat(sink.isRunning()).isTrue();
            assertThat(sink.failure()).isEmpty();
        }
        DeadLetter letter = deadLetters(badAt).get(0);
        assertThat(letter.getSourceTopic()).isEqualTo("convoy.step-events");
        assertThat(letter.getPartition()).isEqualTo(badAt.partition());
        assertThat(letter.getReason()).contains("audit data stream rejected the record (status 400): ");
        JsonNode stored = Canonical.JSON.readTree(StandardCharsets.UTF_8.decode(letter.getValue()).toString());
        assertThat(AuditFields.eventId(stored)).isEqualTo(badId);

        List<JsonNode> fromFiles = fileRecords(files);
        List<JsonNode> fromStream = streamRecords(search);
        assertThat(fromFiles).extracting(AuditFields::eventId).contains(badId, afterId);
        assertThat(fromStream).extracting(AuditFields::eventId).doesNotContain(badId).contains(afterId);
        assertThat(ChainVerifier.verify(NdjsonLog.read(files)).intact()).isTrue();
        // the data stream lacks exactly that record: its verify names the dead-lettered seq as missing
        VerifyResult v = ChainVerifier.verify(search.scanBySeq(100));
        assertThat(v).isInstanceOf(VerifyResult.Broken.class);
        long badSeq = fromFiles.stream().filter(r -> AuditFields.eventId(r).equals(badId)).findFirst().map(AuditFields::seq).orElseThrow();
        assertThat(((VerifyResult.Broken) v).seq()).isEqualTo(badSeq);
    }

    /** Dead letters on convoy.dlq about the given source record. */
    private static List<DeadLetter> deadLetters(RecordMetadata source) {
        List<DeadLetter> out = new ArrayList<>();
        var deserializer = Topics.DLQ.valueSerde(serdes).deserializer();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(Topics.DLQ.name()).forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    Object value = r.value() == null ? null : deserializer.deserialize(r.topic(), r.value());
                    if (value instanceof DeadLetter d && d.getSourceTopic().equals(source.topic()) && d.getOffset() == source.offset()
                            && d.getPartition() == source.partition()) {
                        out.add(d);
                    }
                }
            }
        }
        return out;
    }

    private static long countOf(SearchClient search) {
        try {
            search.refresh();
            return search.count();
        } catch (RuntimeException e) {
            return -1; // the data stream does not exist yet
        }
    }
}

package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.audit.AuditConfig;
import io.convoy.audit.AuditSinkService;
import io.convoy.audit.Canonical;
import io.convoy.audit.ChainVerifier;
import io.convoy.audit.NdjsonLog;
import io.convoy.audit.SearchClient;
import io.convoy.cli.pipeline.LocalPipeline;
import io.convoy.executor.ExecutorService;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.Topic;
import io.convoy.schemas.Topics;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret seeded into a real end-to-end flow (broker, registry, PostgreSQL, planner, an executor, the audit sink
 * with OpenSearch; the request submitted with the convoy command) appears in no topic, no log line and no audit
 * output. Seeds: the target's password (password_env of targets.yaml) and a token that PostgreSQL puts into the
 * error message of the failing statement (it comes from a setting in the target's JDBC URL, so it is not in the SQL
 * the commands carry).
 */
class AuditSeededSecretIT {
    private static final String PASSWORD = "Pw-7q2-seeded-s3cret";
    private static final String TOKEN = "tok_9f8e7d6c5b4a-seeded";
    private static final String TARGET = "vault_eu";

    @TempDir
    Path work;

    @Test
    void theSeededSecretsAppearInNoTopicLogOrAuditOutput() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, captured), true, StandardCharsets.UTF_8));
        Path versions = Files.createDirectories(work.resolve("versions"));
        Files.writeString(versions.resolve("a1b2c3d4e5f6_create_vault.sql"), """
                -- convoy:revision: a1b2c3d4e5f6
                -- convoy:message: create vault SEC-1

                -- convoy:upgrade
                CREATE TABLE vault (id bigint PRIMARY KEY);

                -- convoy:downgrade
                DROP TABLE vault;
                """);
        Files.writeString(versions.resolve("b2c3d4e5f6a7_rotate.sql"), """
                -- convoy:revision: b2c3d4e5f6a7
                -- convoy:down_revision: a1b2c3d4e5f6
                -- convoy:message: rotate the vault credentials SEC-2

                -- convoy:upgrade
                DO $$ BEGIN RAISE EXCEPTION 'vault refused token=%', current_setting('convoy.seed'); END $$;

                -- convoy:downgrade
                SELECT 1;
                """);
        Path auditDir = work.resolve("audit");
        try (LocalPipeline pipeline = LocalPipeline.startParts(work.resolve("local"), versions, List.of(TARGET), false);
             EmbeddedOpenSearch opensearch = EmbeddedOpenSearch.start()) {
            // the target's password from the environment; the token as a session setting in the URL's options
            String url = pipeline.postgres().jdbcUrl(TARGET);
            Files.writeString(pipeline.targetsFile(), "targets:\n  " + TARGET + ":\n    url: " + url
                    + (url.contains("?") ? "&" : "?") + "options=-c%20convoy.seed=" + TOKEN + "\n    user: postgres\n"
                    + "    password_env: VAULT_PASSWORD\n");
            pipeline.startPlanner();
            AuditConfig audit = AuditConfig.from(Map.of("bootstrap_servers", pipeline.bootstrapServers(),
                    "schema_registry_url", pipeline.registryUrl(), "search_url", opensearch.httpUrl(),
                    "directory", auditDir.toString(), "poll_timeout", "100ms"), Map.of());
            SearchClient search = new SearchClient(opensearch.httpUrl(), audit.dataStream(), Duration.ofSeconds(30));
            try (ExecutorService executor = new ExecutorService(pipeline.executorConfig("seeded-1"),
                    TargetsFile.load(pipeline.targetsFile(), Map.of("VAULT_PASSWORD", PASSWORD)), Clock.systemUTC(), context -> { });
                 AuditSinkService sink = new AuditSinkService(audit, Clock.systemUTC())) {
                executor.start();
                sink.start();
                CliRun run = CliRun.run(work, Map.of("USER", "mallory"), "submit", "--target", TARGET, "--to", "heads",
                        "--wait", "--timeout", "PT3M", "--ticket", "SEC-2",
                        "--bootstrap-servers", pipeline.bootstrapServers(), "--schema-registry-url", pipeline.registryUrl());
                assertThat(run.exitCode()).as(run.toString()).isNotZero();
                assertThat(run.all()).contains("FAILED");
                captured.writeBytes(run.all().getBytes(StandardCharsets.UTF_8));

                long total = topicBytes(pipeline.bootstrapServers(), "read_committed").size();
                await().atMost(Duration.ofMinutes(2)).until(() -> records(auditDir).size() >= total && count(search) >= total);
                // the flow really carried the token to where masking had to happen
                assertThat(records(auditDir)).anySatisfy(r ->
                        assertThat(r.at("/convoy/message").asText()).contains("token=****"));
                assertThat(ChainVerifier.verify(NdjsonLog.read(auditDir)).intact()).isTrue();

                // every topic's bytes
                for (byte[] bytes : topicBytes(pipeline.bootstrapServers(), "read_uncommitted")) {
                    assertNoSecret(new String(bytes, StandardCharsets.ISO_8859_1), "a topic record");
                }
                // every audit output
                for (Path f : NdjsonLog.files(auditDir)) {
                    assertNoSecret(Files.readString(f), f.toString());
                }
                search.refresh();
                ObjectNode all = Canonical.JSON.createObjectNode();
                all.put("size", 10_000);
                List<JsonNode> hits = search.search(all);
                assertThat(hits).hasSizeGreaterThanOrEqualTo((int) total);
                assertNoSecret(hits.toString(), "the data stream");
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        // every log line of this JVM (slf4j-simple writes to System.err) and the command's output
        String logs = captured.toString(StandardCharsets.UTF_8);
        // (the CLI's simplelogger.properties logs WARN and above) the failure was logged, masked
        assertThat(logs).as("captured logs").contains("WARN io.convoy.executor").contains("token=****");
        assertNoSecret(logs, "the logs");
    }

    private static void assertNoSecret(String text, String where) {
        assertThat(text).as(where).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    private static List<JsonNode> records(Path dir) {
        List<JsonNode> out = new ArrayList<>();
        NdjsonLog.read(dir).forEachRemaining(l -> out.add(l.record()));
        return out;
    }

    private static long count(SearchClient search) {
        try {
            search.refresh();
            return search.count();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
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

    /**
     * Every record of every topic, as its key and value (a record with neither counts as an empty array): read_committed
     * gives what the sink audits, read_uncommitted also aborted transactions' records.
     */
    private static List<byte[]> topicBytes(String bootstrap, String isolation) {
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, isolation)) {
            List<TopicPartition> tps = partitions(c);
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    byte[] key = r.key() == null ? new byte[0] : r.key();
                    byte[] value = r.value() == null ? new byte[0] : r.value();
                    byte[] both = java.util.Arrays.copyOf(key, key.length + 1 + value.length);
                    System.arraycopy(value, 0, both, key.length + 1, value.length);
                    out.add(both);
                }
            }
        }
        return out;
    }

    /** Copies everything written to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) {
            try {
                a.write(x);
            } catch (java.io.IOException ignored) {
                // the console is best effort
            }
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            try {
                a.write(buf, off, len);
            } catch (java.io.IOException ignored) {
                // the console is best effort
            }
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}

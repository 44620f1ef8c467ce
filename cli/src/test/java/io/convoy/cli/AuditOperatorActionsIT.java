package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.convoy.audit.AuditConfig;
import io.convoy.audit.AuditSinkService;
import io.convoy.audit.ChainVerifier;
import io.convoy.audit.NdjsonLog;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator actions given with the real CLI (halt, resume, panic, submit) come out of the audit sink as audit records
 * naming the operator in {@code user.name} with a clear {@code event.action}.
 */
class AuditOperatorActionsIT {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        var registryStart = java.util.concurrent.CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        kafka = EmbeddedKafka.start();
        registry = registryStart.join();
        try (Admin admin = kafka.createAdmin()) {
            TopicAdmin.ensureTopics(admin, new SchemaRegistryClient(registry.ccompatUrl()), Topics.all());
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void convoy(Map<String, String> env, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.ccompatUrl())).toArray(String[]::new);
        CliRun run = CliRun.run(dir, env, all);
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void haltResumePanicAndSubmitAreAuditedWithTheOperator() {
        convoy(Map.of("USER", "os-user"), "halt", "--target", "orders-eu-1", "--reason", "deploy freeze", "--as", "alice");
        convoy(Map.of("USER", "os-user"), "resume", "--target", "orders-eu-1", "--as", "bob");
        convoy(Map.of("USER", "os-user"), "panic", "--cluster", "eu", "--reason", "replica lag", "--as", "carol");
        convoy(Map.of("USER", "os-user"), "submit", "--target", "orders-eu-1", "--to", "head", "--reason", "ship it",
                "--request-id", "req-audit-1", "--as", "dave");
        convoy(Map.of("USER", "erin"), "submit", "--target", "orders-eu-1", "--request-id", "req-audit-2");

        Path files = dir.resolve("audit");
        AuditConfig config = AuditConfig.from(Map.of("bootstrap_servers", kafka.bootstrapServers(),
                "schema_registry_url", registry.ccompatUrl(), "directory", files.toString(), "poll_timeout", "100ms"), Map.of());
        try (AuditSinkService sink = new AuditSinkService(config, Clock.systemUTC())) {
            sink.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> records(files).size() >= 5);
        }
        List<JsonNode> records = records(files);
        assertThat(records).hasSize(5);
        assertThat(ChainVerifier.verify(NdjsonLog.read(files)).intact()).isTrue();

        JsonNode halt = one(records, "control.halt");
        assertThat(halt.at("/user/name").asText()).isEqualTo("alice");
        assertThat(halt.at("/convoy/target").asText()).isEqualTo("orders-eu-1");
        assertThat(halt.at("/convoy/scope").asText()).isEqualTo("target:orders-eu-1");
        assertThat(halt.at("/convoy/origin").asText()).isEqualTo("OPERATOR");
        assertThat(halt.at("/convoy/message").asText()).isEqualTo("deploy freeze");
        assertThat(halt.at("/event/outcome").asText()).isEqualTo("success");
        assertThat(one(records, "control.resume").at("/user/name").asText()).isEqualTo("bob");
        JsonNode panic = one(records, "control.panic");
        assertThat(panic.at("/user/name").asText()).isEqualTo("carol");
        assertThat(panic.at("/convoy/cluster").asText()).isEqualTo("eu");
        assertThat(panic.at("/convoy/message").asText()).isEqualTo("replica lag");
        List<JsonNode> submitted = records.stream().filter(r -> r.at("/event/action").asText().equals("requests.submitted")).toList();
        assertThat(submitted).extracting(r -> r.at("/user/name").asText()).containsExactlyInAnyOrder("dave", "erin");
        assertThat(submitted).extracting(r -> r.at("/convoy/request").asText()).containsExactlyInAnyOrder("req-audit-1", "req-audit-2");
    }

    private static JsonNode one(List<JsonNode> records, String action) {
        List<JsonNode> hits = records.stream().filter(r -> r.at("/event/action").asText().equals(action)).toList();
        assertThat(hits).as("records with event.action %s", action).hasSize(1);
        return hits.get(0);
    }

    private static List<JsonNode> records(Path files) {
        List<JsonNode> out = new ArrayList<>();
        NdjsonLog.read(files).forEachRemaining(l -> out.add(l.record()));
        return out;
    }
}

package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.cli.command.LocalCommand;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convoy local: the whole pipeline in one process, three targets upgraded to head over Kafka, where it listens written down. */
class LocalCommandIT {
    @TempDir
    Path dir;

    @Test
    void upgradesThreeTargetsToHeadAndWritesLocalJson() throws Exception {
        CliRun r = CliRun.run(dir, Map.of(), "local", "--project", TestProjects.example().toString());
        System.out.println(r.out());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String db : LocalCommand.TARGETS) {
            assertThat(r.out()).containsPattern(db + " +ab6e2c4d8f59 \\(head\\)");
        }
        assertThat(r.out()).contains("upgrade 1f0c6a2d9b41 APPLIED").contains("kafka     127.0.0.1:")
                .contains("registry  http://127.0.0.1:").contains("primary   127.0.0.1:").contains("standby   127.0.0.1:")
                .contains("All 3 targets at head")
                .containsPattern("planner metrics/health +http://127\\.0\\.0\\.1:\\d+/metrics  http://127\\.0\\.0\\.1:\\d+/health")
                .containsPattern("executor local-1 metrics/health +http://127\\.0\\.0\\.1:\\d+/metrics  http://127\\.0\\.0\\.1:\\d+/health")
                .containsPattern("monitor metrics/health +http://127\\.0\\.0\\.1:\\d+/metrics  http://127\\.0\\.0\\.1:\\d+/health")
                .contains("monitor clusters file").contains("audit NDJSON files")
                .contains("audit index              off (--search");
        JsonNode json = new ObjectMapper().readTree(dir.resolve(".convoy/local.json").toFile());
        assertThat(json.at("/postgres/host").asText()).isEqualTo("127.0.0.1");
        assertThat(json.at("/postgres/port").asInt()).isPositive();
        assertThat(json.at("/postgres/standbyPort").asInt()).isPositive();
        assertThat(json.at("/targets")).hasSize(3);
        assertThat(json.at("/kafka/bootstrapServers").asText()).startsWith("127.0.0.1:");
        assertThat(json.at("/registry/url").asText()).startsWith("http://127.0.0.1:");
        assertThat(json.at("/targets/0/url").asText()).startsWith("jdbc:postgresql://127.0.0.1:");
        assertThat(json.at("/services/planner/metrics").asText()).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
        assertThat(json.at("/services/planner/health").asText()).matches("http://127\\.0\\.0\\.1:\\d+/health");
        assertThat(json.at("/services/executors/endpoints/local-1/health").asText()).matches("http://127\\.0\\.0\\.1:\\d+/health");
        assertThat(json.at("/services/monitor/metrics").asText()).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
        assertThat(json.at("/services/executors/ids")).hasSize(2);
        assertThat(json.at("/files/clusters").asText()).endsWith("clusters.yaml");
        assertThat(json.at("/audit/searchUrl").isNull()).isTrue();
        // The audit sink ran over every topic while the example migrated: its NDJSON files hold the step events.
        Path auditDir = Path.of(json.at("/audit/directory").asText());
        try (var files = java.nio.file.Files.list(auditDir)) {
            String audit = files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).map(f -> {
                try {
                    return java.nio.file.Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
            assertThat(audit).contains("convoy.step-events").contains("1f0c6a2d9b41");
        }
        String clusters = java.nio.file.Files.readString(Path.of(json.at("/files/clusters").asText()));
        assertThat(clusters).contains("id: local").contains("convoy_standby");
        assertThat(json.at("/running").asBoolean()).as("PostgreSQL stopped with the command").isFalse();
        assertThat(json.at("/stoppedAt").asText()).isNotBlank();
    }
}

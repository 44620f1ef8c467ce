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
                .contains("All 3 targets at head");
        JsonNode json = new ObjectMapper().readTree(dir.resolve(".convoy/local.json").toFile());
        assertThat(json.at("/postgres/host").asText()).isEqualTo("127.0.0.1");
        assertThat(json.at("/postgres/port").asInt()).isPositive();
        assertThat(json.at("/postgres/standbyPort").asInt()).isPositive();
        assertThat(json.at("/targets")).hasSize(3);
        assertThat(json.at("/kafka/bootstrapServers").asText()).startsWith("127.0.0.1:");
        assertThat(json.at("/registry/url").asText()).startsWith("http://127.0.0.1:");
        assertThat(json.at("/targets/0/url").asText()).startsWith("jdbc:postgresql://127.0.0.1:");
        assertThat(json.at("/running").asBoolean()).as("PostgreSQL stopped with the command").isFalse();
        assertThat(json.at("/stoppedAt").asText()).isNotBlank();
    }
}

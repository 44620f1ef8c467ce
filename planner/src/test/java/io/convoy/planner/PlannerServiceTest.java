package io.convoy.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.planner.config.PlannerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the service checks before it touches Kafka (none is running here: nothing may try to reach it). */
class PlannerServiceTest {
    @TempDir
    Path dir;

    private PlannerConfig config() {
        return PlannerConfig.defaults(dir).with(PlannerConfig.Key.BOOTSTRAP_SERVERS, "127.0.0.1:9");
    }

    @Test
    void readsTheVersionsDirectoryAndTheFleetFile() throws Exception {
        TestGraph.write(dir.resolve("versions"));
        Files.writeString(dir.resolve("fleet.yaml"), TestFleet.yaml(3));
        try (PlannerService service = new PlannerService(config())) {
            assertThat(service.graph().heads()).containsExactlyInAnyOrder("c3", "x9");
            assertThat(service.fleet().targets()).containsOnlyKeys("t01", "t02", "t03");
            assertThat(service.state()).isEqualTo(KafkaStreams.State.CREATED);
        }
    }

    @Test
    void aMalformedRevisionStopsItBeforeKafka() throws Exception {
        TestGraph.write(dir.resolve("versions"));
        Files.writeString(dir.resolve("versions/zz_broken.sql"), "-- convoy:message: no id\n-- convoy:upgrade\nSELECT 1;\n");
        Files.writeString(dir.resolve("fleet.yaml"), TestFleet.yaml(3));
        assertThatThrownBy(() -> new PlannerService(config()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG010))
                .hasMessageContaining("zz_broken.sql");
    }

    @Test
    void aBadFleetFileStopsItBeforeKafka() throws Exception {
        TestGraph.write(dir.resolve("versions"));
        Files.writeString(dir.resolve("fleet.yaml"), "clusters: []\ntargets:\n  - id: t1\n    cluster: nowhere\n");
        assertThatThrownBy(() -> new PlannerService(config()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("unknown cluster 'nowhere'");
    }

    @Test
    void streamsRunExactlyOnceWithTheConfiguredSettings() {
        Properties p = PlannerService.streamsProperties(config()
                .with(PlannerConfig.Key.COMMIT_INTERVAL, "250ms")
                .with(PlannerConfig.Key.APPLICATION_ID, "planner-eu"));
        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "planner-eu")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 250L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("planner-state").toString())
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    }
}

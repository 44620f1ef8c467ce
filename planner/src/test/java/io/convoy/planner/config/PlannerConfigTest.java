package io.convoy.planner.config;

import io.convoy.core.config.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerConfigTest {
    @TempDir
    Path dir;

    @Test
    void everyKeyHasAValidDefaultAndADoc() {
        PlannerConfig config = PlannerConfig.defaults(dir);
        assertThat(config.settings()).hasSize(PlannerConfig.Key.values().length)
                .allSatisfy(s -> assertThat(s.source()).isEqualTo(PlannerConfig.DEFAULT_SOURCE));
        assertThat(Arrays.stream(PlannerConfig.Key.values())).allSatisfy(k -> {
            assertThat(k.doc()).isNotBlank().doesNotContain("\n");
            assertThat(k.envVar()).startsWith("CONVOY_PLANNER_").isUpperCase();
        });
        assertThat(config.stateWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.statementTimeout()).isEmpty();
        assertThat(config.replicationFactor()).isEqualTo(-1);
        assertThat(config.versionsDirectory()).isEqualTo(dir.resolve("versions"));
        assertThat(config.requestRetention()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void yamlFileOverridesDefaultsAndEnvironmentOverridesTheFile() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("etc")).resolve("planner.yaml");
        Files.writeString(conf, """
                bootstrap_servers: kafka-1:9092,kafka-2:9092
                versions: ../migrations
                state_wait: 30s
                statement_timeout: 1min
                """);
        PlannerConfig config = PlannerConfig.load(dir, Optional.of(conf), Map.of(
                "CONVOY_PLANNER_STATE_WAIT", "45s", "UNRELATED", "x"));
        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.versionsDirectory()).as("relative to the file's directory").isEqualTo(dir.resolve("migrations"));
        assertThat(config.stateWait()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.setting(PlannerConfig.Key.STATE_WAIT).source()).isEqualTo("env CONVOY_PLANNER_STATE_WAIT");
        assertThat(config.statementTimeout()).contains(Duration.ofMinutes(1));
        assertThat(config.setting(PlannerConfig.Key.STATEMENT_TIMEOUT).source()).isEqualTo(conf + ":4");
    }

    @Test
    void propertiesFilesWorkToo() throws Exception {
        Path conf = dir.resolve("planner.properties");
        Files.writeString(conf, "application_id=planner-eu\nstream_threads=2\nauto_register_schemas=false\n");
        PlannerConfig config = PlannerConfig.load(dir, Optional.of(conf), Map.of());
        assertThat(config.applicationId()).isEqualTo("planner-eu");
        assertThat(config.streamThreads()).isEqualTo(2);
        assertThat(config.autoRegisterSchemas()).isFalse();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheClosestKnownKey() throws Exception {
        Path conf = dir.resolve("planner.yaml");
        Files.writeString(conf, "versions: v\nstate_wiat: 1s\n");
        assertThatThrownBy(() -> PlannerConfig.load(dir, Optional.of(conf), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("unknown key 'state_wiat' in " + conf + ":2")
                .hasMessageContaining("did you mean state_wait?");
    }

    @Test
    void aBadValueNamesKeyValueAndSource() {
        assertThatThrownBy(() -> PlannerConfig.load(dir, Optional.empty(), Map.of("CONVOY_PLANNER_COMMIT_INTERVAL", "soon")))
                .isInstanceOf(ConvoyException.class)
                .hasMessage("invalid value 'soon' for commit_interval (from env CONVOY_PLANNER_COMMIT_INTERVAL):"
                        + " expected a duration such as 500ms, 2s, 1min, 30d");
        assertThatThrownBy(() -> PlannerConfig.load(dir, Optional.empty(), Map.of("CONVOY_PLANNER_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("for replication_factor");
        assertThatThrownBy(() -> PlannerConfig.load(dir, Optional.of(dir.resolve("missing.yaml")), Map.of()))
                .hasMessageContaining("missing.yaml does not exist");
    }

    @Test
    void theMetricsPortIsAPortOrMinusOneForOff() {
        assertThat(PlannerConfig.defaults(dir).metricsPort()).contains(9465);
        assertThat(PlannerConfig.defaults(dir).with(PlannerConfig.Key.METRICS_PORT, "0").metricsPort()).contains(0);
        assertThat(PlannerConfig.load(dir, Optional.empty(), Map.of("CONVOY_PLANNER_METRICS_PORT", "-1")).metricsPort()).isEmpty();
        assertThatThrownBy(() -> PlannerConfig.load(dir, Optional.empty(), Map.of("CONVOY_PLANNER_METRICS_PORT", "70000")))
                .isInstanceOf(ConvoyException.class)
                .hasMessage("invalid value '70000' for metrics_port (from env CONVOY_PLANNER_METRICS_PORT):"
                        + " expected a port from 0 to 65535, or -1 for off");
    }

    @Test
    void registryPasswordsAreNeverShown() {
        PlannerConfig config = PlannerConfig.defaults(dir)
                .with(PlannerConfig.Key.SCHEMA_REGISTRY_URL, "https://svc:s3cret@registry.example/apis/ccompat/v7");
        assertThat(config.schemaRegistryUrl()).contains("s3cret");
        assertThat(config.describe()).doesNotContain("s3cret").contains("svc:****@registry.example");
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> config.with(PlannerConfig.Key.SCHEMA_REGISTRY_URL, "ftp://svc:s3cret@x"))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void durationsReadTheUsualUnits() {
        assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(Durations.parse("2min")).contains(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT3S")).contains(Duration.ofSeconds(3));
        assertThat(Durations.parse("-1s")).isEmpty();
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2min");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}

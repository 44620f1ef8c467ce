package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.error.ConvoyException;
import io.convoy.executor.ExecutorConfig.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorConfigTest {
    private static final Map<String, String> REQUIRED = Map.of("CONVOY_EXECUTOR_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "CONVOY_EXECUTOR_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7");

    @TempDir
    Path dir;

    @Test
    void everyKeyHasADocAndAnEnvironmentVariableAndTheDefaultsParse() {
        for (Key k : Key.values()) {
            assertThat(k.doc()).as(k.key()).isNotBlank();
            assertThat(k.envVar()).startsWith("CONVOY_EXECUTOR_").doesNotContain(".");
        }
        ExecutorConfig c = ExecutorConfig.load(Optional.empty(), REQUIRED, dir);
        assertThat(c.groupId()).isEqualTo("convoy-executor");
        assertThat(c.targetsFile()).isEqualTo(dir.resolve("targets.yaml"));
        assertThat(c.versionSchema()).isEqualTo("convoy");
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.maxPollRecords()).isEqualTo(10);
        assertThat(c.retryMaxAttempts()).isEqualTo(5);
        assertThat(c.createTopics()).isTrue();
        assertThat(c.executorId()).as("host-pid").endsWith("-" + ProcessHandle.current().pid());
        assertThat(ExecutorConfig.keysTable().lines()).hasSize(Key.values().length);
    }

    @Test
    void requiredKeysAreNamedWhenMissing() {
        assertThatThrownBy(() -> ExecutorConfig.load(Optional.empty(), Map.of(), dir)).isInstanceOf(ConvoyException.class)
                .hasMessageContaining("bootstrap_servers (CONVOY_EXECUTOR_BOOTSTRAP_SERVERS")
                .hasMessageContaining("schema_registry_url");
    }

    @Test
    void theFileIsReadWithNestedKeysAndTheEnvironmentWins() throws IOException {
        Path f = dir.resolve("executor.yaml");
        Files.writeString(f, """
                bootstrap_servers: 10.0.0.1:9092
                schema_registry_url: http://reg:8081
                group_id: exec-eu
                targets_file: conf/targets.yaml
                retry:
                  max_attempts: 3
                  initial_backoff: 250ms
                """);
        ExecutorConfig c = ExecutorConfig.load(Optional.of(f), Map.of("CONVOY_EXECUTOR_GROUP_ID", "exec-us",
                "CONVOY_EXECUTOR_EXECUTOR_ID", "e7"), dir.resolve("elsewhere"));
        assertThat(c.bootstrapServers()).isEqualTo("10.0.0.1:9092");
        assertThat(c.groupId()).isEqualTo("exec-us");
        assertThat(c.setting(Key.GROUP_ID).source()).isEqualTo("env CONVOY_EXECUTOR_GROUP_ID");
        assertThat(c.setting(Key.RETRY_MAX_ATTEMPTS).source()).isEqualTo(f + ":6");
        assertThat(c.targetsFile()).as("relative to the file").isEqualTo(dir.resolve("conf/targets.yaml"));
        ApplyOptions o = c.applyOptions();
        assertThat(o.maxAttempts()).isEqualTo(3);
        assertThat(o.initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.appliedBy()).isEqualTo("convoy-executor/e7");
    }

    @Test
    void badValuesAndUnknownKeysAreNamedWithTheirSource() throws IOException {
        Path f = dir.resolve("executor.yaml");
        Files.writeString(f, "poll_timout: 1s\n");
        assertThatThrownBy(() -> ExecutorConfig.load(Optional.of(f), REQUIRED, dir)).hasMessageContaining("unknown key 'poll_timout'");
        Map<String, String> env = new java.util.HashMap<>(REQUIRED);
        env.put("CONVOY_EXECUTOR_POLL_TIMEOUT", "soon");
        assertThatThrownBy(() -> ExecutorConfig.load(Optional.empty(), env, dir))
                .hasMessageContaining("invalid value 'soon' for poll_timeout (from env CONVOY_EXECUTOR_POLL_TIMEOUT)");
        env.put("CONVOY_EXECUTOR_POLL_TIMEOUT", "1s");
        env.put("CONVOY_EXECUTOR_SCHEMA_REGISTRY_URL", "ftp://user:hunter2@reg");
        assertThatThrownBy(() -> ExecutorConfig.load(Optional.empty(), env, dir)).hasMessageContaining("schema_registry_url")
                .hasMessageNotContaining("hunter2");
        env.put("CONVOY_EXECUTOR_SCHEMA_REGISTRY_URL", "http://reg");
        env.put("CONVOY_EXECUTOR_VERSION_SCHEMA", "Bad-Schema");
        assertThatThrownBy(() -> ExecutorConfig.load(Optional.empty(), env, dir)).hasMessageContaining("lower-case SQL identifier");
    }

    @Test
    void keyNamesAreUnique() {
        assertThat(Arrays.stream(Key.values()).map(Key::key).distinct().count()).isEqualTo(Key.values().length);
    }
}

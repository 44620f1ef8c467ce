package io.convoy.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheIssuesThresholds() {
        MonitorConfig c = MonitorConfig.defaults(dir);
        assertThat(c.lagWarn()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.lagCritical()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.durationWarn()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.durationCritical()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.lockWarn()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.lockCritical()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.probeTimeout()).isLessThan(c.pollInterval());
        assertThat(c.clustersFile()).isEqualTo(dir.resolve("clusters.yaml"));
        assertThat(c.metricsPort()).contains(9466);
        assertThat(c.haltOnCritical()).isTrue();
        assertThat(c.monitorId()).startsWith("convoy-monitor");
    }

    @Test
    void fileThenEnvironmentWinWithTheirSourcesNamed() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(sub.resolve("monitor.yaml"), "lag_warn: 2s\nlag_critical: 4s\nclusters_file: c.yaml\nmetrics_port: -1\n");
        MonitorConfig c = MonitorConfig.load(dir, Optional.of(file), Map.of("CONVOY_MONITOR_LAG_CRITICAL", "5s", "OTHER", "x"));
        assertThat(c.lagWarn()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.lagCritical()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.setting(MonitorConfig.Key.LAG_CRITICAL).source()).isEqualTo("env CONVOY_MONITOR_LAG_CRITICAL");
        assertThat(c.setting(MonitorConfig.Key.LAG_WARN).source()).isEqualTo(file + ":1");
        assertThat(c.clustersFile()).as("relative to the file").isEqualTo(sub.resolve("c.yaml"));
        assertThat(c.metricsPort()).isEmpty();
        assertThat(c.with(MonitorConfig.Key.HOLD_DOWN, "2s").holdDown()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesFailWithMig020NamingKeyValueAndSource() throws Exception {
        assertThatThrownBy(() -> MonitorConfig.load(dir, Optional.empty(), Map.of("CONVOY_MONITOR_POLL_INTERVAL", "soon")))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("'soon'").hasMessageContaining("poll_interval").hasMessageContaining("env CONVOY_MONITOR_POLL_INTERVAL");
        assertThatThrownBy(() -> MonitorConfig.defaults(dir).with(MonitorConfig.Key.LAG_WARN, "40s"))
                .hasMessageContaining("lag_warn (40s").hasMessageContaining("must be below lag_critical (30s");
        assertThatThrownBy(() -> MonitorConfig.defaults(dir).with(MonitorConfig.Key.METRICS_PORT, "70000")).hasMessageContaining("70000");
        assertThatThrownBy(() -> MonitorConfig.defaults(dir).with(MonitorConfig.Key.PROBE_TIMEOUT, "0")).hasMessageContaining("probe_timeout");
        assertThatThrownBy(() -> MonitorConfig.defaults(dir).with(MonitorConfig.Key.STANDBY_MISSING_CRITICAL, "0"))
                .hasMessageContaining("standby_missing_critical");
        assertThatThrownBy(() -> MonitorConfig.defaults(dir).with(MonitorConfig.Key.SCHEMA_REGISTRY_URL, "ftp://u:secret@x"))
                .hasMessageNotContaining("secret");
        Path file = Files.writeString(dir.resolve("m.yaml"), "lag_warn: 2s\nlag_wran: 3s\n");
        assertThatThrownBy(() -> MonitorConfig.load(dir, Optional.of(file), Map.of()))
                .hasMessageContaining("unknown key 'lag_wran'").hasMessageContaining(":2");
        assertThatThrownBy(() -> MonitorConfig.load(dir, Optional.of(dir.resolve("none.yaml")), Map.of()))
                .hasMessageContaining("does not exist");
    }
}

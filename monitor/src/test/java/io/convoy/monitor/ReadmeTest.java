package io.convoy.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.monitor.config.MonitorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table names every key, with its default. */
class ReadmeTest {
    @Test
    void everySettingIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (MonitorConfig.Key k : MonitorConfig.Key.values()) {
            assertThat(readme).as(k.key()).contains(k.key());
            String dflt = k.defaultValue().orElseThrow();
            if (!dflt.isEmpty()) {
                assertThat(readme).as("default of " + k.key()).contains(dflt);
            }
        }
    }
}

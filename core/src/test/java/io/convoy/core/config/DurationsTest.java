package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,500", "2s,2000", "1min,60000", "10min,600000", "2h,7200000", "1d,86400000", "0,0", "PT1.5S,1500", " 3 s ,3000"})
    void parsesPostgresStyleDurations(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "2m", "two seconds", "-1s", "1.5s", "PT-1S"})
    void rejectsAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"500,500ms", "2000,2s", "60000,1min", "1500,1500ms", "7200000,2h", "0,0"})
    void formatsRoundTrip(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"12,12 ms", "1499,1.5 s", "60000,1 min", "61000,1 min 1 s", "125000,2 min 5 s"})
    void humanReadable(long millis, String text) {
        assertThat(Durations.human(Duration.ofMillis(millis))).isEqualTo(text);
    }
}

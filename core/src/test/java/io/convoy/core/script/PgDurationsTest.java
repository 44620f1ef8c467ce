package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PgDurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, 500000000",
        "5s, 5000000000",
        "2min, 120000000000",
        "1h, 3600000000000",
        "1d, 86400000000000",
        "250, 250000000",
        "0, 0",
        "1.5s, 1500000000",
        "'5 s', 5000000000",
        "750us, 750000",
        "' 10min ', 600000000000",
    })
    void parses(String text, long nanos) {
        assertThat(PgDurations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "5 seconds", "5S", "5MIN", "-1s", "+1s", "1e3", "abc", "5s5", "1.s", ".5s", "5 ms s", "1,5s", "'5s'"})
    void rejectsGarbage(String text) {
        assertThatThrownBy(() -> PgDurations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration: expected a number with an optional unit us, ms, s, min, h or d");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> PgDurations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitIsPostgresIntMaxMilliseconds() {
        assertThat(PgDurations.parse("2147483647")).isEqualTo(Duration.ofMillis(Integer.MAX_VALUE));
        assertThatThrownBy(() -> PgDurations.parse("2147483648"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'2147483648' is too long: PostgreSQL allows at most 2147483647ms");
        assertThatThrownBy(() -> PgDurations.parse("25d")).hasMessageContaining("too long");
        assertThatThrownBy(() -> PgDurations.parse("999999999999999999d")).hasMessageContaining("too long");
    }
}

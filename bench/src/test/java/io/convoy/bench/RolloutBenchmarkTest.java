package io.convoy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutBenchmarkTest {

    @Test
    void warmUpIsSteadyOnceTwoSuccessiveRoundsAgreeWithinTenPercent() {
        assertThat(RolloutBenchmark.steady(List.of())).isFalse();
        assertThat(RolloutBenchmark.steady(List.of(10.0))).isFalse();
        assertThat(RolloutBenchmark.steady(List.of(13.4, 10.16))).as("24 % apart").isFalse();
        assertThat(RolloutBenchmark.steady(List.of(13.4, 10.16, 9.58))).as("6 % apart").isTrue();
        assertThat(RolloutBenchmark.steady(List.of(4.0, 4.4))).as("exactly 10 % of the larger").isTrue();
        assertThat(RolloutBenchmark.steady(List.of(4.0, 4.5))).isFalse();
    }
}

package io.convoy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {
    private static final double[] ONE_TO_HUNDRED = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();

    @Test
    void nearestRankPercentilesAreMeasuredValues() {
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 50)).isEqualTo(50);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 99)).isEqualTo(99);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 100)).isEqualTo(100);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 0.5)).isEqualTo(1);
        assertThat(Stats.percentile(new double[] {7, 1, 3}, 50)).isEqualTo(3);
        // 99th of 10 values: rank ceil(9.9) = 10, the largest
        assertThat(Stats.percentile(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 99)).isEqualTo(10);
        assertThat(Stats.percentile(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 90)).isEqualTo(9);
    }

    @Test
    void medianOfOddAndEvenSamplesAndInputLeftUnsorted() {
        double[] odd = {5, 1, 9};
        assertThat(Stats.median(odd)).isEqualTo(5);
        assertThat(odd).containsExactly(5, 1, 9);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {42})).isEqualTo(42);
    }

    @Test
    void summaryAndBadInput() {
        assertThat(Stats.summary(ONE_TO_HUNDRED)).containsEntry("count", 100).containsEntry("min", 1.0)
                .containsEntry("p50", 50.0).containsEntry("p99", 99.0).containsEntry("max", 100.0).containsEntry("mean", 50.5);
        assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(ONE_TO_HUNDRED, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}

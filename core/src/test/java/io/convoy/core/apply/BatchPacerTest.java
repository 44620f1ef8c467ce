package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchPacerTest {
    private static final Duration TARGET = Duration.ofMillis(200);

    @Test
    void movesTowardHalfTheTargetDuration() {
        BatchPacer p = new BatchPacer(TARGET, 100, 100_000, 1000);
        assertThat(p.after(1000, Duration.ofMillis(200)).chunk()).isEqualTo(500);
        assertThat(p.after(1000, Duration.ofMillis(80)).chunk()).isEqualTo(1250);
        assertThat(p.after(1000, Duration.ofMillis(100)).chunk()).isEqualTo(1000);
    }

    @Test
    void growsAtMostTwofoldAndShrinksAtMostFourfoldPerBatch() {
        BatchPacer p = new BatchPacer(TARGET, 100, 100_000, 1000);
        assertThat(p.after(1000, Duration.ofMillis(1)).chunk()).isEqualTo(2000);
        assertThat(p.after(1000, Duration.ZERO).chunk()).isEqualTo(2000);
        assertThat(p.after(1000, Duration.ofSeconds(10)).chunk()).isEqualTo(250);
    }

    @Test
    void staysWithinItsBounds() {
        assertThat(new BatchPacer(TARGET, 100, 1500, 1000).after(1000, Duration.ofMillis(10)).chunk()).isEqualTo(1500);
        assertThat(new BatchPacer(TARGET, 400, 1500, 1000).after(1000, Duration.ofSeconds(5)).chunk()).isEqualTo(400);
    }

    @Test
    void aShortLastBatchChangesNothing() {
        BatchPacer p = new BatchPacer(TARGET, 100, 100_000, 1000);
        assertThat(p.after(10, Duration.ofMillis(1))).isEqualTo(p);
    }

    @Test
    void rejectsInconsistentBounds() {
        assertThatThrownBy(() -> new BatchPacer(TARGET, 100, 50, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPacer(Duration.ZERO, 1, 5, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.apply.BatchStatus;
import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.graph.MigrationStep;
import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandSteps;
import io.convoy.executor.command.TestCommands;
import io.convoy.executor.kafka.AvroMapping;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Batched statements in the executor: progress as RESUMED step events with a progress record, the gate between batches. */
class BatchProgressEventsTest {
    private final Command c = TestCommands.upgrade();
    private final MigrationStep step = CommandSteps.step(c);

    /** A clock the test moves. */
    private static final class Ticks extends Clock {
        Instant now = TestCommands.AT;

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private static BatchStatus status(int batches, boolean finished) {
        return new BatchStatus(batches * 1000L, batches * 990L, batches, Optional.of(String.valueOf(batches * 1000)),
                Duration.ofMillis(180), Duration.ofMillis(150), 1100, 5400.0, OptionalLong.of(50_000), Optional.of(Duration.ofSeconds(9)),
                Optional.empty(), finished);
    }

    @Test
    void progressIsAResumedEventWithAProgressRecord() {
        MigrationEvent.BatchProgress p = new MigrationEvent.BatchProgress(step, 2, 3, status(4, false));
        StepUpdate u = StepUpdates.progress(c, 1, p, Duration.ofSeconds(3), TestCommands.AT);
        StepEvent e = AvroMapping.stepEvent(u, "exec-1", "ev-1");
        assertThat(e.getStatus()).isEqualTo(StepStatus.RESUMED);
        assertThat(e.getMessage()).startsWith("batched statement 2/3: 3960 rows changed, 4000 keys done (~8 %)");
        assertThat(e.getProgress().getStatementIndex()).isEqualTo(2);
        assertThat(e.getProgress().getKeysDone()).isEqualTo(4000);
        assertThat(e.getProgress().getRowsDone()).isEqualTo(3960);
        assertThat(e.getProgress().getBatches()).isEqualTo(4);
        assertThat(e.getProgress().getEtaMs()).isEqualTo(9000);
        assertThat(e.getProgress().getTotalEstimate()).isEqualTo(50_000);
        assertThat(e.getProgress().getLastBatchMs()).isEqualTo(180);
        assertThat(e.getProgress().getLastLockHoldMs()).isEqualTo(150);
        assertThat(e.getProgress().getNextChunk()).isEqualTo(1100);
        assertThat(e.getProgress().getLagWaitMs()).isNull();
        assertThat(e.getProgress().getFinished()).isFalse();
        // every other event carries none
        StepEvent started = AvroMapping.stepEvent(StepUpdates.of(c, new MigrationEvent.StepStarted(step, 1), Duration.ZERO,
                TestCommands.AT).orElseThrow(), "exec-1", "ev-2");
        assertThat(started.getProgress()).isNull();
    }

    @Test
    void theGateIsAskedBetweenEveryTwoBatchesAndProgressIsPublishedAtMostOncePerSecond() {
        Ticks clock = new Ticks();
        List<StepUpdate> sink = new ArrayList<>();
        List<StatementContext> asked = new ArrayList<>();
        CommandRun run = new CommandRun(c, sink::add, asked::add, clock);
        run.accept(new MigrationEvent.StepStarted(step, 1));
        asked.clear();
        sink.clear();
        for (int b = 0; b < 10; b++) {
            run.accept(new MigrationEvent.BatchProgress(step, 1, 1, status(b, false)));
            clock.now = clock.now.plusMillis(250);
        }
        run.accept(new MigrationEvent.BatchProgress(step, 1, 1, status(10, true)));

        assertThat(asked).hasSize(10).allSatisfy(ctx -> assertThat(ctx.interruptible()).isTrue());
        // at 0, 1000, 2000 ms, and the finished one
        assertThat(sink).extracting(u -> u.progress().orElseThrow().status().batches()).containsExactly(0, 4, 8, 10);
        assertThat(sink).allSatisfy(u -> assertThat(u.status()).isEqualTo(StepUpdate.Status.RESUMED));
    }

    @Test
    void aGateMayInterruptABackfillBetweenBatches() {
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        CommandRun run = new CommandRun(c, u -> { }, ctx -> {
            if (armed.get() && ctx.interruptible()) {
                throw new StepInterrupted("halted");
            }
        }, new Ticks());
        run.accept(new MigrationEvent.StepStarted(step, 1));
        armed.set(true);
        assertThatThrownBy(() -> run.accept(new MigrationEvent.BatchProgress(step, 1, 1, status(3, false))))
                .isInstanceOf(StepInterrupted.class);
    }
}

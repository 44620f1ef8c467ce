package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.MigrationStep;
import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandSteps;
import io.convoy.executor.command.TestCommands;
import io.convoy.executor.kafka.AvroMapping;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepUpdatesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:07Z");
    private final Command c = TestCommands.upgrade();
    private final MigrationStep step = CommandSteps.step(c);

    private StepUpdate of(MigrationEvent e) {
        return StepUpdates.of(c, e, Duration.ofMillis(1500), NOW).orElseThrow();
    }

    @Test
    void startedCarriesTheAttemptAndTheHeadsBefore() {
        StepUpdate u = of(new MigrationEvent.StepStarted(step, 2));
        assertThat(u.status()).isEqualTo(StepUpdate.Status.STARTED);
        assertThat(u.attempts()).isEqualTo(2);
        assertThat(u.heads()).containsExactly("r1");
        assertThat(u.errorCode()).isEmpty();
        assertThat(u.occurredAt()).isEqualTo(NOW);
    }

    @Test
    void retryingCarriesMig003TheSqlstateAndTheBackoff() {
        ConvoyException lock = new ConvoyException(ErrorCode.MIG003, "statement 1 could not get its lock", null, "55P03");
        StepUpdate u = of(new MigrationEvent.StepRetrying(step, 1, Duration.ofMillis(250), lock));
        assertThat(u.status()).isEqualTo(StepUpdate.Status.RETRYING);
        assertThat(u.attempts()).isEqualTo(1);
        assertThat(u.errorCode()).contains(ErrorCode.MIG003);
        assertThat(u.sqlState()).contains("55P03");
        assertThat(u.message().orElseThrow()).contains("retrying in 250 ms").contains("could not get its lock");
        assertThat(u.duration()).contains(Duration.ofMillis(1500));
    }

    @Test
    void appliedCarriesTheDurationTheAttemptsAndTheHeadsAfter() {
        StepUpdate u = of(new MigrationEvent.StepApplied(step, Duration.ofMillis(42), 3));
        assertThat(u.status()).isEqualTo(StepUpdate.Status.APPLIED);
        assertThat(u.duration()).contains(Duration.ofMillis(42));
        assertThat(u.attempts()).isEqualTo(3);
        assertThat(u.heads()).containsExactly("r2");
        assertThat(u.isFinal()).isTrue();
    }

    @Test
    void failedCarriesTheCodeTheSqlstateAndAMaskedMessage() {
        ConvoyException boom = new ConvoyException(ErrorCode.MIG013,
                "statement failed on jdbc:postgresql://db/x?user=a&password=hunter2: syntax error", null, "42601");
        StepUpdate u = of(new MigrationEvent.StepFailed(step, 1, boom));
        assertThat(u.status()).isEqualTo(StepUpdate.Status.FAILED);
        assertThat(u.errorCode()).contains(ErrorCode.MIG013);
        assertThat(u.sqlState()).contains("42601");
        assertThat(u.message().orElseThrow()).doesNotContain("hunter2").contains("password=****");
        assertThat(u.heads()).containsExactly("r1");
    }

    @Test
    void statementsAndLockWaitsAreNotStateChanges() {
        assertThat(StepUpdates.of(c, new MigrationEvent.StatementApplied(step, 1, 2, Duration.ZERO), Duration.ZERO, NOW)).isEmpty();
        assertThat(StepUpdates.of(c, new MigrationEvent.WaitingForMigrationLock("db", Duration.ZERO, Duration.ofSeconds(1)),
                Duration.ZERO, NOW)).isEmpty();
        assertThat(StepUpdates.of(c, new MigrationEvent.StepResumed(step, 1), Duration.ZERO, NOW)).isEmpty();
    }

    @Test
    void theAvroEventHasEveryFieldOfTheUpdate() {
        ConvoyException lock = new ConvoyException(ErrorCode.MIG003, "lock", null, "55P03");
        StepUpdate u = of(new MigrationEvent.StepRetrying(step, 1, Duration.ofMillis(250), lock));
        StepEvent e = AvroMapping.stepEvent(u, "exec-1", "ev-1");
        assertThat(e.getEventId()).isEqualTo("ev-1");
        assertThat(e.getCommandId()).isEqualTo("cmd-2");
        assertThat(e.getPlanId()).isEqualTo("plan-1");
        assertThat(e.getRequestId()).isEqualTo("req-1");
        assertThat(e.getTargetId()).isEqualTo("orders-eu-1");
        assertThat(e.getRevision()).isEqualTo("r2");
        assertThat(e.getDirection()).isEqualTo(io.convoy.schemas.avro.Direction.UPGRADE);
        assertThat(e.getStatus()).isEqualTo(StepStatus.RETRYING);
        assertThat(e.getErrorCode()).isEqualTo("MIG003");
        assertThat(e.getSqlState()).isEqualTo("55P03");
        assertThat(e.getAttempts()).isEqualTo(1);
        assertThat(e.getDurationMs()).isEqualTo(1500L);
        assertThat(e.getExecutorId()).isEqualTo("exec-1");
        assertThat(e.getHeads()).containsExactly("r1");
        assertThat(e.getOccurredAt()).isEqualTo(NOW);
        assertThat(e.getStepIndex()).isEqualTo(1);
        assertThat(e.getStepCount()).isEqualTo(3);
    }

    @Test
    void everyStatusHasItsAvroSymbol() {
        for (StepUpdate.Status s : StepUpdate.Status.values()) {
            StepUpdate u = new StepUpdate(c, s, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    c.headsAfter(), NOW);
            assertThat(AvroMapping.stepEvent(u, "e", "id").getStatus().name()).isEqualTo(s.name());
        }
        assertThat(List.of(StepStatus.values())).hasSize(StepUpdate.Status.values().length);
    }
}

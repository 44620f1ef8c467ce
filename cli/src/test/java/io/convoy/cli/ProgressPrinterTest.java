package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.script.Revision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private static final Revision REV = new Revision("1a2b3c4d5e6f", List.of(), Set.of(), List.of(), "add users", true,
            Optional.empty(), Optional.empty(), List.of("create table users (id int)"), List.of("drop table users"), true,
            "abc", Path.of("v/1a2b3c4d5e6f_add_users.sql"), Map.of());
    private static final MigrationStep STEP = new MigrationStep(REV, Direction.UPGRADE, Set.of(), Set.of("1a2b3c4d5e6f"));

    private final StringWriter text = new StringWriter();
    private final ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text, true), false, "");

    @Test
    void oneLinePerRevision() {
        printer.accept(new MigrationEvent.StepStarted(STEP, 1));
        printer.accept(new MigrationEvent.StatementApplied(STEP, 1, 1, Duration.ofMillis(3)));
        printer.accept(new MigrationEvent.StepApplied(STEP, Duration.ofMillis(12), 1));
        assertThat(text.toString()).isEqualTo("→ upgrade 1a2b3c4d5e6f add users … applied in 12 ms\n");
    }

    @Test
    void retriesAndLockWaitsBreakTheLineAndSayWhy() {
        ConvoyException timeout = new ConvoyException(ErrorCode.MIG003, "lock timeout on jdbc:postgresql://db/app?password=hunter2", null, "55P03");
        printer.accept(new MigrationEvent.WaitingForMigrationLock("db/app", Duration.ofSeconds(3), Duration.ofSeconds(60)));
        printer.accept(new MigrationEvent.StepStarted(STEP, 1));
        printer.accept(new MigrationEvent.StepRetrying(STEP, 1, Duration.ofMillis(1500), timeout));
        printer.accept(new MigrationEvent.StepStarted(STEP, 2));
        printer.accept(new MigrationEvent.StepApplied(STEP, Duration.ofMillis(2500), 2));
        assertThat(text.toString()).isEqualTo("""
                … waiting for the migration lock on db/app, held by another run (3.0 s of 1 min)
                → upgrade 1a2b3c4d5e6f add users … \n\
                  ↻ MIG003 lock timeout on attempt 1: lock timeout on jdbc:postgresql://db/app?password=**** — rolled back, retrying in 1.5 s
                → upgrade 1a2b3c4d5e6f add users (attempt 2) … applied in 2.5 s after 2 attempts
                """);
    }

    @Test
    void failureAndResumeAreShown() {
        printer.accept(new MigrationEvent.StepStarted(STEP, 1));
        printer.accept(new MigrationEvent.StepResumed(STEP, 2));
        printer.accept(new MigrationEvent.StepFailed(STEP, 1, new ConvoyException(ErrorCode.MIG013, "boom")));
        assertThat(text.toString()).isEqualTo("→ upgrade 1a2b3c4d5e6f add users … resuming after 2 completed statements … FAILED after 1 attempt: MIG013\n");
    }
}

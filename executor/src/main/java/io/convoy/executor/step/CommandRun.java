package io.convoy.executor.step;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.executor.command.Command;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's event listener while one command is applied: publishes STARTED and RETRYING as they happen,
 * keeps the outcome (APPLIED/FAILED) for the caller to publish with the target state, and asks the gate
 * before every statement. Used by one thread.
 */
final class CommandRun implements Consumer<MigrationEvent> {
    private static final Logger log = LoggerFactory.getLogger(CommandRun.class);

    private final Command command;
    private final Consumer<StepUpdate> sink;
    private final StepGate gate;
    private final Clock clock;
    private final Instant started;
    private int attempt;
    private MigrationEvent.StepApplied applied;
    private MigrationEvent.StepFailed failed;
    /** How often a batched statement's progress is published at most. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private Instant lastProgress;

    CommandRun(Command command, Consumer<StepUpdate> sink, StepGate gate, Clock clock) {
        this.command = command;
        this.sink = sink;
        this.gate = gate;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public void accept(MigrationEvent event) {
        Instant now = clock.instant();
        if (event instanceof MigrationEvent.StepStarted s) {
            attempt = s.attempt();
            // The gate first: a step halted before it starts reports HALTED, then STARTED once it really starts.
            ask(1, true, true);
            publish(event, clock.instant());
        } else if (event instanceof MigrationEvent.StatementApplied s) {
            if (s.index() < s.count()) {
                ask(s.index() + 1, command.transactional(), false);
            }
        } else if (event instanceof MigrationEvent.BatchProgress p) {
            progress(p, now);
        } else if (event instanceof MigrationEvent.StepRetrying) {
            publish(event, now);
        } else if (event instanceof MigrationEvent.StepApplied a) {
            applied = a;
        } else if (event instanceof MigrationEvent.StepFailed f) {
            failed = f;
        } else if (event instanceof MigrationEvent.WaitingForMigrationLock w) {
            log.info("{}: waiting for the migration lock of {} ({} ms of {} ms)", command.describe(), w.database(),
                    w.waited().toMillis(), w.limit().toMillis());
        } else if (event instanceof MigrationEvent.StepResumed r) {
            log.info("{}: resuming after {} completed statement(s)", command.describe(), r.completedStatements());
        }
    }

    /**
     * Between two batches of a batched statement: publish its progress (at most once per {@link #PROGRESS_EVERY},
     * and when it finishes), then ask the gate. The last batch is committed with its checkpoint here, so the gate
     * may pause (halt) or interrupt (the command runs again later and resumes from the checkpoint).
     */
    private void progress(MigrationEvent.BatchProgress p, Instant now) {
        if (lastProgress == null || p.status().finished() || p.status().waitingForLag().isPresent()
                || !now.isBefore(lastProgress.plus(PROGRESS_EVERY))) {
            lastProgress = now;
            sink.accept(StepUpdates.progress(command, attempt, p, sinceStart(now), now));
        }
        if (!p.status().finished()) {
            ask(p.index(), true, false);
        }
    }

    private void publish(MigrationEvent event, Instant now) {
        StepUpdates.of(command, event, sinceStart(now), now).ifPresent(sink);
    }

    private void ask(int statement, boolean interruptible, boolean stepStart) {
        try {
            gate.beforeStatement(new StatementContext(command, attempt, statement, command.statements().size(), interruptible,
                    stepStart, (status, message) -> {
                        Instant now = clock.instant();
                        sink.accept(StepUpdates.reported(command, status, attempt, message, sinceStart(now), now));
                    }));
        } catch (StepInterrupted e) {
            if (interruptible) {
                throw e;
            }
            // Between the statements of a non-transactional step the one just run is not yet recorded as done:
            // stopping here would run it twice. The step goes on; the interruption applies at the next command.
            log.warn("{}: a gate asked to interrupt before statement {}, where a non-transactional step cannot stop;"
                    + " it goes on ({})", command.describe(), statement, e.getMessage());
        }
    }

    Duration sinceStart(Instant now) {
        Duration d = Duration.between(started, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    int attempts() {
        return applied != null ? applied.attempts() : failed != null ? failed.attempts() : attempt;
    }

    Optional<MigrationEvent.StepApplied> applied() {
        return Optional.ofNullable(applied);
    }
}

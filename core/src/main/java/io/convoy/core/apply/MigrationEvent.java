package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.graph.MigrationStep;
import java.time.Duration;

/**
 * What happens while a plan is applied, reported to a listener as it happens. The CLI prints
 * these; the executor turns them into step events.
 */
public sealed interface MigrationEvent {

    /** Another session holds the migration lock; we keep waiting up to the configured limit. */
    record WaitingForMigrationLock(String database, Duration waited, Duration limit) implements MigrationEvent {}

    /** A step (one revision, one direction) begins; attempt counts from 1. */
    record StepStarted(MigrationStep step, int attempt) implements MigrationEvent {}

    /** A non-transactional step resumes after statements already completed by an earlier run. */
    record StepResumed(MigrationStep step, int completedStatements) implements MigrationEvent {}

    /** One statement of a step finished. */
    record StatementApplied(MigrationStep step, int index, int count, Duration duration) implements MigrationEvent {}

    /** The step was rolled back on lock timeout or deadlock and will be tried again after {@code backoff}. */
    record StepRetrying(MigrationStep step, int attempt, Duration backoff, ConvoyException cause) implements MigrationEvent {}

    /**
     * A batched statement ({@link io.convoy.core.script.BatchDirective}) stands between two batches: before its
     * first, after every committed batch, and while it waits for replication lag. No transaction is open here and
     * the last batch is checkpointed, so a listener may block (a pause: the backfill goes on from the checkpoint
     * when it returns) or throw (a stop: a later run resumes from the checkpoint).
     *
     * @param index 1-based statement index in the step, of {@code count}
     */
    record BatchProgress(MigrationStep step, int index, int count, BatchStatus status) implements MigrationEvent {}

    /** The step committed, together with its version and history rows. */
    record StepApplied(MigrationStep step, Duration duration, int attempts) implements MigrationEvent {}

    /** The step failed for good; nothing of it stays applied where it was transactional. */
    record StepFailed(MigrationStep step, int attempts, ConvoyException cause) implements MigrationEvent {}
}

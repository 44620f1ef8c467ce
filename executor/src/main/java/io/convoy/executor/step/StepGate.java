package io.convoy.executor.step;

/**
 * Asked before every statement of every step whether it may start: the seam for halts.
 *
 * <p>The executor consults its gate from the engine's event listener (before the first statement of each
 * attempt, and after each statement but the last), on the thread applying the step; the Kafka consumer keeps
 * polling meanwhile (the partitions are paused), so a gate may block for as long as a halt lasts without the
 * executor leaving its consumer group. A gate may:
 * <ul>
 *   <li>return: the statement starts;</li>
 *   <li>block, then return: a pause (report HALTED, then RESUMED, through {@link StatementContext#reporter()});
 *       only wise where no transaction is open, i.e. before the first statement or in a non-transactional
 *       step, since an open transaction keeps its locks while it waits;</li>
 *   <li>throw {@link StepInterrupted} where {@link StatementContext#interruptible()}: the step is rolled back and
 *       the command is delivered again later (the right reaction for a transactional step).</li>
 * </ul>
 * A halt controller fed by convoy.control (a later issue) is one more gate, chained with {@link #and}; the
 * executor's own gate interrupts steps when it shuts down. Gates must be thread-safe.
 */
@FunctionalInterface
public interface StepGate {
    /** Lets every statement start. */
    StepGate OPEN = context -> { };

    void beforeStatement(StatementContext context);

    /** This gate, then {@code next}. */
    default StepGate and(StepGate next) {
        return context -> {
            beforeStatement(context);
            next.beforeStatement(context);
        };
    }
}

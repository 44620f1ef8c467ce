package io.convoy.executor.step;

import io.convoy.executor.command.Command;
import java.util.Objects;

/**
 * Where a step stands when its {@link StepGate} is asked whether the next statement may start.
 *
 * @param attempt        attempt of the step, from 1
 * @param statement      1-based index of the statement about to start
 * @param statementCount statements of the step
 * @param interruptible  whether the gate may throw {@link StepInterrupted} here: before the first statement of
 *                       an attempt, and between the statements of a transactional step (rolled back). Not
 *                       between the statements of a non-transactional step: the statement just run is
 *                       committed but its progress mark is not yet written, so stopping there would run it
 *                       twice; a gate may only pause (block) there.
 * @param stepStart      asked as the attempt starts, before anything of it ran (not between two batches of a batched
 *                       first statement, which also ask with statement 1)
 * @param reporter       publishes a step event about this step (e.g. HALTED, RESUMED)
 */
public record StatementContext(Command command, int attempt, int statement, int statementCount, boolean interruptible,
        boolean stepStart, Reporter reporter) {

    public StatementContext {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(reporter, "reporter");
    }

    /** Publishes a step event of the step being guarded. */
    @FunctionalInterface
    public interface Reporter {
        void report(StepUpdate.Status status, String message);
    }
}

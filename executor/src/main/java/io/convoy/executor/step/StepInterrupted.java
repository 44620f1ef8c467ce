package io.convoy.executor.step;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;

/**
 * Thrown by a {@link StepGate} to stop the step it guards before its next statement (a shutdown now; a halt
 * later). The engine rolls the step back (it is transactional: interruptions between the statements of a
 * non-transactional step are not allowed, see {@link StatementContext#interruptible()}) and records a
 * {@code failed} row in convoy.history whose error starts with {@link #MARKER}: such rows are not failures
 * of the step, and the executor ignores them when it looks for earlier outcomes. The command is not
 * committed, so it is delivered again and the step runs again.
 */
public final class StepInterrupted extends ConvoyException {
    private static final long serialVersionUID = 1L;

    /** Start of the error text of the history rows of interrupted steps. */
    public static final String MARKER = "interrupted by convoy-executor: ";

    /** @param why e.g. {@code shutting down}; the history row reads {@value #MARKER}{@code why} */
    public StepInterrupted(String why) {
        super(ErrorCode.MIG099, MARKER + why);
    }

    @Override
    public boolean interruption() {
        return true;
    }

    /** Whether a history row's error text is that of an interruption rather than a failure. */
    public static boolean isInterruption(String error) {
        return error != null && error.startsWith(MARKER);
    }
}

package io.convoy.core.error;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception Convoy throws. Unchecked; always carries an {@link ErrorCode}, and, where a
 * database answered, the SQLSTATE it answered with.
 */
public class ConvoyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String sqlState;

    public ConvoyException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ConvoyException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null);
    }

    public ConvoyException(ErrorCode code, String message, Throwable cause, String sqlState) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.sqlState = sqlState != null ? sqlState : SqlStates.sqlState(cause).orElse(null);
    }

    public ErrorCode code() { return code; }

    public Optional<String> sqlState() { return Optional.ofNullable(sqlState); }

    /**
     * Whether this stopped a step on purpose rather than reporting that it failed: its caller interrupted it before
     * its next statement (the executor's halt gate or shutdown). The step is rolled back and recorded all the same;
     * only how it is reported differs.
     */
    public boolean interruption() { return false; }

    /** {@code MIG003: <message>} — the form the CLI prints. */
    @Override
    public String toString() {
        return code.name() + ": " + getMessage();
    }
}

package io.convoy.schemas.registry;

/**
 * The schema registry could not be reached or refused a request. The message names the registry URL
 * (credentials masked), the request, the subject or id, the HTTP status and the registry's own error.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@link #status()} when no HTTP answer came back (unreachable, timed out, interrupted). */
    public static final int NO_RESPONSE = -1;
    /** {@link #errorCode()} when the registry gave no error code. */
    public static final int NO_ERROR_CODE = -1;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** The registry's error code (Confluent style, e.g. 40401 subject not found), or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** True when asking again later may succeed: no answer at all, or a 5xx / 408 / 429 answer. */
    public boolean isRetriable() {
        return status == NO_RESPONSE || status >= 500 || status == 408 || status == 429;
    }
}

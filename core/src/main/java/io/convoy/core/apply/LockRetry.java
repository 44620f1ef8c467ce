package io.convoy.core.apply;

import io.convoy.core.error.SqlStates;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;

/**
 * The retry policy of a step on lock timeout or deadlock: {@code maxAttempts} attempts, the n-th
 * wait {@code initialBackoff * 2^(n-1)} randomised by ±50 % and capped at {@code maxBackoff};
 * only {@link SqlStates#RETRIABLE_LOCK} failures are retried.
 */
public final class LockRetry {
    public static final double MULTIPLIER = 2.0;
    public static final double JITTER = 0.5;

    private LockRetry() {}

    public static IntervalFunction backoff(ApplyOptions options) {
        return IntervalFunction.ofExponentialRandomBackoff(options.initialBackoff(), MULTIPLIER, JITTER, options.maxBackoff());
    }

    public static RetryConfig config(ApplyOptions options) {
        return RetryConfig.custom()
                .maxAttempts(options.maxAttempts())
                .intervalFunction(backoff(options))
                .retryOnException(SqlStates.RETRIABLE_LOCK)
                .build();
    }
}

package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockRetryTest {

    @Test
    void defaultsAreFiveAttemptsFromOneSecondUpToThirty() {
        RetryConfig config = LockRetry.config(ApplyOptions.defaults());
        assertThat(config.getMaxAttempts()).isEqualTo(5);
        assertBackoff(LockRetry.backoff(ApplyOptions.defaults()), 1000, 30_000);
        // the config really uses that backoff
        IntervalFunction configured = attempt -> config.<Object>getIntervalBiFunction()
                .apply(attempt, Either.left(new SQLException("lock timeout", "55P03")));
        assertBackoff(configured, 1000, 30_000);
    }

    @Test
    void backoffDoublesWithJitterAndIsCapped() {
        ApplyOptions options = ApplyOptions.defaults().withRetry(7, Duration.ofMillis(100), Duration.ofMillis(1000));
        assertBackoff(LockRetry.backoff(options), 100, 1000);
    }

    private static void assertBackoff(IntervalFunction backoff, long initial, long max) {
        for (int attempt = 1; attempt <= 8; attempt++) {
            double base = initial * Math.pow(2, attempt - 1);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long wait = backoff.apply(attempt);
                assertThat(wait).as("attempt %d", attempt)
                        .isBetween((long) Math.floor(0.5 * Math.min(base, max)), (long) Math.ceil(Math.min(1.5 * base, max)));
                seen.add(wait);
            }
            if (1.5 * base < max) {
                assertThat(seen).as("jitter at attempt %d", attempt).hasSizeGreaterThan(1);
            }
        }
    }

    @Test
    void onlyLockTimeoutsAndDeadlocksAreRetried() {
        RetryConfig config = LockRetry.config(ApplyOptions.defaults());
        assertThat(config.getExceptionPredicate().test(new SQLException("lock timeout", "55P03"))).isTrue();
        assertThat(config.getExceptionPredicate().test(new SQLException("deadlock", "40P01"))).isTrue();
        assertThat(config.getExceptionPredicate()
                .test(new ConvoyException(ErrorCode.MIG003, "x", new SQLException("lock timeout", "55P03")))).isTrue();
        assertThat(config.getExceptionPredicate().test(new SQLException("syntax", "42601"))).isFalse();
        assertThat(config.getExceptionPredicate().test(new ConvoyException(ErrorCode.MIG014, "invalid index"))).isFalse();
    }
}

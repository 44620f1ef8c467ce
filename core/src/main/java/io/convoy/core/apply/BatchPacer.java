package io.convoy.core.apply;

import java.time.Duration;

/**
 * The chunk size of a batched statement: starts at {@code start}, then after every batch moves toward the size
 * that would have taken {@link #AIM} of {@code target} (target_ms is the longest a batch should hold its row locks;
 * aiming below it leaves room for the noise of a busy server), by at most ×2 up or ÷4 down per batch, within
 * {@code [min, max]}. Batches quicker than 1 ms count as 1 ms. Pure and immutable.
 */
public record BatchPacer(Duration target, int min, int max, int chunk) {
    static final double MAX_GROWTH = 2.0;
    static final double MAX_SHRINK = 0.25;
    /** The share of target_ms a batch aims at. */
    public static final double AIM = 0.5;

    public BatchPacer {
        if (min < 1 || max < min || chunk < min || chunk > max || target.isZero() || target.isNegative()) {
            throw new IllegalArgumentException("bad pacer: target " + target + ", min " + min + ", max " + max + ", chunk " + chunk);
        }
    }

    /** The pacer after a batch of {@code keys} keys took {@code took}. A short last batch (fewer keys than asked) changes nothing. */
    public BatchPacer after(int keys, Duration took) {
        if (keys < chunk) {
            return this;
        }
        double ms = Math.max(1.0, took.toNanos() / 1e6);
        double factor = Math.max(MAX_SHRINK, Math.min(MAX_GROWTH, AIM * target.toNanos() / 1e6 / ms));
        long next = Math.round(chunk * factor);
        return new BatchPacer(target, min, max, (int) Math.max(min, Math.min(max, next)));
    }
}

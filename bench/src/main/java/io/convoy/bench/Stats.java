package io.convoy.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Order statistics of a sample: percentiles by the nearest-rank method (the p-th percentile is the smallest value
 * with at least p % of the sample at or below it, so it is always a measured value), the median as the mean of
 * the two middle values of an even sample.
 */
public final class Stats {
    private Stats() {}

    /** Nearest-rank percentile, {@code 0 < p <= 100}. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    public static double mean(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        return Arrays.stream(values).sum() / values.length;
    }

    /** count, min, p50, p90, p99, max, mean, rounded to 0.01. */
    public static Map<String, Object> summary(double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", values.length);
        m.put("min", round(Arrays.stream(values).min().orElseThrow()));
        m.put("p50", round(percentile(values, 50)));
        m.put("p90", round(percentile(values, 90)));
        m.put("p99", round(percentile(values, 99)));
        m.put("max", round(Arrays.stream(values).max().orElseThrow()));
        m.put("mean", round(mean(values)));
        return m;
    }

    public static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}

package io.convoy.monitor.alert;

import java.time.Duration;

/**
 * The two levels of one alert, in the alert's unit (seconds for every kind today). A value strictly over
 * {@code warning} is a WARNING, strictly over {@code critical} a CRITICAL.
 */
public record Thresholds(double warning, double critical) {
    public Thresholds {
        if (!(warning < critical)) {
            throw new IllegalArgumentException("the warning threshold (" + warning + ") must be below the critical one (" + critical + ")");
        }
    }

    public static Thresholds seconds(Duration warning, Duration critical) {
        return new Thresholds(warning.toMillis() / 1000.0, critical.toMillis() / 1000.0);
    }
}

package io.convoy.monitor.alert;

import io.convoy.schemas.avro.AlertSeverity;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one condition (one kind of alert on one scope): OK, WARNING or CRITICAL. Pure: feed it values with
 * the time they were measured; it answers with a {@link Change} only when the state changes, so a flapping value
 * raises no storm.
 *
 * <ul>
 *   <li>Up at once: over the critical threshold → CRITICAL, over the warning threshold → WARNING.</li>
 *   <li>Down only after the hold-down: CRITICAL → WARNING when the value stayed at or under the critical threshold
 *   for the hold-down; WARNING or CRITICAL → RESOLVED (back to OK) when it stayed at or under the warning threshold
 *   for the hold-down. A value over a level again restarts that level's hold-down.</li>
 * </ul>
 * Not thread-safe: one owner.
 */
public final class AlertStateMachine {
    /** The state of the condition. */
    public enum Level { OK, WARNING, CRITICAL }

    /**
     * A state change.
     *
     * @param severity  WARNING, CRITICAL or RESOLVED (to OK)
     * @param value     the value that made the change
     * @param threshold the threshold the change is about: critical for CRITICAL, warning for WARNING and RESOLVED
     * @param firstSeen when the episode began (the condition left OK)
     * @param at        when the change happened
     */
    public record Change(AlertSeverity severity, Level from, Level to, double value, double threshold, Instant firstSeen,
                         Instant at) {}

    private final Thresholds thresholds;
    private final Duration holdDown;
    private Level level = Level.OK;
    private Instant firstSeen;
    private Instant atOrUnderWarningSince;
    private Instant atOrUnderCriticalSince;
    private double lastValue;

    public AlertStateMachine(Thresholds thresholds, Duration holdDown) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        this.holdDown = Objects.requireNonNull(holdDown, "holdDown");
        if (holdDown.isNegative()) {
            throw new IllegalArgumentException("negative hold-down " + holdDown);
        }
    }

    /** A value measured at {@code now}; the change it makes, if any. NaN is no measurement (nothing changes). */
    public Optional<Change> observe(double value, Instant now) {
        Objects.requireNonNull(now, "now");
        if (Double.isNaN(value)) {
            return Optional.empty();
        }
        lastValue = value;
        boolean overCritical = value > thresholds.critical();
        boolean overWarning = value > thresholds.warning();
        atOrUnderCriticalSince = overCritical ? null : since(atOrUnderCriticalSince, now);
        atOrUnderWarningSince = overWarning ? null : since(atOrUnderWarningSince, now);
        return switch (level) {
            case OK -> {
                if (overCritical || overWarning) {
                    firstSeen = now;
                    yield Optional.of(moveTo(overCritical ? Level.CRITICAL : Level.WARNING, value, now));
                }
                yield Optional.empty();
            }
            case WARNING -> {
                if (overCritical) {
                    yield Optional.of(moveTo(Level.CRITICAL, value, now));
                }
                yield heldDown(atOrUnderWarningSince, now) ? Optional.of(moveTo(Level.OK, value, now)) : Optional.empty();
            }
            case CRITICAL -> {
                if (heldDown(atOrUnderWarningSince, now)) {
                    yield Optional.of(moveTo(Level.OK, value, now));
                }
                yield heldDown(atOrUnderCriticalSince, now) ? Optional.of(moveTo(Level.WARNING, value, now)) : Optional.empty();
            }
        };
    }

    private static Instant since(Instant since, Instant now) {
        return since == null ? now : since;
    }

    private boolean heldDown(Instant since, Instant now) {
        return since != null && Duration.between(since, now).compareTo(holdDown) >= 0;
    }

    private Change moveTo(Level to, double value, Instant now) {
        Level from = level;
        level = to;
        AlertSeverity severity = switch (to) {
            case OK -> AlertSeverity.RESOLVED;
            case WARNING -> AlertSeverity.WARNING;
            case CRITICAL -> AlertSeverity.CRITICAL;
        };
        double threshold = to == Level.CRITICAL ? thresholds.critical() : thresholds.warning();
        Change change = new Change(severity, from, to, value, threshold, firstSeen, now);
        if (to == Level.OK) {
            firstSeen = null;
        }
        return change;
    }

    public Level level() {
        return level;
    }

    /** When the current episode began; empty when OK. */
    public Optional<Instant> firstSeen() {
        return Optional.ofNullable(firstSeen);
    }

    public double lastValue() {
        return lastValue;
    }

    public Thresholds thresholds() {
        return thresholds;
    }
}

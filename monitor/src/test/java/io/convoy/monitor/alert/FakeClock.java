package io.convoy.monitor.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand. */
public final class FakeClock extends Clock {
    private Instant now;

    public FakeClock(Instant start) {
        this.now = start;
    }

    public Instant advance(Duration d) {
        now = now.plus(d);
        return now;
    }

    public Instant advanceSeconds(double s) {
        return advance(Duration.ofMillis(Math.round(s * 1000)));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}

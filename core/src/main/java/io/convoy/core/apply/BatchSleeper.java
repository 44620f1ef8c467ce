package io.convoy.core.apply;

import java.time.Duration;

/** How a batched statement waits while replication lag is over max_lag; tests inject one that does not sleep. */
@FunctionalInterface
public interface BatchSleeper {
    BatchSleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}

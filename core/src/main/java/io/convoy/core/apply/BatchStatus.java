package io.convoy.core.apply;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a batched statement stands, reported before its first batch, after every committed batch, and while it
 * waits for replication lag ({@link MigrationEvent.BatchProgress}).
 *
 * @param keysDone       keys walked (committed), including those of earlier runs
 * @param rowsDone       rows the statement changed (committed), including those of earlier runs
 * @param batches        batches committed, including those of earlier runs
 * @param lastKey        the last key done (the checkpoint), as text; empty before the first batch
 * @param lastBatch      duration of the last batch's transaction, from its key query to its commit (zero before the
 *                       first batch of this run)
 * @param lastLockHold   how long the last batch held row locks: from the start of its UPDATE/INSERT/DELETE to the end
 *                       of its commit (zero before the first batch of this run)
 * @param nextChunk      keys the next batch will take
 * @param rowsPerSecond  keys per second in this run so far (0 before the first batch)
 * @param totalEstimate  keys of the table (planner estimate, or a count when the table was never analysed)
 * @param eta            estimated time left, when a rate and an estimate are known
 * @param waitingForLag  the replication lag measured while the backfill waits for it to drop under max_lag
 * @param finished       the last batch found no more keys
 */
public record BatchStatus(long keysDone, long rowsDone, int batches, Optional<String> lastKey, Duration lastBatch,
        Duration lastLockHold, int nextChunk, double rowsPerSecond, OptionalLong totalEstimate, Optional<Duration> eta,
        Optional<Duration> waitingForLag, boolean finished) {

    /** {@code 12000 rows done (24 %), 11500 rows/s, ETA 3 s, batch 6 (2000 keys in 180 ms)}: for logs and step events. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(finished ? "finished: " : "").append(rowsDone).append(" rows changed, ").append(keysDone).append(" keys done");
        totalEstimate.ifPresent(t -> {
            if (t > 0) {
                sb.append(" (~").append(Math.min(100, keysDone * 100 / t)).append(" %)");
            }
        });
        sb.append(", ").append(Math.round(rowsPerSecond)).append(" keys/s");
        eta.ifPresent(e -> sb.append(", ETA ").append(Math.max(0, e.toSeconds())).append(" s"));
        sb.append(", ").append(batches).append(" batch(es), last ").append(lastBatch.toMillis()).append(" ms, next chunk ")
                .append(nextChunk);
        waitingForLag.ifPresent(l -> sb.append("; waiting: replication lag ").append(l.toMillis()).append(" ms over max_lag"));
        return sb.toString();
    }
}

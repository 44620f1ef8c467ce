package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.script.BatchDirective;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batched statement on the work connection (autocommit on entry and on exit): keyset batches, each
 * one transaction holding
 * <pre>
 * SELECT &lt;key&gt;::text AS convoy_key FROM &lt;table&gt; WHERE &lt;key&gt; &gt; :last ORDER BY &lt;key&gt; OFFSET :n-1 LIMIT 1   -- the batch's upper key
 * &lt;template with {{batch}} = (&lt;key&gt; &gt; :last AND &lt;key&gt; &lt;= :upper)&gt;
 * INSERT INTO &lt;schema&gt;.history (..., outcome, ...) VALUES (..., 'checkpoint', ...)  -- last key, keys/rows done
 * COMMIT
 * </pre>
 * A crash loses at most the open batch, whose rows and checkpoint row roll back together: a re-run resumes after the
 * checkpointed key and touches every row once ({@link BatchCheckpoints}: history stays append-only). Before every batch: a {@link MigrationEvent.BatchProgress} (the
 * listener may pause or stop the backfill there) and, with max_lag, a replication-lag check that waits while the
 * lag is over. The chunk size follows {@link BatchPacer}. A checkpoint written from another script (other
 * checksum) is MIG004.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final Connection work;
    private final BatchCheckpoints checkpoints;
    private final Clock clock;
    private final BatchEnvironment env;
    private final Consumer<MigrationEvent> listener;

    BatchRunner(Connection work, BatchCheckpoints checkpoints, Clock clock, BatchEnvironment env,
            Consumer<MigrationEvent> listener) {
        this.work = work;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.env = env;
        this.listener = listener;
    }

    private record Checkpoint(Optional<String> lastKey, long keys, long rows, int batches, boolean finished) {}

    /** Start of the last batch's data statement (its row locks), set by {@link #batch}. */
    private Instant lockStart;

    /**
     * Runs the statement to its end; SQLException from the database (the open batch rolled back), ConvoyException otherwise.
     *
     * @param row the fixed values of the step's checkpoint rows ({@link VersionTables.HistoryRow#checkpoint})
     */
    void run(MigrationStep step, int index, int count, BatchDirective.Batched batched, VersionTables.HistoryRow row)
            throws SQLException {
        BatchDirective d = batched.directive();
        String keyType = keyType(d);
        Checkpoint cp = readCheckpoint(step, index, row);
        BatchPacer pacer = new BatchPacer(d.target(), d.minRows(), d.maxRows(), d.startRows());
        OptionalLong total = estimate(d);
        Instant runStart = clock.instant();
        long keysAtStart = cp.keys();
        if (cp.batches() > 0) {
            log.info("Resuming batched statement {} of {} after key {} ({} keys, {} rows, {} batches done)", index,
                    step.revision().id(), cp.lastKey().orElse("-"), cp.keys(), cp.rows(), cp.batches());
        }
        Duration[] last = {Duration.ZERO, Duration.ZERO};
        while (!cp.finished()) {
            report(step, index, count, status(cp, last, pacer, runStart, keysAtStart, total, Optional.empty()));
            waitForLag(step, index, count, d, cp, last, pacer, runStart, keysAtStart, total);
            long keysBefore = cp.keys();
            Instant t0 = clock.instant();
            cp = batch(index, batched, keyType, cp, pacer.chunk(), row);
            Instant t1 = clock.instant();
            last = new Duration[] {Duration.between(t0, t1), Duration.between(lockStart, t1)};
            pacer = pacer.after((int) Math.min(Integer.MAX_VALUE, cp.keys() - keysBefore), last[0]);
        }
        report(step, index, count, status(cp, last, pacer, runStart, keysAtStart, total, Optional.empty()));
    }

    private Checkpoint batch(int index, BatchDirective.Batched batched, String keyType, Checkpoint cp, int chunk,
            VersionTables.HistoryRow row) throws SQLException {
        BatchDirective d = batched.directive();
        Instant started = clock.instant();
        String key = d.key();
        Optional<String> lower = cp.lastKey().map(k -> "CAST(" + SqlLiterals.literal(k) + " AS " + keyType + ")");
        String where = lower.map(l -> " WHERE " + key + " > " + l).orElse("");
        work.setAutoCommit(false);
        try {
            String upper;
            long keys;
            boolean last;
            try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT (" + key + ")::text AS convoy_key FROM "
                    + d.table() + where + " ORDER BY " + key + " OFFSET " + (chunk - 1) + " LIMIT 1")) {
                upper = rs.next() ? rs.getString(1) : null;
            }
            if (upper != null) {
                keys = chunk;
                last = false;
            } else {
                try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT (" + key
                        + ")::text AS convoy_key FROM " + d.table() + where + " ORDER BY " + key + " DESC LIMIT 1), (SELECT count(*) FROM "
                        + d.table() + where + ")")) {
                    rs.next();
                    upper = rs.getString(1);
                    keys = rs.getLong(2);
                }
                last = true;
            }
            long rows = 0;
            lockStart = clock.instant();
            if (upper != null) {
                String sql = batched.expand(lower, "CAST(" + SqlLiterals.literal(upper) + " AS " + keyType + ")");
                try (Statement st = work.createStatement()) {
                    st.execute(sql);
                    rows = Math.max(0, st.getUpdateCount());
                }
            }
            Checkpoint next = new Checkpoint(upper == null ? cp.lastKey() : Optional.of(upper), cp.keys() + keys,
                    cp.rows() + rows, cp.batches() + (upper == null ? 0 : 1), last);
            write(row, index, next, started);
            work.commit();
            return next;
        } catch (SQLException | RuntimeException e) {
            try {
                work.rollback();
            } catch (SQLException ignored) {
                // the connection is gone: the open batch is rolled back by the server
            }
            throw e;
        } finally {
            try {
                work.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the caller reports the first failure
            }
        }
    }

    private void write(VersionTables.HistoryRow row, int index, Checkpoint cp, Instant started) throws SQLException {
        Instant finished = clock.instant();
        try (PreparedStatement ps = work.prepareStatement(checkpoints.insert())) {
            ps.setString(1, row.revision());
            ps.setString(2, row.direction());
            ps.setString(3, row.checksum().orElseThrow());
            ps.setObject(4, OffsetDateTime.ofInstant(started, ZoneOffset.UTC));
            ps.setObject(5, OffsetDateTime.ofInstant(finished, ZoneOffset.UTC));
            ps.setLong(6, Math.max(0, Duration.between(started, finished).toMillis()));
            ps.setString(7, row.appliedBy());
            ps.setString(8, row.host());
            ps.setInt(9, row.statementCount());
            ps.setString(10, row.planId().orElse(null));
            ps.setString(11, row.commandId().orElse(null));
            ps.setInt(12, index);
            ps.setString(13, cp.lastKey().orElse(null));
            ps.setLong(14, cp.keys());
            ps.setLong(15, cp.rows());
            ps.setInt(16, cp.batches());
            ps.setBoolean(17, cp.finished());
            ps.executeUpdate();
        }
    }

    private Checkpoint readCheckpoint(MigrationStep step, int index, VersionTables.HistoryRow row) throws SQLException {
        try (PreparedStatement ps = work.prepareStatement(checkpoints.selectLatest())) {
            ps.setString(1, step.revision().id());
            ps.setString(2, step.direction().verb());
            ps.setInt(3, index);
            ps.setString(4, step.revision().id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Checkpoint(Optional.empty(), 0, 0, 0, false);
                }
                String checksum = rs.getString(1);
                if (!checksum.equals(step.revision().checksum())) {
                    throw new ConvoyException(ErrorCode.MIG004, "revision " + step.revision().id() + " (" + step.revision().source()
                            + "): batched statement " + index + " was partly run (up to key " + rs.getString(2) + ") from a file"
                            + " with checksum " + checksum + ", but the file now has checksum " + step.revision().checksum()
                            + ": resuming would run another script. Restore the file; or, to run the statement over from its"
                            + " first key with the current file, append a fresh checkpoint (history is append-only): "
                            + checkpoints.restart(row, index));
                }
                return new Checkpoint(Optional.ofNullable(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getInt(5),
                        rs.getBoolean(6));
            }
        }
    }

    private String keyType(BatchDirective d) throws SQLException {
        try (PreparedStatement ps = work.prepareStatement("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, d.table());
            ps.setString(2, d.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ConvoyException(ErrorCode.MIG013, "batched statement: table " + d.table() + " has no column "
                            + d.key() + " (or the table does not exist): check table= and key= of the batch directive");
                }
                return rs.getString(1);
            }
        }
    }

    /** The planner's row estimate of the table, or a count when it was never analysed. */
    private OptionalLong estimate(BatchDirective d) throws SQLException {
        try (PreparedStatement ps = work.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, d.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return OptionalLong.of(rs.getLong(1));
                }
            }
        }
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + d.table())) {
            rs.next();
            return OptionalLong.of(rs.getLong(1));
        }
    }

    private void waitForLag(MigrationStep step, int index, int count, BatchDirective d, Checkpoint cp, Duration[] last,
            BatchPacer pacer, Instant runStart, long keysAtStart, OptionalLong total) throws SQLException {
        if (d.maxLag().isEmpty()) {
            return;
        }
        Duration max = d.maxLag().get();
        while (true) {
            Duration lag = env.lag().measure(work);
            if (lag.compareTo(max) <= 0) {
                return;
            }
            log.info("Batched statement {} of {} waits: replication lag {} ms over max_lag {} ms", index, step.revision().id(),
                    lag.toMillis(), max.toMillis());
            report(step, index, count, status(cp, last, pacer, runStart, keysAtStart, total, Optional.of(lag)));
            try {
                env.sleeper().sleep(env.lagPoll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConvoyException(ErrorCode.MIG099, "interrupted while waiting for replication lag to drop", e);
            }
        }
    }

    /** @param last the last batch's transaction duration and lock hold */
    private BatchStatus status(Checkpoint cp, Duration[] last, BatchPacer pacer, Instant runStart, long keysAtStart,
            OptionalLong total, Optional<Duration> lag) {
        double seconds = Duration.between(runStart, clock.instant()).toNanos() / 1e9;
        long keysThisRun = cp.keys() - keysAtStart;
        double rate = seconds > 0 && keysThisRun > 0 ? keysThisRun / seconds : 0;
        Optional<Duration> eta = Optional.empty();
        if (cp.finished()) {
            eta = Optional.of(Duration.ZERO);
        } else if (rate > 0 && total.isPresent()) {
            eta = Optional.of(Duration.ofMillis(Math.round(Math.max(0, total.getAsLong() - cp.keys()) / rate * 1000)));
        }
        OptionalLong tot = total.isPresent() ? OptionalLong.of(Math.max(total.getAsLong(), cp.keys())) : total;
        return new BatchStatus(cp.keys(), cp.rows(), cp.batches(), cp.lastKey(), last[0], last[1], pacer.chunk(), rate, tot, eta, lag,
                cp.finished());
    }

    private void report(MigrationStep step, int index, int count, BatchStatus status) {
        log.debug("batched statement {}/{} of {}: {}", index, count, step.revision().id(), status.describe());
        listener.accept(new MigrationEvent.BatchProgress(step, index, count, status));
    }
}

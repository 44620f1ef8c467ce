package io.convoy.bench;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.BatchStatus;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.apply.Migrator;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code backfill}: the same change to every row of a table, once as one single UPDATE (one transaction: every row
 * lock held until it commits) and once as Convoy's batched statement ({@code -- convoy:batch:} with target_ms),
 * in the same run on the same database, the table rebuilt between the two. Reported per repeat and as medians:
 * rows/s of each (whole step for the batched one: sessions, migration lock, version rows included), their ratio
 * (batched / single; target >= 0.70), and the longest time one batch held row locks (from the start of its UPDATE to
 * the end of its commit; target <= target_ms 200), with the longest batch transaction (key query included) beside
 * it. The single UPDATE holds its row locks for its whole duration. The order of the two alternates between repeats.
 */
final class BackfillBenchmark {
    private static final String DB = "bench_backfill";
    private static final String CHANGE = "slug = lower(title) || '-' || id";

    record Settings(int rows, int repeats, int targetMs) {}

    private BackfillBenchmark() {}

    static Map<String, Object> run(PostgresCluster pg, Settings s) throws SQLException {
        pg.createDatabase(DB);
        ConnectionSource source = ConnectionSource.of(pg.jdbcUrl(DB));
        Revision revision = RevisionParser.parse("""
                -- convoy:revision: backfill1
                -- convoy:message: backfill pages.slug
                -- convoy:transactional: false
                -- convoy:upgrade
                -- convoy:batch: table=pages key=id target_ms=%d
                UPDATE pages SET %s WHERE {{batch}};
                """.formatted(s.targetMs(), CHANGE), Path.of("bench/backfill1.sql"));
        List<Map<String, Object>> runs = new ArrayList<>();
        double[] singleRate = new double[s.repeats()];
        double[] batchedRate = new double[s.repeats()];
        double[] ratio = new double[s.repeats()];
        double[] longest = new double[s.repeats()];
        double[] batchP99 = new double[s.repeats()];
        double[] longestLock = new double[s.repeats()];
        for (int i = 0; i < s.repeats(); i++) {
            boolean singleFirst = i % 2 == 0;
            Map<String, Object> single = null;
            Map<String, Object> batched = null;
            for (int k = 0; k < 2; k++) {
                reset(pg, s.rows());
                if ((k == 0) == singleFirst) {
                    single = single(pg, s.rows());
                } else {
                    batched = batched(source, revision, s.rows());
                }
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("order", singleFirst ? "single, batched" : "batched, single");
            run.put("single_update", single);
            run.put("batched", batched);
            singleRate[i] = (double) single.get("rows_per_s");
            batchedRate[i] = (double) batched.get("rows_per_s");
            ratio[i] = batchedRate[i] / singleRate[i];
            longest[i] = (double) batched.get("longest_batch_ms");
            longestLock[i] = (double) batched.get("longest_lock_hold_ms");
            batchP99[i] = ((Number) ((Map<?, ?>) batched.get("batch_ms")).get("p99")).doubleValue();
            run.put("ratio", Stats.round(ratio[i]));
            runs.add(run);
            System.out.printf("backfill repeat %d/%d: single %.0f rows/s, batched %.0f rows/s (%.0f %%), longest batch %.0f ms,"
                    + " longest row-lock hold %.0f ms%n", i + 1, s.repeats(), singleRate[i], batchedRate[i], ratio[i] * 100,
                    longest[i], longestLock[i]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("description", s.rows() + " rows: one single UPDATE vs Convoy's batched statement (target_ms " + s.targetMs()
                + "), same database, table rebuilt before each; " + s.repeats() + " repeats, order alternating");
        r.put("change", "UPDATE pages SET " + CHANGE);
        r.put("median_single_rows_per_s", Stats.round(Stats.median(singleRate)));
        r.put("median_batched_rows_per_s", Stats.round(Stats.median(batchedRate)));
        r.put("median_ratio", Stats.round(Stats.median(ratio)));
        r.put("median_longest_batch_ms", Stats.round(Stats.median(longest)));
        r.put("max_longest_batch_ms", Stats.round(java.util.Arrays.stream(longest).max().orElseThrow()));
        r.put("median_batch_p99_ms", Stats.round(Stats.median(batchP99)));
        r.put("median_longest_lock_hold_ms", Stats.round(Stats.median(longestLock)));
        r.put("max_longest_lock_hold_ms", Stats.round(java.util.Arrays.stream(longestLock).max().orElseThrow()));
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("ratio_at_least", 0.70);
        target.put("ratio_met", Stats.median(ratio) >= 0.70);
        target.put("longest_lock_hold_ms_at_most", s.targetMs());
        target.put("longest_lock_hold_met", Stats.median(longestLock) <= s.targetMs());
        r.put("target", target);
        r.put("runs", runs);
        return r;
    }

    /** A fresh table of {@code rows} rows, vacuumed and analysed, and no Convoy tables. */
    private static void reset(PostgresCluster pg, int rows) throws SQLException {
        try (Connection c = pg.connect(DB); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS convoy CASCADE");
            st.execute("DROP TABLE IF EXISTS pages");
            st.execute("CREATE TABLE pages (id bigint PRIMARY KEY, title text NOT NULL, slug text)");
            st.execute("INSERT INTO pages (id, title) SELECT g, 'Title ' || g || ' of the page' FROM generate_series(1, " + rows + ") g");
            st.execute("VACUUM ANALYZE pages");
            st.execute("CHECKPOINT");
        }
    }

    private static Map<String, Object> single(PostgresCluster pg, int rows) throws SQLException {
        long changed;
        long t0;
        long t1;
        try (Connection c = pg.connect(DB); Statement st = c.createStatement()) {
            t0 = System.nanoTime();
            changed = st.executeUpdate("UPDATE pages SET " + CHANGE);
            t1 = System.nanoTime();
        }
        check(pg, rows, changed);
        double seconds = (t1 - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", Stats.round(seconds));
        m.put("rows_per_s", Stats.round(rows / seconds));
        m.put("lock_held_ms", Stats.round(seconds * 1000));
        return m;
    }

    private static Map<String, Object> batched(ConnectionSource source, Revision revision, int rows) throws SQLException {
        List<BatchStatus> progress = new ArrayList<>();
        long[] firstBatchStart = new long[1];
        long[] finished = new long[1];
        Migrator migrator = new Migrator(source, ApplyOptions.defaults().withAppliedBy("bench"), Clock.systemUTC(), e -> {
            if (e instanceof MigrationEvent.BatchProgress p) {
                if (p.status().batches() == 0 && firstBatchStart[0] == 0) {
                    firstBatchStart[0] = System.nanoTime();
                }
                if (p.status().finished()) {
                    finished[0] = System.nanoTime();
                }
                progress.add(p.status());
            }
        });
        long t0 = System.nanoTime();
        migrator.apply(new Plan(Direction.UPGRADE, Set.of(), Set.of(revision.id()),
                List.of(new MigrationStep(revision, Direction.UPGRADE, Set.of(), Set.of(revision.id())))));
        long t1 = System.nanoTime();
        BatchStatus last = progress.get(progress.size() - 1);
        if (!last.finished() || last.rowsDone() != rows) {
            throw new IllegalStateException("the batched statement ended at " + last.describe() + ", expected " + rows + " rows");
        }
        check(source, rows);
        // one entry per committed batch: the events after a batch carry its duration
        List<BatchStatus> afterBatch = progress.stream().filter(p -> p.batches() > 0 && p.lastBatch().toNanos() > 0).toList();
        double[] batchMs = afterBatch.stream().mapToDouble(p -> p.lastBatch().toNanos() / 1e6).toArray();
        double[] lockMs = afterBatch.stream().mapToDouble(p -> p.lastLockHold().toNanos() / 1e6).toArray();
        double loopSeconds = (finished[0] - firstBatchStart[0]) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        double stepSeconds = (t1 - t0) / 1e9;
        m.put("seconds", Stats.round(stepSeconds));
        m.put("rows_per_s", Stats.round(rows / stepSeconds));
        m.put("batch_loop_seconds", Stats.round(loopSeconds));
        m.put("batch_loop_rows_per_s", Stats.round(rows / loopSeconds));
        m.put("batches", last.batches());
        m.put("chunk_min", progress.stream().mapToInt(BatchStatus::nextChunk).min().orElseThrow());
        m.put("chunk_max", progress.stream().mapToInt(BatchStatus::nextChunk).max().orElseThrow());
        m.put("longest_batch_ms", Stats.round(java.util.Arrays.stream(batchMs).max().orElseThrow()));
        m.put("longest_lock_hold_ms", Stats.round(java.util.Arrays.stream(lockMs).max().orElseThrow()));
        m.put("batch_ms", Stats.summary(batchMs));
        m.put("lock_hold_ms", Stats.summary(lockMs));
        return m;
    }

    private static void check(PostgresCluster pg, int rows, long changed) throws SQLException {
        if (changed != rows) {
            throw new IllegalStateException("the single UPDATE changed " + changed + " rows, expected " + rows);
        }
        check(ConnectionSource.of(pg.jdbcUrl(DB)), rows);
    }

    private static void check(ConnectionSource source, int rows) throws SQLException {
        try (Connection c = source.open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pages WHERE slug = lower(title) || '-' || id")) {
            rs.next();
            if (rs.getLong(1) != rows) {
                throw new IllegalStateException(rs.getLong(1) + " of " + rows + " rows have the new slug");
            }
        }
    }
}

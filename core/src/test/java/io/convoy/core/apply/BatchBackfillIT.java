package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.core.script.SqlSplitter;
import io.convoy.core.script.SqlStatement;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batched backfills on a real PostgreSQL: every row of {@code pages} carries a counter bumped by a trigger on
 * each UPDATE, so "each row touched exactly once" is checked row by row.
 */
class BatchBackfillIT {
    private static final int ROWS = 50_000;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres pg;

    private String db;
    private ConnectionSource source;
    private final List<MigrationEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = "batch_" + DATABASES.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        source = ConnectionSource.of(url(db));
        exec("CREATE TABLE pages (id bigint PRIMARY KEY, title text NOT NULL, slug text, touched integer NOT NULL DEFAULT 0)");
        exec("CREATE FUNCTION count_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.id = current_setting('test.block_at', true)::bigint THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;"
                + " NEW.touched := OLD.touched + 1; RETURN NEW; END $$");
        exec("CREATE TRIGGER pages_touch BEFORE UPDATE ON pages FOR EACH ROW EXECUTE FUNCTION count_touch()");
        exec("INSERT INTO pages (id, title) SELECT g, 'Title ' || g FROM generate_series(1, " + ROWS + ") g");
        exec("VACUUM ANALYZE pages");
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database + "?user=postgres";
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database));
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private long number(String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Revision backfill(String directiveArgs) {
        return RevisionParser.parse("""
                -- convoy:revision: b1
                -- convoy:transactional: false
                -- convoy:upgrade
                -- convoy:batch: %s
                UPDATE pages SET slug = lower(replace(title, ' ', '-')) WHERE {{batch}};
                -- convoy:downgrade
                UPDATE pages SET slug = NULL;
                """.formatted(directiveArgs), Path.of("versions/b1_backfill.sql"));
    }

    private static Plan upgrade(Revision r) {
        return new Plan(Direction.UPGRADE, Set.of(), Set.of(r.id()),
                List.of(new MigrationStep(r, Direction.UPGRADE, Set.of(), Set.of(r.id()))));
    }

    private Migrator migrator(Consumer<MigrationEvent> listener) {
        return new Migrator(source, ApplyOptions.defaults(), Clock.systemUTC(), e -> {
            events.add(e);
            listener.accept(e);
        });
    }

    private List<BatchStatus> progress() {
        return events.stream().filter(e -> e instanceof MigrationEvent.BatchProgress)
                .map(e -> ((MigrationEvent.BatchProgress) e).status()).toList();
    }

    private void assertEveryRowTouchedOnce() throws SQLException {
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1 AND slug = lower(replace(title, ' ', '-'))"))
                .isEqualTo(ROWS);
        assertThat(number("SELECT count(*) FROM pages WHERE touched <> 1")).isZero();
    }

    @Test
    void backfillRunsInShortBatchesWhoseSizeAdaptsToTheTarget() throws SQLException {
        Revision r = backfill("table=pages key=id target_ms=40 min_rows=50 start_rows=200 max_rows=20000");
        assertThat(migrator(e -> { }).apply(upgrade(r))).containsExactly("b1");

        assertEveryRowTouchedOnce();
        List<BatchStatus> progress = progress();
        BatchStatus last = progress.get(progress.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.keysDone()).isEqualTo(ROWS);
        assertThat(last.rowsDone()).isEqualTo(ROWS);
        assertThat(last.lastKey()).contains(String.valueOf(ROWS));
        assertThat(last.batches()).isGreaterThan(3);
        List<Integer> chunks = progress.stream().map(BatchStatus::nextChunk).distinct().toList();
        assertThat(chunks).as("chunk sizes seen").hasSizeGreaterThanOrEqualTo(3);
        assertThat(chunks.get(0)).isEqualTo(200);
        assertThat(chunks.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(200);
        assertThat(progress.stream().filter(s -> s.batches() > 0 && !s.finished()))
                .allSatisfy(s -> assertThat(s.totalEstimate()).hasValue(ROWS))
                .anySatisfy(s -> assertThat(s.eta()).isPresent());
        // one checkpoint row per committed batch in history, then the applied row; no table of its own
        assertThat(number("SELECT count(*) FROM convoy.history WHERE revision = 'b1' AND outcome = 'applied'")).isEqualTo(1);
        // (one more row, with the same batch count, when the last full batch happened to end on the last key)
        long checkpoints = number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint'");
        assertThat(number("SELECT count(DISTINCT batches) FROM convoy.history WHERE outcome = 'checkpoint'")).isEqualTo(last.batches());
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint' AND revision = 'b1'"
                + " AND direction = 'upgrade' AND statement_index = 1 AND checksum = '" + r.checksum() + "' AND statement_count = 1"
                + " AND finished_at >= started_at AND duration_ms >= 0 AND applied_by IS NOT NULL")).isEqualTo(checkpoints);
        assertThat(number("SELECT keys_done FROM convoy.history WHERE outcome = 'checkpoint' AND statement_done")).isEqualTo(ROWS);
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint' AND id > (SELECT id FROM"
                + " convoy.history WHERE outcome = 'applied')")).isZero();
        assertThat(number("SELECT count(*) FROM (SELECT keys_done, lag(keys_done) OVER (ORDER BY id) AS before FROM convoy.history"
                + " WHERE outcome = 'checkpoint') k WHERE keys_done < before")).as("keys done grow batch by batch").isZero();
        assertNoCheckpointTable();
        Migrator m = migrator(e -> { });
        assertThat(m.history()).extracting(HistoryEntry::outcome).containsExactly("applied");
        List<HistoryEntry> all = m.history(true);
        assertThat(all).hasSize((int) checkpoints + 1);
        assertThat(all.get(all.size() - 1).outcome()).isEqualTo("applied");
        HistoryEntry final_ = all.get(all.size() - 2);
        assertThat(final_.isCheckpoint()).isTrue();
        assertThat(final_.checkpoint()).hasValueSatisfying(c -> {
            assertThat(c.statementIndex()).isEqualTo(1);
            assertThat(c.lastKey()).contains(String.valueOf(ROWS));
            assertThat(c.keysDone()).isEqualTo(ROWS);
            assertThat(c.rowsDone()).isEqualTo(ROWS);
            assertThat(c.batches()).isEqualTo(last.batches());
            assertThat(c.statementDone()).isTrue();
        });
        assertThat(m.check(List.of(r), Set.of("b1")).worst()).isEmpty();
    }

    @Test
    void aRunStoppedBetweenBatchesResumesAtItsCheckpoint() throws SQLException {
        Revision r = backfill("table=pages key=id target_ms=5000 min_rows=1000 start_rows=1000 max_rows=1000");
        RuntimeException crash = new IllegalStateException("executor killed");
        assertThatThrownBy(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p && p.status().batches() == 7) {
                throw crash;
            }
        }).apply(upgrade(r))).isSameAs(crash);

        assertThat(number(LATEST + "keys_done" + LATEST_FROM)).isEqualTo(7000);
        assertThat(number(LATEST + "last_key::bigint" + LATEST_FROM)).isEqualTo(7000);
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint'")).isEqualTo(7);
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'failed'")).isEqualTo(1);
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1")).isEqualTo(7000);
        assertThat(number("SELECT max(id) FROM pages WHERE touched = 1")).isEqualTo(7000);
        assertThat(number("SELECT count(*) FROM convoy.version")).isZero();

        events.clear();
        assertThat(migrator(e -> { }).apply(upgrade(r))).containsExactly("b1");
        assertThat(progress().get(0).batches()).as("the second run starts from the checkpoint").isEqualTo(7);
        assertThat(progress().get(0).lastKey()).contains("7000");
        assertEveryRowTouchedOnce();
        assertThat(progress().get(progress().size() - 1).rowsDone()).isEqualTo(ROWS);
        assertNoCheckpointTable();
    }

    /** The latest checkpoint row's column: {@code LATEST + "keys_done" + LATEST_FROM}. */
    private static final String LATEST = "SELECT ";
    private static final String LATEST_FROM = " FROM convoy.history WHERE outcome = 'checkpoint' ORDER BY id DESC LIMIT 1";

    private void assertNoCheckpointTable() throws SQLException {
        assertThat(number("SELECT count(*) FROM pg_class WHERE relname = 'batch_checkpoint'")).isZero();
    }

    @Test
    void aDowngradeThenANewUpgradeStartsOverWhileAFailedAttemptResumes() throws SQLException {
        Revision r = backfill("table=pages key=id target_ms=5000 min_rows=10000 start_rows=10000 max_rows=10000");
        assertThatThrownBy(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p && p.status().batches() == 2) {
                throw new IllegalStateException("stop");
            }
        }).apply(upgrade(r))).hasMessage("stop");
        events.clear();
        migrator(e -> { }).apply(upgrade(r));
        assertThat(progress().get(0).batches()).as("the failed attempt resumes").isEqualTo(2);
        assertEveryRowTouchedOnce();

        migrator(e -> { }).apply(new Plan(Direction.DOWNGRADE, Set.of("b1"), Set.of(),
                List.of(new MigrationStep(r, Direction.DOWNGRADE, Set.of("b1"), Set.of()))));
        events.clear();
        migrator(e -> { }).apply(upgrade(r));
        assertThat(progress().get(0).batches()).as("after a downgrade the upgrade starts over").isZero();
        assertThat(progress().get(0).lastKey()).isEmpty();
        // each run touched every row once: upgrade, downgrade, upgrade
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 3 AND slug IS NOT NULL")).isEqualTo(ROWS);
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'applied'")).isEqualTo(3);
        assertThat(migrator(e -> { }).history()).extracting(h -> h.direction() + " " + h.outcome())
                .containsExactly("upgrade failed", "upgrade applied", "downgrade applied", "upgrade applied");
    }

    /** convoy.history as Convoy created it before checkpoints lived there. */
    private static final String OLD_HISTORY = """
            CREATE TABLE convoy.history (
                id bigserial PRIMARY KEY,
                revision text NOT NULL,
                direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),
                outcome text NOT NULL CHECK (outcome IN ('applied', 'failed')),
                checksum text,
                started_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                duration_ms bigint NOT NULL,
                applied_by text NOT NULL,
                host text NOT NULL,
                statement_count integer NOT NULL,
                plan_id text,
                command_id text,
                error_code text,
                sql_state text,
                error text
            )""";

    @Test
    void aHistoryTableOfAnOlderConvoyIsUpgradedOnceAndKeepsItsRows() throws SQLException {
        exec("CREATE SCHEMA convoy");
        exec("CREATE TABLE convoy.version (version_num text PRIMARY KEY)");
        exec(OLD_HISTORY);
        exec("CREATE TABLE convoy.progress (revision text NOT NULL, direction text NOT NULL, checksum text NOT NULL,"
                + " completed_statements integer NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (revision, direction))");
        exec("INSERT INTO convoy.history (revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by,"
                + " host, statement_count, plan_id, command_id, error_code, sql_state, error) VALUES"
                + " ('b1', 'upgrade', 'failed', 'old', now(), now(), 5, 'ann', 'h1', 1, 'p0', 'c0', 'MIG013', '42601', 'syntax'),"
                + " ('b1', 'stamp', 'applied', NULL, now(), now(), 0, 'ann', 'h1', 0, NULL, NULL, NULL, NULL, NULL),"
                + " ('base', 'stamp', 'applied', NULL, now(), now(), 0, 'ann', 'h1', 0, NULL, NULL, NULL, NULL, NULL)");
        String before = strings("SELECT string_agg(concat_ws(' ', id, revision, direction, outcome, checksum, started_at,"
                + " finished_at, duration_ms, applied_by, host, statement_count, plan_id, command_id, error_code, sql_state, error),"
                + " '|' ORDER BY id) FROM convoy.history");
        VersionTables tables = new VersionTables("convoy");
        try (Connection c = connect(db)) {
            VersionStore.Present present = VersionStore.present(c, tables);
            assertThat(present.version() && present.history() && present.progress()).isTrue();
            assertThat(present.historyCurrent()).as("an old-shape history is seen by the one existence query").isFalse();
            assertThat(VersionStore.history(c, tables, true)).hasSize(3).noneMatch(HistoryEntry::isCheckpoint);
        }

        Revision r = backfill("table=pages key=id target_ms=5000 min_rows=10000 start_rows=10000 max_rows=10000");
        assertThatThrownBy(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p && p.status().batches() == 3) {
                throw new IllegalStateException("stop");
            }
        }).apply(upgrade(r))).hasMessage("stop");
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint'")).isEqualTo(3);
        events.clear();
        assertThat(migrator(e -> { }).apply(upgrade(r))).containsExactly("b1");
        assertThat(progress().get(0).batches()).isEqualTo(3);
        assertEveryRowTouchedOnce();

        // the old rows are all there, unchanged; the new ones follow them
        assertThat(strings("SELECT string_agg(concat_ws(' ', id, revision, direction, outcome, checksum, started_at,"
                + " finished_at, duration_ms, applied_by, host, statement_count, plan_id, command_id, error_code, sql_state, error),"
                + " '|' ORDER BY id) FROM convoy.history WHERE id <= 3")).isEqualTo(before);
        assertThat(strings("SELECT string_agg(outcome, ' ' ORDER BY id) FROM convoy.history WHERE id > 3"))
                .isEqualTo("checkpoint checkpoint checkpoint failed checkpoint checkpoint checkpoint applied");
        assertThat(number("SELECT count(*) FROM pg_constraint WHERE conrelid = 'convoy.history'::regclass AND contype = 'c'"
                + " AND pg_get_constraintdef(oid) LIKE '%outcome%'")).as("one outcome check, replaced").isEqualTo(1);
        assertThatThrownBy(() -> exec("INSERT INTO convoy.history (revision, direction, outcome, started_at, finished_at,"
                + " duration_ms, applied_by, host, statement_count) VALUES ('x', 'upgrade', 'other', now(), now(), 0, 'a', 'h', 0)"))
                .isInstanceOf(SQLException.class).hasMessageContaining("history_outcome_check");
        try (Connection c = connect(db)) {
            assertThat(VersionStore.present(c, tables).all()).as("upgraded: the fast path holds again").isTrue();
        }
        // the upgrade is idempotent: running the DDL again changes nothing
        for (String ddl : tables.ddl()) {
            exec(ddl);
        }
        assertThat(number("SELECT count(*) FROM pg_constraint WHERE conrelid = 'convoy.history'::regclass AND contype = 'c'"
                + " AND pg_get_constraintdef(oid) LIKE '%outcome%'")).isEqualTo(1);
        assertThat(number("SELECT count(*) FROM convoy.history")).isEqualTo(3 + 8);
        assertNoCheckpointTable();
    }

    private String strings(String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aConnectionKilledInTheMiddleOfABatchLosesOnlyThatBatch() throws Exception {
        Revision r = backfill("table=pages key=id target_ms=5000 min_rows=1000 start_rows=1000 max_rows=1000");
        exec("ALTER DATABASE " + db + " SET test.block_at = '20500'");
        try (Connection holder = connect(db); Statement hs = holder.createStatement()) {
            hs.execute("SELECT pg_advisory_lock(4242)");
            CompletableFuture<Set<String>> run = CompletableFuture.supplyAsync(() -> migrator(e -> { }).apply(upgrade(r)));
            // the batch holding id 20500 (20001..21000) has updated 500 rows and waits in the trigger
            await().atMost(Duration.ofSeconds(60)).until(() -> number("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND NOT granted") == 1);
            long pid = number("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
            hs.execute("SELECT pg_terminate_backend(" + pid + ")");
            assertThatThrownBy(run::join).hasCauseInstanceOf(ConvoyException.class)
                    .satisfies(e -> assertThat(((ConvoyException) e.getCause()).code()).isEqualTo(ErrorCode.MIG021));
            hs.execute("SELECT pg_advisory_unlock(4242)");
        }
        assertThat(number(LATEST + "last_key::bigint" + LATEST_FROM)).isEqualTo(20_000);
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1")).isEqualTo(20_000);
        assertThat(number("SELECT count(*) FROM pages WHERE touched > 1")).isZero();

        events.clear();
        assertThat(migrator(e -> { }).apply(upgrade(r))).containsExactly("b1");
        assertThat(progress().get(0).keysDone()).isEqualTo(20_000);
        assertEveryRowTouchedOnce();
    }

    /** A halt switch as a listener: while halted, it blocks the backfill where it asks (between two batches). */
    static final class HaltSwitch implements Consumer<MigrationEvent> {
        private boolean halted;
        private int pausedAtBatch = -1;
        private int haltedAfterBatch = -1;
        private int lastSeenBatch;

        synchronized void halt() {
            halted = true;
            haltedAfterBatch = lastSeenBatch;
        }

        synchronized void resume() {
            halted = false;
            notifyAll();
        }

        synchronized int pausedAtBatch() { return pausedAtBatch; }

        synchronized int haltedAfterBatch() { return haltedAfterBatch; }

        @Override
        public synchronized void accept(MigrationEvent e) {
            if (!(e instanceof MigrationEvent.BatchProgress p)) {
                return;
            }
            lastSeenBatch = p.status().batches();
            while (halted) {
                pausedAtBatch = p.status().batches();
                try {
                    wait();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    @Test
    void aHaltPausesTheBackfillWithinOneBatchAndResumeGoesOn() throws Exception {
        Revision r = backfill("table=pages key=id target_ms=50 min_rows=500 start_rows=500 max_rows=500");
        HaltSwitch gate = new HaltSwitch();
        AtomicInteger seen = new AtomicInteger();
        CompletableFuture<Set<String>> run = CompletableFuture.supplyAsync(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p) {
                seen.set(p.status().batches());
            }
            gate.accept(e);
        }).apply(upgrade(r)));
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.get() >= 5);
        gate.halt();
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.pausedAtBatch() >= 0);

        int paused = gate.pausedAtBatch();
        assertThat(paused).as("paused within one batch of the halt").isBetween(gate.haltedAfterBatch(), gate.haltedAfterBatch() + 1);
        // nothing moves while halted: the checkpoint is where the pause is, and no batch transaction is open
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> number(LATEST + "batches" + LATEST_FROM) == paused);
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1")).isEqualTo(paused * 500L);
        assertThat(number("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in%'"))
                .isZero();
        assertThat(run).isNotDone();

        gate.resume();
        assertThat(run.get()).containsExactly("b1");
        assertEveryRowTouchedOnce();
    }

    @Test
    void waitsWhileReplicationLagIsOverMaxLag() throws SQLException {
        Revision r = backfill("table=pages key=id min_rows=20000 start_rows=20000 max_rows=20000 max_lag=2s");
        AtomicInteger probes = new AtomicInteger();
        List<Duration> sleeps = new ArrayList<>();
        // The real probe runs too (this server has no standby: 0); the lag reported on top of it is over max_lag 3 times.
        BatchEnvironment env = BatchEnvironment.DEFAULT.withSleeper(sleeps::add).withLag(c -> {
            Duration real = BatchEnvironment.LagProbe.PG_STAT_REPLICATION.measure(c);
            return probes.incrementAndGet() <= 3 ? real.plusSeconds(5) : real;
        });
        new Migrator(source, ApplyOptions.defaults(), Clock.systemUTC(), events::add, env).apply(upgrade(r));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(progress().stream().filter(s -> s.waitingForLag().isPresent())).hasSize(3)
                .allSatisfy(s -> assertThat(s.waitingForLag().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofSeconds(5)));
        assertThat(probes.get()).isEqualTo(3 + 3); // 3 batches of 20000 keys (the last one short), each after one good probe
        assertEveryRowTouchedOnce();
    }

    @Test
    void aCheckpointFromAnotherScriptIsRefused() throws SQLException {
        Revision r = backfill("table=pages key=id min_rows=1000 start_rows=1000 max_rows=1000");
        assertThatThrownBy(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p && p.status().batches() == 2) {
                throw new IllegalStateException("stop");
            }
        }).apply(upgrade(r))).hasMessage("stop");
        Revision changed = backfill("table=pages key=id min_rows=1000 start_rows=1000 max_rows=2000");
        ConvoyException refused = (ConvoyException) catchThrowable(() -> migrator(e -> { }).apply(upgrade(changed)));
        assertThat(refused.code()).isEqualTo(ErrorCode.MIG004);
        assertThat(refused).hasMessageContaining("batched statement 1 was partly run (up to key 2000)");
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1")).isEqualTo(2000);
        // the remedy the message gives: a fresh checkpoint appended to history; the changed file then starts over
        String restart = refused.getMessage().substring(refused.getMessage().indexOf("INSERT INTO "));
        exec(restart);
        events.clear();
        assertThat(migrator(e -> { }).apply(upgrade(changed))).containsExactly("b1");
        assertThat(progress().get(0).batches()).isZero();
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 2")).isEqualTo(2000);
        assertThat(number("SELECT count(*) FROM pages WHERE touched = 1")).isEqualTo(ROWS - 2000);
    }

    @Test
    void theOfflineScriptBackfillsInCommittedBatchesAndResumes() throws SQLException {
        Revision r = backfill("table=pages key=id target_ms=50 min_rows=100 start_rows=700 max_rows=5000");
        String script = new OfflineRenderer(ApplyOptions.defaults()).render(upgrade(r));
        assertThat(script).contains("DO $convoy_batch$").contains("COMMIT;").contains("Not offline: the max_lag check");
        // a checkpoint as an interrupted online run leaves it: 3 batches of 700 keys
        for (String ddl : new VersionTables("convoy").ddl()) {
            exec(ddl);
        }
        exec("UPDATE pages SET slug = lower(replace(title, ' ', '-')) WHERE id <= 2100");
        exec("INSERT INTO convoy.history (" + BatchCheckpoints.COLUMNS + ") VALUES ('b1', 'upgrade', 'checkpoint', '"
                + r.checksum() + "', now(), now(), 1, 'ann', 'h1', 1, NULL, NULL, 1, '2100', 2100, 2100, 3, false)");
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (SqlStatement s : SqlSplitter.statements(script, "offline.sql", 1)) {
                st.execute(s.sql()); // psql -f in autocommit: one statement at a time
            }
        }
        assertEveryRowTouchedOnce();
        assertThat(number("SELECT count(*) FROM convoy.version WHERE version_num = 'b1'")).isEqualTo(1);
        // the DO block appended its checkpoint rows after the one it resumed from, the last one done
        assertThat(number("SELECT min(batches) FROM convoy.history WHERE outcome = 'checkpoint' AND id > 1")).isEqualTo(4);
        assertThat(number("SELECT keys_done FROM convoy.history WHERE outcome = 'checkpoint' AND statement_done")).isEqualTo(ROWS);
        assertThat(number("SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint' AND applied_by = "
                + SqlLiterals.literal(ApplyOptions.defaults().appliedBy())
                + " AND checksum = '" + r.checksum() + "' AND statement_index = 1 AND finished_at >= started_at")).isPositive();
        assertNoCheckpointTable();
        // a second run of the script after a checksum change is refused by the DO block (MIG004), not silently run again
        String changed = new OfflineRenderer(ApplyOptions.defaults()).render(upgrade(
                backfill("table=pages key=id target_ms=50 min_rows=100 start_rows=700 max_rows=6000")));
        exec("INSERT INTO convoy.history (" + BatchCheckpoints.COLUMNS + ") VALUES ('b1', 'upgrade', 'checkpoint', '"
                + r.checksum() + "', now(), now(), 1, 'ann', 'h1', 1, NULL, NULL, 1, '700', 700, 700, 1, false)");
        String block = changed.substring(changed.indexOf("DO $convoy_batch$"), changed.indexOf("$convoy_batch$;") + 15);
        assertThatThrownBy(() -> exec(block)).isInstanceOf(SQLException.class).hasMessageContaining("MIG004")
                .hasMessageContaining("up to key 700");
    }

    @Test
    void aTypedTextKeyAndAnInsertSelectWork() throws SQLException {
        exec("CREATE TABLE codes (code text PRIMARY KEY, n integer)");
        exec("CREATE TABLE codes_copy (code text PRIMARY KEY, n integer)");
        exec("INSERT INTO codes SELECT 'c' || lpad(g::text, 5, '0') || '''q', g FROM generate_series(1, 3000) g");
        Revision r = RevisionParser.parse("""
                -- convoy:revision: c1
                -- convoy:transactional: false
                -- convoy:upgrade
                -- convoy:batch: table=public.codes key=code min_rows=250 start_rows=250 max_rows=250
                INSERT INTO codes_copy (code, n) SELECT c.code, c.n FROM codes c WHERE {{batch:c}};
                """, Path.of("versions/c1.sql"));
        migrator(e -> { }).apply(upgrade(r));
        assertThat(number("SELECT count(*) FROM codes_copy")).isEqualTo(3000);
        assertThat(progress().get(progress().size() - 1).batches()).isEqualTo(12);
        assertThat(Map.of("last", progress().get(progress().size() - 1).lastKey().orElseThrow())).containsEntry("last", "c03000'q");
    }
}

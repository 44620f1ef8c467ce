package io.convoy.core.apply;

import static io.convoy.core.apply.Fixture.rev;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrator against a real PostgreSQL 15: one server for the class, a fresh database per test. */
class MigratorIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String SECRET = "s3cr3t-pw";
    private static EmbeddedPostgres pg;
    private static ExecutorService pool;

    private String db;
    private ConnectionSource source;
    private final List<MigrationEvent> events = new CopyOnWriteArrayList<>();

    /** Short timeouts so the lock tests take a second, not a minute. */
    private final ApplyOptions fast = ApplyOptions.defaults().withApplicationName("convoy-it").withLockTimeout(Duration.ofMillis(200))
            .withRetry(5, Duration.ofMillis(100), Duration.ofMillis(400)).withMigrationLockWait(Duration.ofSeconds(10))
            .withPipelineIds(Optional.of("plan-7"), Optional.of("cmd-9"));

    // A four-revision chain exercising tables, sequences, defaults, indexes and constraints.
    private final Revision r1 = rev("r1", null,
            List.of("CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"),
            List.of("DROP TABLE accounts"));
    private final Revision r2 = rev("r2", "r1", List.of("CREATE INDEX accounts_created_idx ON accounts (created_at DESC)"),
            List.of("DROP INDEX accounts_created_idx"));
    private final Revision r3 = rev("r3", "r2",
            List.of("ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active'",
                    "ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN ('active', 'closed'))"),
            List.of("ALTER TABLE accounts DROP CONSTRAINT accounts_status_check", "ALTER TABLE accounts DROP COLUMN status"));
    private final Revision r4 = rev("r4", "r3",
            List.of("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, total numeric(12,2) NOT NULL,"
                    + " UNIQUE (account_id, id))", "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000"),
            List.of("DROP VIEW big_orders", "DROP TABLE orders"));

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        pool.shutdownNow();
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = "apply_" + DATABASES.incrementAndGet();
        try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db + " STRATEGY = FILE_COPY"); // faster than WAL_LOG for a small template
        }
        source = ConnectionSource.of(url(db) + "&password=" + SECRET);
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database + "?user=postgres";
    }

    private static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection(url(database));
    }

    private Connection connect() throws SQLException {
        return admin(db);
    }

    private Migrator migrator(ApplyOptions options) {
        return new Migrator(source, options, Clock.systemUTC(), events::add);
    }

    private Migrator migrator(ApplyOptions options, Consumer<MigrationEvent> listener) {
        return new Migrator(source, options, Clock.systemUTC(), listener);
    }

    private List<String> fingerprint(Set<String> excluded) throws SQLException {
        try (Connection c = connect()) {
            return CatalogFingerprint.of(c, excluded);
        }
    }

    private boolean exists(String relation) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('" + relation + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static ConvoyException convoyFailure(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConvoyException ce) {
                return ce;
            }
            throw new AssertionError("expected a ConvoyException", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the run did not finish", e);
        }
        throw new AssertionError("expected the run to fail");
    }

    private <T extends MigrationEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // (a)
    @Test
    void upgradeDowngradeUpgradeLeavesAnIdenticalCatalog() throws SQLException {
        List<Revision> chain = List.of(r1, r2, r3, r4);
        List<String> empty = fingerprint(Set.of("convoy"));
        Migrator m = migrator(fast);

        assertThat(m.apply(Fixture.upgrade(null, chain))).containsExactly("r4");
        List<String> first = fingerprint(Set.of());
        assertThat(first).anyMatch(l -> l.startsWith("constraint public.accounts accounts_status_check CHECK"))
                .anyMatch(l -> l.startsWith("index CREATE INDEX accounts_created_idx"))
                .anyMatch(l -> l.startsWith("relation public.big_orders kind=v"));

        assertThat(m.apply(Fixture.downgrade(chain))).isEmpty();
        assertThat(fingerprint(Set.of("convoy"))).isEqualTo(empty);

        assertThat(m.apply(Fixture.upgrade(null, chain))).containsExactly("r4");
        assertThat(fingerprint(Set.of())).isEqualTo(first);

        assertThat(m.history()).extracting(h -> h.revision() + " " + h.direction() + " " + h.outcome()).containsExactly(
                "r1 upgrade applied", "r2 upgrade applied", "r3 upgrade applied", "r4 upgrade applied",
                "r4 downgrade applied", "r3 downgrade applied", "r2 downgrade applied", "r1 downgrade applied",
                "r1 upgrade applied", "r2 upgrade applied", "r3 upgrade applied", "r4 upgrade applied");
        HistoryEntry h = m.history().get(2);
        assertThat(h.checksum()).isEqualTo(r3.checksum());
        assertThat(h.statementCount()).isEqualTo(2);
        assertThat(h.planId()).contains("plan-7");
        assertThat(h.commandId()).contains("cmd-9");
        assertThat(h.finishedAt()).isAfterOrEqualTo(h.startedAt());
        assertThat(eventsOf(MigrationEvent.StepApplied.class)).hasSize(12);
        assertThat(eventsOf(MigrationEvent.StatementApplied.class)).hasSize(3 * (1 + 1 + 2 + 2)); // up, down, up
    }

    @Test
    void everyStatementRunsWithTheConfiguredTimeoutsAndApplicationName() throws SQLException {
        Revision settings = rev("s1", null, List.of("CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lt,"
                + " current_setting('statement_timeout') AS st, current_setting('application_name') AS app"), List.of());
        Revision overridden = Fixture.withTimeouts(rev("s2", "s1", List.of("INSERT INTO seen SELECT current_setting('lock_timeout'),"
                + " current_setting('statement_timeout'), current_setting('application_name')"), List.of()),
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        migrator(fast.withStatementTimeout(Optional.of(Duration.ofSeconds(30)))).apply(Fixture.upgrade(null, List.of(settings, overridden)));
        assertThat(strings("SELECT lt || ' ' || st || ' ' || app FROM seen ORDER BY lt"))
                .containsExactly("200ms 30s convoy-it", "5s 1min convoy-it");
    }

    @Test
    void aPlanFromOtherHeadsIsRefusedBeforeAnythingRuns() throws SQLException {
        assertThatThrownBy(() -> migrator(fast).apply(Fixture.upgrade("r1", List.of(r2))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG004))
                .hasMessageContaining("is at base (no revision) but the plan starts from r1").hasMessageContaining("nothing was applied")
                .hasMessageNotContaining(SECRET).hasMessageContaining("password=****");
        assertThat(strings("SELECT nspname FROM pg_namespace WHERE nspname = 'convoy'")).isEmpty();
    }

    @Test
    void aDowngradeWithoutDowngradeSectionIsRefusedBeforeAnythingRuns() throws SQLException {
        Revision noDown = Fixture.withoutDowngrade(rev("n2", "r1", List.of("CREATE TABLE n (id int)"), List.of()));
        Migrator m = migrator(fast);
        m.apply(Fixture.upgrade(null, List.of(r1, noDown)));
        assertThatThrownBy(() -> m.apply(Fixture.downgrade(List.of(r1, noDown))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("n2").hasMessageContaining("no '-- convoy:downgrade' section");
        assertThat(m.currentHeads()).containsExactly("n2");
        assertThat(exists("n")).isTrue();
    }

    // (b)
    @Test
    void aFailingStatementRollsBackItsRevisionAndIsRecorded() throws SQLException {
        Migrator m = migrator(fast);
        m.apply(Fixture.upgrade(null, List.of(r1)));
        Revision bad = rev("b2", "r1", List.of("CREATE TABLE b1 (id int)", "CREATE TABL oops (id int)", "CREATE TABLE b2 (id int)"),
                List.of());

        assertThatThrownBy(() -> m.apply(Fixture.upgrade("r1", List.of(bad))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIG013);
                    assertThat(e.sqlState()).contains("42601");
                })
                .hasMessageContaining("revision b2").hasMessageContaining("statement 2 of 3 (CREATE TABL oops (id int))")
                .hasMessageContaining("SQLSTATE 42601").hasMessageContaining("rolled back");

        assertThat(m.currentHeads()).containsExactly("r1");
        assertThat(exists("b1")).isFalse();
        HistoryEntry last = m.history().get(m.history().size() - 1);
        assertThat(last.revision()).isEqualTo("b2");
        assertThat(last.outcome()).isEqualTo("failed");
        assertThat(last.errorCode()).contains("MIG013");
        assertThat(last.error()).hasValueSatisfying(msg -> assertThat(msg).contains("42601").doesNotContain(SECRET));
        assertThat(strings("SELECT sql_state FROM convoy.history WHERE outcome = 'failed'")).containsExactly("42601");
        assertThat(eventsOf(MigrationEvent.StepFailed.class)).singleElement()
                .satisfies(f -> assertThat(f.cause().code()).isEqualTo(ErrorCode.MIG013));
        assertThat(eventsOf(MigrationEvent.StepRetrying.class)).isEmpty();
    }

    // (c)
    @Test
    void aLockedTableIsRetriedUntilTheHolderLetsGo() throws Exception {
        Migrator m = migrator(fast);
        m.apply(Fixture.upgrade(null, List.of(r1)));
        Revision alter = rev("c2", "r1", List.of("ALTER TABLE accounts ADD COLUMN note text"), List.of());
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<Set<String>> run = CompletableFuture.supplyAsync(() -> m.apply(Fixture.upgrade("r1", List.of(alter))), pool);
            await().atMost(Duration.ofSeconds(10)).until(() -> !eventsOf(MigrationEvent.StepRetrying.class).isEmpty());
            holder.commit();
            assertThat(run.get(20, TimeUnit.SECONDS)).containsExactly("c2");
        }
        MigrationEvent.StepRetrying retry = eventsOf(MigrationEvent.StepRetrying.class).get(0);
        assertThat(retry.attempt()).isEqualTo(1);
        assertThat(retry.cause().code()).isEqualTo(ErrorCode.MIG003);
        assertThat(retry.cause().sqlState()).contains("55P03");
        assertThat(retry.backoff()).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
        assertThat(eventsOf(MigrationEvent.StepApplied.class)).last()
                .satisfies(a -> assertThat(a.attempts()).isGreaterThanOrEqualTo(2));
        assertThat(strings("SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'"))
                .containsExactly("note");
        assertThat(m.history()).extracting(HistoryEntry::outcome).containsOnly("applied");
    }

    @Test
    void aLockThatIsNeverReleasedFailsWithMig003NamingTheBlocker() throws Exception {
        Migrator m = migrator(fast.withRetry(3, Duration.ofMillis(100), Duration.ofMillis(200)));
        m.apply(Fixture.upgrade(null, List.of(r1)));
        Revision alter = rev("c2", "r1", List.of("ALTER TABLE accounts ADD COLUMN note text"), List.of());
        int holderPid;
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SET application_name = 'the-blocker'");
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    holderPid = rs.getInt(1);
                }
                st.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
            }
            ConvoyException e = convoyFailure(CompletableFuture.supplyAsync(() -> m.apply(Fixture.upgrade("r1", List.of(alter))), pool));
            assertThat(e.code()).isEqualTo(ErrorCode.MIG003);
            assertThat(e.getMessage()).contains("after 3 attempt(s)").contains("pid " + holderPid)
                    .contains("application_name 'the-blocker'").contains("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
                    .contains("lock_timeout 200 ms").contains("statement 1 of 1 (ALTER TABLE accounts ADD COLUMN note text)");
            holder.rollback();
        }
        assertThat(eventsOf(MigrationEvent.StepRetrying.class)).extracting(MigrationEvent.StepRetrying::attempt).containsExactly(1, 2);
        assertThat(m.currentHeads()).containsExactly("r1");
        HistoryEntry last = m.history().get(m.history().size() - 1);
        assertThat(last.outcome()).isEqualTo("failed");
        assertThat(last.errorCode()).contains("MIG003");
    }

    @Test
    void aDeadlockVictimIsRolledBackAndRetried() throws Exception {
        migrator(fast).apply(Fixture.upgrade(null, List.of(rev("dl1", null,
                List.of("CREATE TABLE dl_a (id int)", "CREATE TABLE dl_b (id int)"), List.of()))));
        // Long per-revision lock_timeout: the deadlock detector (deadlock_timeout 1 s), not lock_timeout, ends the wait.
        Revision crossing = Fixture.withTimeouts(rev("dl2", "dl1", List.of("LOCK TABLE dl_a IN ACCESS EXCLUSIVE MODE",
                "LOCK TABLE dl_b IN ACCESS EXCLUSIVE MODE", "ALTER TABLE dl_a ADD COLUMN x int"), List.of()), Duration.ofSeconds(20), null);
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            String holderPid;
            try (Statement st = holder.createStatement()) {
                // The holder waits first; with a long deadlock_timeout its own check comes too late, so the migration is the victim.
                st.execute("SET deadlock_timeout = '60s'");
                st.execute("LOCK TABLE dl_b IN ACCESS EXCLUSIVE MODE");
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    holderPid = rs.getString(1);
                }
            }
            java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> holderTakesA = new java.util.concurrent.atomic.AtomicReference<>();
            Migrator m = migrator(fast, e -> {
                events.add(e);
                // Between statements 1 and 2 of the first attempt: the holder now waits for dl_a, which the migration holds.
                if (e instanceof MigrationEvent.StatementApplied a && a.index() == 1 && holderTakesA.get() == null) {
                    holderTakesA.set(CompletableFuture.runAsync(() -> {
                        try (Statement st = holder.createStatement()) {
                            st.execute("LOCK TABLE dl_a IN ACCESS EXCLUSIVE MODE");
                        } catch (SQLException ex) {
                            throw new IllegalStateException(ex);
                        }
                    }, pool));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> !strings("SELECT 1 FROM pg_locks WHERE NOT granted AND pid = " + holderPid).isEmpty());
                }
            });
            CompletableFuture<Set<String>> run = CompletableFuture.supplyAsync(
                    () -> m.apply(Fixture.upgrade("dl1", List.of(crossing))), pool);
            await().atMost(Duration.ofSeconds(15)).until(() -> !eventsOf(MigrationEvent.StepRetrying.class).isEmpty());
            holderTakesA.get().get(10, TimeUnit.SECONDS);
            holder.commit();
            assertThat(run.get(30, TimeUnit.SECONDS)).containsExactly("dl2");
        }
        MigrationEvent.StepRetrying retry = eventsOf(MigrationEvent.StepRetrying.class).get(0);
        assertThat(retry.cause().sqlState()).contains("40P01");
        assertThat(retry.cause().code()).isEqualTo(ErrorCode.MIG003);
        assertThat(retry.cause().getMessage()).contains("victim of a deadlock").contains("statement 2 of 3");
        assertThat(eventsOf(MigrationEvent.StepApplied.class)).last().satisfies(a -> assertThat(a.attempts()).isEqualTo(2));
        assertThat(strings("SELECT count(*)::text FROM information_schema.columns WHERE table_name = 'dl_a' AND column_name = 'x'"))
                .containsExactly("1");
    }

    // (d)
    @Test
    void concurrentRunsNeverInterleave() throws Exception {
        Plan plan = Fixture.upgrade(null, List.of(r1, r2));
        CountDownLatch release = new CountDownLatch(1);
        List<MigrationEvent> eventsA = new CopyOnWriteArrayList<>();
        Migrator a = migrator(fast.withApplicationName("convoy-run-a"), e -> {
            eventsA.add(e);
            if (e instanceof MigrationEvent.StepStarted s && s.step().revision().id().equals("r1")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        List<MigrationEvent> eventsB = new CopyOnWriteArrayList<>();
        Migrator b = migrator(fast.withApplicationName("convoy-run-b"), eventsB::add);

        CompletableFuture<Set<String>> runA = CompletableFuture.supplyAsync(() -> a.apply(plan), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsA.stream().anyMatch(MigrationEvent.StepStarted.class::isInstance));
        CompletableFuture<Set<String>> runB = CompletableFuture.supplyAsync(() -> b.apply(plan), pool);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> eventsB.stream().anyMatch(MigrationEvent.WaitingForMigrationLock.class::isInstance));
        assertThat(eventsB).noneMatch(MigrationEvent.StepStarted.class::isInstance);
        release.countDown();

        assertThat(runA.get(20, TimeUnit.SECONDS)).containsExactly("r2");
        ConvoyException e = convoyFailure(runB);
        assertThat(e.code()).isEqualTo(ErrorCode.MIG004);
        assertThat(e.getMessage()).contains("is at r2 but the plan starts from base");
        assertThat(eventsB).noneMatch(MigrationEvent.StepStarted.class::isInstance);
        MigrationEvent.WaitingForMigrationLock waiting = (MigrationEvent.WaitingForMigrationLock) eventsB.get(0);
        assertThat(waiting.database()).contains("/" + db).doesNotContain(SECRET);
        assertThat(a.history()).extracting(h -> h.revision() + " " + h.outcome()).containsExactly("r1 applied", "r2 applied");
    }

    @Test
    void aSecondRunGivesUpWithMig012NamingTheHolder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<MigrationEvent> eventsA = new CopyOnWriteArrayList<>();
        Migrator a = migrator(fast.withApplicationName("convoy-run-a"), e -> {
            eventsA.add(e);
            if (e instanceof MigrationEvent.StepStarted) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CompletableFuture<Set<String>> runA = CompletableFuture.supplyAsync(() -> a.apply(Fixture.upgrade(null, List.of(r1))), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsA.stream().anyMatch(MigrationEvent.StepStarted.class::isInstance));
        String lockPid = strings("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted").get(0);
        try {
            Migrator b = migrator(fast.withMigrationLockWait(Duration.ofMillis(1500)));
            assertThatThrownBy(() -> b.apply(Fixture.upgrade(null, List.of(r1))))
                    .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG012))
                    .hasMessageContaining("pid " + lockPid + " (application_name 'convoy-run-a', client 127.0.0.1")
                    .hasMessageContaining("limit 1500 ms").hasMessageNotContaining(SECRET);
            // one at once, then about one a second: at most two within the 1.5 s limit
            assertThat(eventsOf(MigrationEvent.WaitingForMigrationLock.class)).hasSizeBetween(1, 2)
                    .allSatisfy(w -> assertThat(w.limit()).isEqualTo(Duration.ofMillis(1500)));
        } finally {
            release.countDown();
        }
        assertThat(runA.get(20, TimeUnit.SECONDS)).containsExactly("r1");
    }

    // (e)
    @Test
    void offlineSqlRunByPsqlLeavesTheSameStateAsOnlineApply(@TempDir Path dir) throws Exception {
        Revision concurrent = Fixture.nonTransactional(rev("r5", "r4",
                List.of("CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)", "ANALYZE orders"),
                List.of("DROP INDEX CONCURRENTLY orders_total_idx")));
        Revision commented = rev("r6", "r5", List.of("COMMENT ON TABLE accounts IS 'it''s the accounts' -- trailing comment"),
                List.of("COMMENT ON TABLE accounts IS NULL"));
        Plan plan = Fixture.upgrade(null, List.of(r1, r2, r3, r4, concurrent, commented));
        String offlineDb = db;
        Path file = dir.resolve("upgrade.sql");
        Files.writeString(file, new OfflineRenderer(fast).render(plan));
        psql(offlineDb, file);

        freshDatabase();
        String onlineDb = db;
        migrator(fast).apply(plan);

        assertThat(snapshot(offlineDb)).isEqualTo(snapshot(onlineDb));
        db = offlineDb;
        assertThat(fingerprint(Set.of())).anyMatch(l -> l.contains("orders_total_idx") && l.endsWith("valid=true"));
        assertThat(strings("SELECT obj_description('accounts'::regclass)")).containsExactly("it's the accounts");

        // The same script again: the expected-heads guard stops it before it changes anything.
        List<String> before = snapshot(offlineDb);
        String out = psqlFailing(offlineDb, file);
        assertThat(out).contains("MIG004").contains("not at base");
        assertThat(snapshot(offlineDb)).isEqualTo(before);
    }

    /** Catalog fingerprint, version rows and the deterministic part of the history. */
    private List<String> snapshot(String database) throws SQLException {
        String saved = db;
        db = database;
        try {
            List<String> out = new ArrayList<>(fingerprint(Set.of()));
            out.addAll(strings("SELECT 'version ' || version_num FROM convoy.version ORDER BY 1"));
            out.addAll(strings("SELECT 'history ' || concat_ws(' ', revision, direction, outcome, checksum, statement_count,"
                    + " applied_by, host, plan_id, command_id, error_code, duration_ms >= 0, finished_at >= started_at) FROM convoy.history ORDER BY id"));
            out.addAll(strings("SELECT 'progress ' || revision FROM convoy.progress"));
            return out;
        } finally {
            db = saved;
        }
    }

    private static Process startPsql(String database, Path file) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                String.valueOf(pg.getPort()), "-U", "postgres", "-d", database, "-f", file.toString()).redirectErrorStream(true);
        pb.environment().remove("PGPASSWORD");
        try {
            return pb.start();
        } catch (IOException e) {
            fail("psql is not on the PATH (install Debian's postgresql-client): " + e.getMessage());
            throw e;
        }
    }

    private static String finish(Process p) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("psql did not finish within 120 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void psql(String database, Path file) throws Exception {
        Process p = startPsql(database, file);
        String out = finish(p);
        assertThat(p.exitValue()).as("psql exit code; output:%n%s", out).isZero();
    }

    private static String psqlFailing(String database, Path file) throws Exception {
        Process p = startPsql(database, file);
        String out = finish(p);
        assertThat(p.exitValue()).as("psql exit code; output:%n%s", out).isEqualTo(3);
        return out;
    }

    // (f)
    @Test
    void anInterruptedNonTransactionalRevisionResumesAfterItsLastCompletedStatement() throws Exception {
        Revision data = rev("d1", null, List.of("CREATE TABLE people (id int, email text)",
                "INSERT INTO people VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x')"), List.of("DROP TABLE people"));
        Revision concurrent = Fixture.nonTransactional(rev("d2", "d1", List.of(
                "CREATE TABLE audit_log (id int)",
                "CREATE UNIQUE INDEX CONCURRENTLY people_email_key ON people (email)",
                "CREATE INDEX CONCURRENTLY audit_log_id_idx ON audit_log (id)"), List.of()));
        Migrator m = migrator(fast);
        m.apply(Fixture.upgrade(null, List.of(data)));
        Plan plan = Fixture.upgrade("d1", List.of(concurrent));

        // 1st run: the unique index fails on the duplicates and leaves an INVALID index behind.
        assertThatThrownBy(() -> m.apply(plan))
                .isInstanceOfSatisfying(ConvoyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIG013);
                    assertThat(e.sqlState()).contains("23505");
                })
                .hasMessageContaining("statement 2 of 3").hasMessageContaining("may have left an INVALID index people_email_key")
                .hasMessageContaining("DROP INDEX CONCURRENTLY people_email_key")
                .hasMessageContaining("statements 1..1 stay applied");
        assertThat(exists("audit_log")).isTrue();
        assertThat(strings("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'people_email_key'::regclass"))
                .containsExactly("false");
        assertThat(strings("SELECT completed_statements::text FROM convoy.progress WHERE revision = 'd2'")).containsExactly("1");
        assertThat(m.currentHeads()).containsExactly("d1");

        // 2nd run: resumes at statement 2, which would meet its own left-over: MIG014 with the fix.
        events.clear();
        assertThatThrownBy(() -> m.apply(plan))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG014))
                .hasMessageContaining("INVALID index people_email_key")
                .hasMessageContaining("DROP INDEX CONCURRENTLY people_email_key");
        assertThat(eventsOf(MigrationEvent.StepResumed.class)).singleElement()
                .satisfies(r -> assertThat(r.completedStatements()).isEqualTo(1));

        // The fix, then the 3rd run resumes after statement 1 (CREATE TABLE audit_log would fail if run again).
        exec("DROP INDEX CONCURRENTLY people_email_key");
        exec("DELETE FROM people WHERE id = 2");
        events.clear();
        assertThat(m.apply(plan)).containsExactly("d2");
        assertThat(eventsOf(MigrationEvent.StepResumed.class)).singleElement()
                .satisfies(r -> assertThat(r.completedStatements()).isEqualTo(1));
        assertThat(eventsOf(MigrationEvent.StatementApplied.class)).extracting(MigrationEvent.StatementApplied::index)
                .containsExactly(2, 3);
        assertThat(strings("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'people_email_key'::regclass"))
                .containsExactly("true");
        assertThat(strings("SELECT revision FROM convoy.progress")).isEmpty();
        assertThat(m.history().stream().filter(h -> h.revision().equals("d2")).map(h -> h.outcome() + " " + h.errorCode().orElse("")))
                .containsExactly("failed MIG013", "failed MIG014", "applied ");
    }

    @Test
    void aChangedFileRefusesToResumeAPartlyAppliedRevision() throws Exception {
        Migrator m = migrator(fast);
        Revision nt = Fixture.nonTransactional(rev("p1", null, List.of("CREATE TABLE p (id int)", "SELECT 1/0"), List.of()));
        assertThatThrownBy(() -> m.apply(Fixture.upgrade(null, List.of(nt))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.sqlState()).contains("22012"));
        Revision edited = Fixture.nonTransactional(rev("p1", null, List.of("CREATE TABLE p (id int)", "SELECT 1"), List.of()));
        assertThatThrownBy(() -> m.apply(Fixture.upgrade(null, List.of(edited))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG004))
                .hasMessageContaining(nt.checksum()).hasMessageContaining(edited.checksum())
                .hasMessageContaining("DELETE FROM \"convoy\".progress WHERE revision = 'p1'");
    }

    // (g)
    @Test
    void checkReportsChangedAndVanishedRevisions() {
        Migrator m = migrator(fast);
        m.apply(Fixture.upgrade(null, List.of(r1, r2)));
        assertThat(m.check(List.of(r1, r2), Set.of("r2")).worst()).isEmpty();
        assertThat(m.check(List.of(r1, r2, r3), Set.of("r3")).worst()).contains(ErrorCode.MIG005);

        Revision edited = Fixture.withChecksum(r2, "0".repeat(64));
        CheckReport drift = m.check(List.of(r1, edited), Set.of("r2"));
        assertThat(drift.worst()).contains(ErrorCode.MIG004);
        assertThat(drift.changed()).containsExactly(new CheckReport.Drift("r2", r2.checksum(), "0".repeat(64), "versions/r2.sql"));
        assertThat(CheckComparison.describe(drift)).singleElement().asString()
                .contains("MIG004").contains(r2.checksum()).contains("0".repeat(64));

        CheckReport vanished = m.check(List.of(r1), Set.of("r1"));
        assertThat(vanished.vanished()).containsExactly("r2");
        assertThat(vanished.worst()).contains(ErrorCode.MIG004);
    }

    // (h)
    @Test
    void adoptsAnAlembicVersionTable() throws SQLException {
        exec("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)");
        exec("INSERT INTO alembic_version VALUES ('ae1027a6acf'), ('27c6a30d7c24')");
        Migrator m = migrator(fast);
        assertThat(m.adoptAlembic("alembic_version")).containsExactlyInAnyOrder("ae1027a6acf", "27c6a30d7c24");
        assertThat(m.currentHeads()).containsExactlyInAnyOrder("ae1027a6acf", "27c6a30d7c24");
        assertThat(m.history()).extracting(h -> h.revision() + " " + h.direction() + " " + h.outcome())
                .containsExactlyInAnyOrder("ae1027a6acf stamp applied", "27c6a30d7c24 stamp applied");
        assertThat(m.adoptAlembic("alembic_version")).hasSize(2);
        assertThat(m.history()).hasSize(2);

        exec("UPDATE alembic_version SET version_num = 'ffff' WHERE version_num = 'ae1027a6acf'");
        assertThatThrownBy(() -> m.adoptAlembic("public.alembic_version"))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG004))
                .hasMessageContaining("refusing to overwrite");
    }

    @Test
    void adoptingAMissingAlembicTableIsAClearError() throws SQLException {
        Migrator m = migrator(fast);
        assertThatThrownBy(() -> m.adoptAlembic("alembic_version"))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("table alembic_version does not exist").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> m.adoptAlembic("x; DROP TABLE y"))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020));
        assertThat(m.currentHeads()).isEmpty();
    }

    // (i)
    @Test
    void stampSetsTheHeadsAndIsRecorded() throws SQLException {
        Migrator m = migrator(fast);
        assertThat(m.currentHeads()).isEmpty();
        assertThat(m.history()).isEmpty();
        assertThat(strings("SELECT nspname FROM pg_namespace WHERE nspname = 'convoy'")).as("reads create nothing").isEmpty();

        m.stamp(Set.of("x1", "y2"));
        assertThat(m.currentHeads()).containsExactly("x1", "y2");
        m.stamp(Set.of("z3"));
        assertThat(m.currentHeads()).containsExactly("z3");
        m.stamp(Set.of());
        assertThat(m.currentHeads()).isEmpty();
        assertThat(m.history()).extracting(h -> h.revision() + " " + h.direction() + " " + h.outcome() + " " + h.statementCount())
                .containsExactly("x1 stamp applied 0", "y2 stamp applied 0", "z3 stamp applied 0", "base stamp applied 0");
        assertThat(m.history()).allSatisfy(h -> {
            assertThat(h.appliedBy()).isEqualTo(fast.appliedBy());
            assertThat(h.checksum()).isNull();
        });
        assertThat(eventsOf(MigrationEvent.StepStarted.class)).isEmpty();
        assertThatThrownBy(() -> m.stamp(Set.of("has space")))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020));
    }

    @Test
    void theTestServerListensOnLoopbackOnly() throws SQLException {
        assertThat(strings("SHOW listen_addresses")).containsExactly("127.0.0.1");
    }

    @Test
    void anUnreachableDatabaseIsMig021WithoutThePassword() {
        Migrator m = new Migrator(ConnectionSource.of("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/no_such_db?user=postgres&password="
                + SECRET), fast, Clock.systemUTC(), events::add);
        assertThatThrownBy(m::currentHeads)
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG021))
                .hasMessageContaining("no_such_db").hasMessageNotContaining(SECRET);
    }

    @Test
    void mergeStepsMoveSeveralHeadsAtOnce() {
        Revision a = rev("ma", null, List.of("CREATE TABLE ma (id int)"), List.of("DROP TABLE ma"));
        Revision b1 = rev("mb", "ma", List.of("CREATE TABLE mb (id int)"), List.of("DROP TABLE mb"));
        Revision c1 = rev("mc", "ma", List.of("CREATE TABLE mc (id int)"), List.of("DROP TABLE mc"));
        Revision merge = Fixture.merge("mm", List.of("mb", "mc"), List.of());
        Plan branches = new Plan(Direction.UPGRADE, Set.of(), Set.of("mb", "mc"), List.of(
                new MigrationStep(a, Direction.UPGRADE, Set.of(), Set.of("ma")),
                new MigrationStep(b1, Direction.UPGRADE, Set.of("ma"), Set.of("mb")),
                new MigrationStep(c1, Direction.UPGRADE, Set.of("mb"), Set.of("mb", "mc"))));
        Migrator m = migrator(fast);
        assertThat(m.apply(branches)).containsExactly("mb", "mc");
        Plan merging = new Plan(Direction.UPGRADE, Set.of("mb", "mc"), Set.of("mm"),
                List.of(new MigrationStep(merge, Direction.UPGRADE, Set.of("mb", "mc"), Set.of("mm"))));
        assertThat(m.apply(merging)).containsExactly("mm");
    }
}

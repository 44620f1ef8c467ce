package io.convoy.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.monitor.probe.LockWait.MigrationSession;
import io.convoy.testkit.postgres.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lock probe against a real PostgreSQL 15: a migration session waiting on an application transaction, and back. */
class LockProbeIT {
    private static PostgresCluster pg;
    private static LockProbe probe;

    @BeforeAll
    static void start() throws SQLException {
        pg = PostgresCluster.start();
        pg.createDatabase("app");
        try (Connection c = pg.connect("app"); Statement s = c.createStatement()) {
            s.execute("create table accounts (id int primary key, balance int not null)");
            s.execute("insert into accounts select g, 100 from generate_series(1, 10) g");
        }
        probe = new LockProbe(new ProbeSession(source("convoy-monitor"), Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        if (probe != null) {
            probe.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** The probe connects to the postgres database: pg_locks and pg_stat_activity cover every database. */
    private static ConnectionSource source(String applicationName) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        return ConnectionSource.of(pg.jdbcUrl("postgres"), p);
    }

    private static Connection session(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        return java.sql.DriverManager.getConnection(pg.jdbcUrl("app"), p);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aMigrationWaitingOnAnApplicationTransactionAndTheReadersQueuedBehindIt() throws Exception {
        try (Connection app = session("billing-api"); Connection migration = session("convoy-executor/p1/t1");
             Connection reader = session("reports")) {
            int appPid = pid(app);
            int migrationPid = pid(migration);
            int readerPid = pid(reader);
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("update accounts set balance = balance + 1 where id = 1");
            }
            CompletableFuture<Void> alter = CompletableFuture.runAsync(() -> run(migration, "alter table accounts add column note text"));
            CompletableFuture<Void> read = null;
            try {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    LockWait w = waitOf(probe.probe(), migrationPid);
                    assertThat(w.waitSeconds()).isGreaterThanOrEqualTo(1.0);
                });
                LockWait w = waitOf(probe.probe(), migrationPid);
                assertThat(w.applicationName()).isEqualTo("convoy-executor/p1/t1");
                assertThat(w.waitingMigration()).contains(new MigrationSession("p1", "t1"));
                assertThat(w.database()).isEqualTo("app");
                assertThat(w.query()).isEqualTo("alter table accounts add column note text");
                assertThat(w.lockType()).isEqualTo("relation");
                assertThat(w.mode()).isEqualTo("AccessExclusiveLock");
                assertThat(w.relation()).as("another database than the probe's: the oid").matches("\\d+");
                assertThat(w.blockers()).singleElement().satisfies(b -> {
                    assertThat(b.pid()).isEqualTo(appPid);
                    assertThat(b.applicationName()).isEqualTo("billing-api");
                    assertThat(b.state()).isEqualTo("idle in transaction");
                    assertThat(b.query()).isEqualTo("update accounts set balance = balance + 1 where id = 1");
                    assertThat(b.transactionSeconds()).isGreaterThanOrEqualTo(1.0);
                    assertThat(b.migration()).isEmpty();
                });

                // a reader queues behind the waiting ALTER: it waits for the migration
                read = CompletableFuture.runAsync(() -> run(reader, "select count(*) from accounts"));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    LockWait r = waitOf(probe.probe(), readerPid);
                    assertThat(r.waitingMigration()).isEmpty();
                    assertThat(r.blockingMigrations()).containsExactly(new MigrationSession("p1", "t1"));
                    assertThat(r.blockers()).extracting(LockWait.Blocker::pid).contains(migrationPid);
                });
            } finally {
                app.rollback();
            }
            alter.get();
            read.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.probe().isEmpty());
        }
    }

    @Test
    void waitsWithoutAMigrationAreNotReported() throws Exception {
        try (Connection a = session("billing-api"); Connection b = session("billing-worker")) {
            int bPid = pid(b);
            a.setAutoCommit(false);
            try (Statement s = a.createStatement()) {
                s.execute("update accounts set balance = balance - 1 where id = 2");
            }
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> run(b, "update accounts set balance = 0 where id = 2"));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> waiting(bPid));
                assertThat(probe.probe()).isEmpty();
            } finally {
                a.rollback();
            }
            blocked.get();
        }
    }

    @Test
    void probeSessionsAreReadOnlyWithTheirOwnShortTimeoutAndReconnectAfterAFailure() throws Exception {
        try (ProbeSession session = new ProbeSession(source("convoy-monitor"), Duration.ofMillis(200))) {
            assertThat(session.<String>run(c -> show(c, "statement_timeout"))).isEqualTo("200ms");
            assertThat(session.<String>run(c -> show(c, "lock_timeout"))).isEqualTo("200ms");
            assertThat(session.<String>run(c -> show(c, "transaction_read_only"))).isEqualTo("on");
            assertThatThrownBy(() -> session.run(c -> show(c, "pg_sleep(1)::text from (select 1) x")))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            assertThatThrownBy(() -> session.run(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("create table nope (id int)");
                }
                return null;
            })).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            assertThat(session.<String>run(c -> show(c, "statement_timeout"))).as("a fresh session, set up again").isEqualTo("200ms");
        }
    }

    private static String show(Connection c, String what) throws SQLException {
        String sql = what.contains(" ") ? "select " + what : "show " + what;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean waiting(int pid) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_locks where not granted and pid = " + pid)) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private static LockWait waitOf(List<LockWait> waits, int pid) {
        return waits.stream().filter(w -> w.pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("no lock wait of pid " + pid + " in " + waits));
    }

    private static void run(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

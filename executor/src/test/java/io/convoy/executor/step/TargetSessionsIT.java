package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.executor.targets.Target;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reused sessions against a real PostgreSQL 15: reset between uses, replaced when dead, closed when idle. */
class TargetSessionsIT {
    private static EmbeddedPostgres pg;
    private static Target target;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        target = new Target("t1", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", Optional.of("postgres"),
                Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aSessionIsReusedAndComesBackAsNewSettingsLocksAndTransactionsGone() throws Exception {
        try (TargetSessions sessions = new TargetSessions(Duration.ofSeconds(30))) {
            ConnectionSource source = sessions.source(target);
            String pid;
            try (Connection c = source.open(); Statement st = c.createStatement()) {
                pid = one(c, "SELECT pg_backend_pid()");
                st.execute("SET application_name = 'convoy-executor/p1/t1'");
                st.execute("SET lock_timeout = '123ms'");
                st.execute("SELECT pg_advisory_lock(42)");
                c.setAutoCommit(false);
                st.execute("CREATE TEMP TABLE scratch (i int)");
            }
            try (Connection c = source.open()) {
                assertThat(one(c, "SELECT pg_backend_pid()")).as("the same session").isEqualTo(pid);
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(one(c, "SHOW lock_timeout")).isEqualTo("0");
                assertThat(one(c, "SHOW application_name")).doesNotContain("convoy-executor/p1");
                assertThat(one(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"))
                        .isEqualTo("0");
                assertThat(one(c, "SELECT to_regclass('pg_temp.scratch') IS NULL")).isEqualTo("t");
            }
            assertThat(sessions.sessionsOpened()).isEqualTo(1);
            assertThat(sessions.idleSessions()).isEqualTo(1);
        }
    }

    @Test
    void aDeadSessionIsReplacedAndTwoAtOnceAreTwoSessions() throws Exception {
        try (TargetSessions sessions = new TargetSessions(Duration.ofSeconds(30))) {
            ConnectionSource source = sessions.source(target);
            String pid;
            try (Connection a = source.open(); Connection b = source.open()) {
                pid = one(a, "SELECT pg_backend_pid()");
                assertThat(one(b, "SELECT pg_backend_pid()")).isNotEqualTo(pid);
            }
            assertThat(sessions.idleSessions()).isEqualTo(2);
            try (Connection admin = target.connectionSource().open(); Statement st = admin.createStatement()) {
                String others = " FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND usename = 'postgres'"
                        + " AND backend_type = 'client backend'";
                st.execute("SELECT pg_terminate_backend(pid)" + others);
                // pg_terminate_backend only signals: wait until the backends are gone.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> one(admin, "SELECT count(*)" + others).equals("0"));
            }
            try (Connection c = source.open()) {
                assertThat(one(c, "SELECT 1")).isEqualTo("1");
            }
            assertThat(sessions.sessionsOpened()).isEqualTo(3);
        }
    }

    @Test
    void idleSessionsCloseAfterTheTimeoutAndAZeroTimeoutKeepsNone() throws Exception {
        try (TargetSessions sessions = new TargetSessions(Duration.ofMillis(300))) {
            try (Connection c = sessions.source(target).open()) {
                one(c, "SELECT 1");
            }
            assertThat(sessions.idleSessions()).isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sessions.idleSessions() == 0);
        }
        try (TargetSessions none = new TargetSessions(Duration.ZERO)) {
            try (Connection c = none.source(target).open()) {
                one(c, "SELECT 1");
            }
            assertThat(none.idleSessions()).isZero();
        }
    }

    @Test
    void beyondMaxIdleOverAllTargetsTheSessionIdleForTheLongestIsClosed() throws Exception {
        try (Connection admin = target.connectionSource().open(); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE sessions_t2");
        }
        Target other = new Target("t2", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/sessions_t2", Optional.of("postgres"),
                Optional.empty());
        try (TargetSessions sessions = new TargetSessions(Duration.ofSeconds(30), 1)) {
            String first;
            try (Connection c = sessions.source(target).open()) {
                first = one(c, "SELECT pg_backend_pid()");
            }
            assertThat(sessions.idleSessions()).isEqualTo(1);
            try (Connection c = sessions.source(other).open()) {
                one(c, "SELECT 1");
            }
            assertThat(sessions.idleSessions()).as("t1's session, idle for longer, was closed").isEqualTo(1);
            try (Connection c = sessions.source(other).open()) {
                assertThat(one(c, "SELECT current_database()")).isEqualTo("sessions_t2");
            }
            try (Connection c = sessions.source(target).open()) {
                assertThat(one(c, "SELECT pg_backend_pid()")).as("a new session for t1").isNotEqualTo(first);
            }
            assertThat(sessions.sessionsOpened()).isEqualTo(3);
        }
    }
}

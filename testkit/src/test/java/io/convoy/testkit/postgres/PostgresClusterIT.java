package io.convoy.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresClusterIT {
    private static PostgresCluster cluster;

    @BeforeAll
    static void start() {
        cluster = PostgresCluster.startWithStandby();
        System.out.printf("primary started in %d ms, standby in %d ms%n",
                cluster.primaryStartup().toMillis(), cluster.standbyStartup().toMillis());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void bothNodesListenOnLoopbackAndRunPostgres15() throws SQLException {
        assertThat(cluster.jdbcUrl("postgres")).startsWith("jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres");
        try (Connection p = cluster.connect("postgres"); Statement s = p.createStatement();
             ResultSet rs = s.executeQuery("select current_setting('server_version_num')::int, current_setting('listen_addresses'), pg_is_in_recovery()")) {
            rs.next();
            assertThat(rs.getInt(1)).isBetween(150000, 159999);
            assertThat(rs.getString(2)).isEqualTo("127.0.0.1");
            assertThat(rs.getBoolean(3)).isFalse();
        }
        try (Connection st = cluster.connectStandby("postgres")) {
            assertThat(count(st, "select pg_is_in_recovery()::int")).isEqualTo(1);
            assertThat(count(st, "select count(*) from pg_stat_wal_receiver where status = 'streaming'")).isEqualTo(1);
        }
        assertThat(cluster.startupTime()).isPositive();
    }

    @Test
    void standbyReplicatesWritesAndDatabases() throws SQLException {
        cluster.createDatabase("replicated");
        try (Connection p = cluster.connect("replicated"); Statement s = p.createStatement()) {
            s.execute("create table t (id int primary key, v text)");
            s.execute("insert into t select g, 'row ' || g from generate_series(1, 1000) g");
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            try (Connection st = cluster.connectStandby("replicated")) {
                assertThat(count(st, "select count(*) from t")).isEqualTo(1000);
            }
        });
        try (Connection st = cluster.connectStandby("replicated"); Statement s = st.createStatement()) {
            assertThatThrownBy(() -> s.execute("insert into t values (0, 'x')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
        }
        assertThatThrownBy(() -> cluster.createDatabase("Bad Name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pausingReplayOnTheStandbyMakesMeasurableLag() throws SQLException {
        cluster.createDatabase("lag");
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.standbyLagBytes().orElse(-1L) == 0L);
        try (Connection st = cluster.connectStandby("postgres"); Statement ss = st.createStatement()) {
            ss.execute("select pg_wal_replay_pause()");
            try {
                try (Connection p = cluster.connect("lag"); Statement s = p.createStatement()) {
                    s.execute("create table filler (id int, pad text)");
                    s.execute("insert into filler select g, repeat('x', 200) from generate_series(1, 20000) g");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.standbyLagBytes().orElse(0L) > 1_000_000L);
                long lag = cluster.standbyLagBytes().orElseThrow();
                System.out.printf("lag while replay paused: %d bytes%n", lag);
                assertThat(count(st, "select count(*) from pg_database where datname = 'lag'")).isEqualTo(1);
            } finally {
                ss.execute("select pg_wal_replay_resume()");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.standbyLagBytes().orElse(-1L) == 0L);
        }
        try (Connection st = cluster.connectStandby("lag")) {
            assertThat(count(st, "select count(*) from filler")).isEqualTo(20000);
        }
    }
}

package io.convoy.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.monitor.config.ClusterSpec;
import io.convoy.monitor.config.ClusterSpec.StandbySpec;
import io.convoy.monitor.probe.ReplicationReport.MissingStandby;
import io.convoy.monitor.probe.ReplicationReport.StandbyLag;
import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The lag probe against a real PostgreSQL 15 primary and streaming standby; the standby is stopped by the last test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LagProbeIT {
    private static PostgresCluster pg;
    private static LagProbe probe;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.startWithStandby();
        probe = probe(ClusterSpec.of("c1", pg.jdbcUrl("postgres"),
                List.of(new StandbySpec(PostgresCluster.STANDBY_NAME, Optional.of(PostgresCluster.SLOT)))));
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

    private static LagProbe probe(ClusterSpec spec) {
        ConnectionSource source = spec.connectionSource("convoy-monitor", Map.of(), 2);
        return new LagProbe(spec, new ProbeSession(source, Duration.ofMillis(800)));
    }

    private static StandbyLag standby(ReplicationReport r) {
        assertThat(r.missing()).isEmpty();
        assertThat(r.standbys()).hasSize(1);
        return r.standbys().get(0);
    }

    private static void primary(String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    @Order(1)
    void idleStandbyHasNoLag() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReplicationReport r = probe.probe();
            StandbyLag s = standby(r);
            assertThat(s.name()).isEqualTo(PostgresCluster.STANDBY_NAME);
            assertThat(s.state()).isEqualTo("streaming");
            assertThat(s.lagBytes()).isZero();
            assertThat(s.lagSeconds()).isZero();
            assertThat(r.unexpected()).isEmpty();
        });
        // idle stays 0: no false lag from an old reply or replay timestamp
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(standby(probe.probe()).lagSeconds()).isZero());
    }

    @Test
    @Order(2)
    void pausedReplayMakesLagInBytesAndSecondsAndResumingDrainsIt() throws Exception {
        primary("create table if not exists lag_t (id serial primary key, v text)");
        await().atMost(Duration.ofSeconds(30)).until(() -> standby(probe.probe()).lagBytes() == 0);
        try (Connection st = pg.connectStandby("postgres"); Statement s = st.createStatement()) {
            s.execute("select pg_wal_replay_pause()");
            try {
                primary("insert into lag_t (v) select repeat('x', 100) from generate_series(1, 10000)");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    StandbyLag lag = standby(probe.probe());
                    assertThat(lag.lagBytes()).isGreaterThan(100_000);
                    assertThat(lag.lagSeconds()).isGreaterThanOrEqualTo(2.0);
                });
                double before = standby(probe.probe()).lagSeconds();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(standby(probe.probe()).lagSeconds()).as("grows while paused").isGreaterThan(before + 0.5));
            } finally {
                s.execute("select pg_wal_replay_resume()");
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StandbyLag lag = standby(probe.probe());
            assertThat(lag.lagBytes()).isZero();
            assertThat(lag.lagSeconds()).isZero();
        });
    }

    @Test
    @Order(3)
    void unknownStandbysAndSlotsAreMissingAndUnexpectedSendersListed() throws Exception {
        try (LagProbe other = probe(ClusterSpec.of("c1", pg.jdbcUrl("postgres"), List.of(
                new StandbySpec("ghost", Optional.empty()),
                new StandbySpec("wrong-slot", Optional.of("no_such_slot")))))) {
            ReplicationReport r = other.probe();
            assertThat(r.standbys()).isEmpty();
            assertThat(r.missing()).extracting(MissingStandby::name).containsExactly("ghost", "wrong-slot");
            assertThat(r.missing().get(0).reason()).isEqualTo("not in pg_stat_replication");
            assertThat(r.missing().get(1).reason()).contains("replication slot no_such_slot does not exist");
            assertThat(r.unexpected()).containsExactly(PostgresCluster.STANDBY_NAME);
        }
    }

    @Test
    @Order(4)
    void aProbePointedAtAStandbySaysSo() {
        try (LagProbe wrong = probe(ClusterSpec.of("c1", pg.standbyJdbcUrl("postgres"), List.of()))) {
            assertThatThrownBy(wrong::probe).isInstanceOf(SQLException.class)
                    .hasMessageContaining("cluster c1").hasMessageContaining("in recovery (a standby)");
        }
    }

    @Test
    @Order(5)
    void aStoppedStandbyIsMissingAndItsSlotInactive() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(pg.directory().resolve("standby").resolve("postmaster.pid")).get(0).strip());
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start(); // fast shutdown
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReplicationReport r = probe.probe();
            assertThat(r.standbys()).isEmpty();
            assertThat(r.missing()).singleElement().satisfies(m -> {
                assertThat(m.name()).isEqualTo(PostgresCluster.STANDBY_NAME);
                assertThat(m.reason()).isEqualTo("not in pg_stat_replication; replication slot " + PostgresCluster.SLOT + " is inactive");
            });
        });
    }
}

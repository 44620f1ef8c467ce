package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.MigrationLock;
import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The progress lines an operator sees when a run has to wait: lock-timeout retries and a held migration lock. */
class ApplyProgressIT {
    static PostgresCluster pg;
    static Path example;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.start();
        example = TestProjects.example();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static CliRun convoy(String url, String... args) {
        return CliRun.run(example, Map.of("CONVOY_URL", url), args);
    }

    @Test
    void aLockedTableMakesRetriesVisibleThenMig003WithNothingOfTheRevisionApplied() throws Exception {
        pg.createDatabase("retries");
        String url = pg.jdbcUrl("retries");
        assertThat(convoy(url, "upgrade", "2b7e91c4d5a0").exitCode()).isZero();
        try (Connection blocker = DriverManager.getConnection(url); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("lock table sites in row exclusive mode"); // an open writer: blocks the FK from crawl_jobs to sites
            CliRun r = convoy(url, "upgrade", "3c5d0e8f1a27", "--lock-timeout", "100ms",
                    "--retry-max-attempts", "3", "--retry-initial-backoff", "100ms", "--retry-max-backoff", "200ms");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(13);
            assertThat(r.out()).contains("→ upgrade 3c5d0e8f1a27 create crawl jobs SCRAPE-103 … ")
                    .contains("↻ MIG003 lock timeout on attempt 1")
                    .contains("↻ MIG003 lock timeout on attempt 2")
                    .contains("rolled back, retrying in ")
                    .contains("FAILED after 3 attempts: MIG003");
            assertThat(r.err()).startsWith("MIG003: ").contains("SQLSTATE 55P03").contains("hint: retry with backoff");
            blocker.rollback();
        }
        assertThat(Catalog.count(url, "select count(*) from information_schema.tables where table_name = 'crawl_jobs'")).isZero();
        assertThat(convoy(url, "current").out()).isEqualTo("2b7e91c4d5a0\n");
        CliRun history = convoy(url, "history", "-v", "-r", "2b7e91c4d5a0:3c5d0e8f1a27");
        assertThat(history.out()).contains("Rev: 3c5d0e8f1a27").contains("Applied: no");
    }

    @Test
    void aHeldMigrationLockShowsWaitingLinesThenMig012() throws Exception {
        pg.createDatabase("locked");
        String url = pg.jdbcUrl("locked");
        try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
            s.execute("select pg_advisory_lock(" + MigrationLock.keyFor("convoy") + ")");
            CliRun r = convoy(url, "upgrade", "head", "--migration-lock-wait", "2s");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(22);
            assertThat(r.out()).contains("… waiting for the migration lock on ").contains("held by another run").contains("of 2.0 s)");
            assertThat(r.err()).startsWith("MIG012: ");
        }
        assertThat(Catalog.count(url, "select count(*) from information_schema.tables where table_schema = 'public'")).isZero();
        assertThat(convoy(url, "upgrade", "head").exitCode()).isZero();
    }
}

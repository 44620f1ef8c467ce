package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convoy history} leaves the checkpoint rows of batched statements out, and lists them with --checkpoints. */
class HistoryCheckpointsIT {
    static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void checkpointRowsAreListedOnlyWhenAskedFor(@TempDir Path tmp) throws Exception {
        Path project = TestProjects.copyOfExample(tmp.resolve("scraper"));
        Files.writeString(project.resolve("versions").resolve("c0ffee000001_backfill_numbers.sql"), """
                -- convoy:revision: c0ffee000001
                -- convoy:down_revision: ab6e2c4d8f59
                -- convoy:message: backfill numbers
                -- convoy:transactional: false

                -- convoy:upgrade
                CREATE TABLE numbers AS SELECT g::bigint AS id, NULL::bigint AS twice FROM generate_series(1, 250) g;
                ALTER TABLE numbers ADD PRIMARY KEY (id);
                -- convoy:batch: table=numbers key=id min_rows=100 start_rows=100 max_rows=100
                UPDATE numbers SET twice = id * 2 WHERE {{batch}};

                -- convoy:downgrade
                DROP TABLE numbers;
                """);
        pg.createDatabase("checkpoints");
        Map<String, String> env = Map.of("CONVOY_URL", pg.jdbcUrl("checkpoints"));
        CliRun up = CliRun.run(project, env, "upgrade", "head");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(Catalog.count(pg.jdbcUrl("checkpoints"), "select count(*) from numbers where twice = id * 2")).isEqualTo(250);

        CliRun plain = CliRun.run(project, env, "history");
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(plain.out()).startsWith("ab6e2c4d8f59 -> c0ffee000001 (search) (head), backfill numbers\n").doesNotContain("checkpoint");
        CliRun verbose = CliRun.run(project, env, "history", "-v");
        assertThat(verbose.out()).contains("Rev: c0ffee000001").doesNotContain("checkpoint #");

        CliRun withCheckpoints = CliRun.run(project, env, "history", "--checkpoints");
        assertThat(withCheckpoints.exitCode()).as(withCheckpoints.toString()).isZero();
        assertThat(withCheckpoints.out().lines().filter(l -> l.startsWith("    checkpoint #")).toList())
                .hasSize(3)
                .satisfiesExactly(
                        l -> assertThat(l).contains(" upgrade statement 3: batch 1, 100 keys, 100 rows, last key 100 (")
                                .doesNotContain(", done"),
                        l -> assertThat(l).contains(" upgrade statement 3: batch 2, 200 keys, 200 rows, last key 200 ("),
                        l -> assertThat(l).contains(" upgrade statement 3: batch 3, 250 keys, 250 rows, last key 250 (")
                                .endsWith(", done"));
        assertThat(withCheckpoints.out()).startsWith("ab6e2c4d8f59 -> c0ffee000001 (search) (head), backfill numbers\n    checkpoint #");
        CliRun both = CliRun.run(project, env, "history", "-v", "--checkpoints", "-r", "ab6e2c4d8f59:c0ffee000001");
        assertThat(both.out()).contains("Applied: applied").contains("checkpoint #");
    }
}

package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.apply.Migrator;
import io.convoy.core.apply.VersionTables;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor's history queries on a real PostgreSQL 15 after a batched backfill: its many per-batch checkpoint
 * rows in convoy.history are no step outcome, and must not hide the plan's rows or the latest step rows.
 */
class HistoryReaderIT {
    private static EmbeddedPostgres pg;
    private static ConnectionSource source;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        source = ConnectionSource.of("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Migrator migrator(Consumer<MigrationEvent> listener) {
        ApplyOptions options = ApplyOptions.defaults().withPipelineIds(Optional.of("plan-1"), Optional.of("cmd-1"));
        return new Migrator(source, options, Clock.systemUTC(), listener);
    }

    @Test
    void checkpointRowsAreLeftOutOfThePlanAndTheLatestRows() throws SQLException {
        try (Connection c = source.open(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id bigint PRIMARY KEY, v integer)");
            st.execute("INSERT INTO items SELECT g, 0 FROM generate_series(1, 2000) g");
        }
        Revision r = RevisionParser.parse("""
                -- convoy:revision: b1
                -- convoy:transactional: false
                -- convoy:upgrade
                -- convoy:batch: table=items key=id min_rows=100 start_rows=100 max_rows=100
                UPDATE items SET v = v + 1 WHERE {{batch}};
                """, Path.of("versions/b1.sql"));
        Plan plan = new Plan(Direction.UPGRADE, Set.of(), Set.of("b1"),
                List.of(new MigrationStep(r, Direction.UPGRADE, Set.of(), Set.of("b1"))));
        assertThatThrownBy(() -> migrator(e -> {
            if (e instanceof MigrationEvent.BatchProgress p && p.status().batches() == 5) {
                throw new IllegalStateException("stop");
            }
        }).apply(plan)).hasMessage("stop");
        migrator(e -> { }).apply(plan);

        HistoryReader reader = new HistoryReader(new VersionTables("convoy"));
        try (Connection c = source.open()) {
            assertThat(number(c, "SELECT count(*) FROM convoy.history WHERE outcome = 'checkpoint' AND plan_id = 'plan-1'"
                    + " AND command_id = 'cmd-1'")).isGreaterThanOrEqualTo(20);
            PlanHistory history = reader.plan(c, "plan-1");
            assertThat(history.rows()).extracting(HistoryRow::outcome).containsExactly("failed", "applied");
            assertThat(history.applied("cmd-1")).isPresent();
            assertThat(reader.plan(c, "plan-1", true).rows()).hasSize(2);
            assertThat(reader.latest(c, 2)).extracting(HistoryRow::outcome).containsExactly("applied", "failed");
            assertThat(reader.lastUpgrade(c, "b1")).hasValueSatisfying(h -> assertThat(h.checksum()).contains(r.checksum()));
            assertThat(number(c, "SELECT count(*) FROM items WHERE v = 1")).isEqualTo(2000);
        }
    }
}

package io.convoy.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.graph.Direction;
import io.convoy.executor.command.Command;
import io.convoy.executor.targets.TargetsFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run of one target's consecutive commands in one migration session, against a real PostgreSQL 15: every step
 * still gets its own history row and events, the run stops at a failure (the later commands of the plan are then
 * SKIPPED) and at an interruption (the rest is not started), and the run takes its sessions once.
 */
class StepProcessorRunIT {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + db + "?user=postgres";
    }

    private static TargetsFile targets(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        return TargetsFile.parse("targets:\n  " + db + ":\n    url: " + url(db) + "\n", Path.of("targets.yaml"), Map.of());
    }

    /** Step {@code i} of plan {@code plan} on {@code target}: revision r{i+1} from r{i}. */
    private static Command step(String plan, String target, int i, int count, String sql) {
        return new Command(plan + ":" + i, plan, "req", target, i, count, "r" + (i + 1), Direction.UPGRADE,
                i == 0 ? Set.of() : Set.of("r" + i), Set.of("r" + (i + 1)), List.of(sql), true, "sum" + i, Duration.ofSeconds(5),
                Optional.empty(), Instant.now());
    }

    private static List<String> history(String db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(db)); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT command_id || ' ' || outcome FROM convoy.history"
                        + " WHERE coalesce(error, '') NOT LIKE '" + StepInterrupted.MARKER + "%' ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private record Seen(List<StepUpdate> events, List<StepUpdate> outcomes) {
        Seen() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        boolean record(Command c, StepProcessor.Result r) {
            if (r instanceof StepProcessor.Result.Done d) {
                outcomes.add(d.update());
            }
            return true;
        }

        List<String> statuses(List<StepUpdate> updates) {
            return updates.stream().map(u -> u.command().commandId() + " " + u.status()).toList();
        }
    }

    @Test
    void aRunAppliesEachCommandAsItsOwnStepInOneSessionAndStopsAtAFailure() throws Exception {
        TargetsFile targets = targets("run_a");
        try (TargetSessions sessions = new TargetSessions(Duration.ofSeconds(30))) {
            StepProcessor processor = new StepProcessor(targets, ApplyOptions.defaults(), StepGate.OPEN, Clock.systemUTC(), "test",
                    id -> false, sessions::source);
            List<Command> plan = List.of(
                    step("p1", "run_a", 0, 4, "CREATE TABLE t1 (id int)"),
                    step("p1", "run_a", 1, 4, "CREATE TABLE t2 (id int)"),
                    step("p1", "run_a", 2, 4, "CREATE TABLE t1 (id int)"), // fails: t1 exists
                    step("p1", "run_a", 3, 4, "CREATE TABLE t4 (id int)"));
            Seen seen = new Seen();

            int handled = processor.processRun(plan, seen.events()::add, seen::record);

            assertThat(handled).as("the run stops after the failed command").isEqualTo(3);
            assertThat(seen.statuses(seen.outcomes())).containsExactly("p1:0 APPLIED", "p1:1 APPLIED", "p1:2 FAILED");
            assertThat(seen.statuses(seen.events())).containsExactly("p1:0 STARTED", "p1:1 STARTED", "p1:2 STARTED");
            assertThat(history("run_a")).containsExactly("p1:0 applied", "p1:1 applied", "p1:2 failed");

            Seen rest = new Seen();
            assertThat(processor.processRun(plan.subList(3, 4), rest.events()::add, rest::record)).isEqualTo(1);
            assertThat(rest.statuses(rest.outcomes())).as("the failed step stops its plan").containsExactly("p1:3 SKIPPED");

            // Delivered again (a crash before the offsets were committed): recognised in convoy.history, nothing runs again.
            Seen again = new Seen();
            assertThat(processor.processRun(plan.subList(0, 2), again.events()::add, again::record)).isEqualTo(2);
            assertThat(again.statuses(again.outcomes())).containsExactly("p1:0 APPLIED", "p1:1 APPLIED");
            assertThat(again.events()).isEmpty();
            assertThat(history("run_a")).hasSize(3);
        }
    }

    @Test
    void anInterruptedCommandEndsTheRunAndTheRestIsNotStarted() throws Exception {
        TargetsFile targets = targets("run_b");
        StepGate interruptThird = context -> {
            if (context.command().stepIndex() == 2) {
                throw new StepInterrupted("halted for the test");
            }
        };
        try (TargetSessions sessions = new TargetSessions(Duration.ofSeconds(30))) {
            StepProcessor processor = new StepProcessor(targets, ApplyOptions.defaults(), interruptThird, Clock.systemUTC(),
                    "test", id -> false, sessions::source);
            List<Command> plan = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                plan.add(step("p2", "run_b", i, 5, "CREATE TABLE t" + i + " (id int)"));
            }
            List<String> results = new ArrayList<>();

            int handled = processor.processRun(plan, u -> { }, (c, r) -> {
                results.add(c.commandId() + " " + (r instanceof StepProcessor.Result.Done d ? d.update().status() : "INTERRUPTED"));
                return true;
            });

            assertThat(handled).isEqualTo(3);
            assertThat(results).containsExactly("p2:0 APPLIED", "p2:1 APPLIED", "p2:2 INTERRUPTED");
            assertThat(history("run_b")).containsExactly("p2:0 applied", "p2:1 applied");
            assertThat(sessions.sessionsOpened()).as("one run: one session, which holds the migration lock too").isEqualTo(1);

            // The caller may also stop a run between two commands (a revoked partition, a shutdown).
            StepProcessor open = new StepProcessor(targets, ApplyOptions.defaults(), StepGate.OPEN, Clock.systemUTC(), "test",
                    id -> false, sessions::source);
            List<String> next = new ArrayList<>();
            assertThat(open.processRun(plan.subList(2, 5), u -> { }, (c, r) -> next.add(c.commandId()) && false)).isEqualTo(1);
            assertThat(history("run_b")).containsExactly("p2:0 applied", "p2:1 applied", "p2:2 applied");
        }
    }
}

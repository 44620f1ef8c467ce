package io.convoy.bench;

import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.Statement;
import io.convoy.schemas.control.ControlOrders;
import io.convoy.schemas.control.ControlScope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Halt reaction, observed from outside the executor: one real executor applies a non-transactional revision of many
 * short statements, each of which inserts its own {@code statement_timestamp()} (the server's time of receipt of the
 * statement) into a table of the target database. Once a few statements ran, a HALT for the target is written to
 * convoy.control; reaction = the last statement start recorded in the table − the HALT record's timestamp (its
 * Kafka CreateTime, taken by this process; same machine, same clock as the server). A negative value means the last
 * statement started before the HALT record existed: the executor saw the halt before the next one. Then RESUME, and
 * the step must finish with every statement run exactly once.
 */
final class HaltReactionBenchmark {
    private static final Logger log = LoggerFactory.getLogger(HaltReactionBenchmark.class);
    static final double TARGET_P99_MS = 500;

    /**
     * @param trials          halts measured
     * @param statements      statements of the revision
     * @param statementMillis how long each statement sleeps
     * @param haltAfter       statements run before the HALT is written
     */
    record Settings(int trials, int statements, int statementMillis, int haltAfter) {}

    private HaltReactionBenchmark() {}

    static Map<String, Object> run(Parts parts, EventWatcher watcher, Settings s, Path dir) throws Exception {
        if (s.haltAfter() >= s.statements()) {
            throw new IllegalArgumentException("halt-after must be below the statement count");
        }
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < s.trials(); i++) {
            String db = "halt_" + i;
            parts.createDatabase(db);
            try (Connection c = parts.pg.connect(db); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE TABLE halt_marks (ts timestamptz NOT NULL)");
            }
            targets.add(db);
        }
        Revision revision = revision(s);
        double[] reaction = new double[s.trials()];
        double[] afterHalt = new double[s.trials()];
        List<Map<String, Object>> perTrial = new ArrayList<>();
        int wrongCounts = 0;
        try (ExecutorGroup executors = ExecutorGroup.start(parts, watcher, "bench-halt", 1, targets, dir, Map.of());
             KafkaProducer<String, ControlRecord> control = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.LINGER_MS_CONFIG, 0),
                     Topics.CONTROL.keySerde().serializer(), Topics.CONTROL.valueSerde(parts.serdes).serializer())) {
            log.info("halt: {} trials, {} statements of {} ms, HALT after {}", s.trials(), s.statements(), s.statementMillis(), s.haltAfter());
            for (int i = 0; i < s.trials(); i++) {
                String target = targets.get(i);
                MigrationCommand cmd = command("halt-" + i, target, revision);
                parts.send(cmd).get();
                awaitMarks(parts, target, s.haltAfter(), Duration.ofSeconds(120));
                ControlScope scope = ControlScope.target(target);
                RecordMetadata halt = control.send(new ProducerRecord<>(Topics.CONTROL.name(), scope.key(),
                        ControlOrders.operator(scope, ControlAction.HALT, "convoy-bench", "halt reaction trial " + i, Instant.now()))).get();
                long haltMs = halt.timestamp();
                awaitQuiet(parts, target, Duration.ofMillis(1500), Duration.ofSeconds(60));
                double last = lastMarkMillis(parts, target);
                long started = countMarks(parts, target, "ts > to_timestamp(" + haltMs + " / 1000.0)");
                reaction[i] = last - haltMs;
                afterHalt[i] = started;
                control.send(new ProducerRecord<>(Topics.CONTROL.name(), scope.key(),
                        ControlOrders.operator(scope, ControlAction.RESUME, "convoy-bench", "trial " + i + " done", Instant.now()))).get();
                EventWatcher.Arrival done = watcher.await(cmd.getCommandId(), Duration.ofSeconds(120));
                long total = countMarks(parts, target, "true");
                boolean ok = done.applied() && total == s.statements();
                wrongCounts += ok ? 0 : 1;
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("trial", i);
                t.put("reaction_ms", Stats.round(reaction[i]));
                t.put("statements_started_after_halt", started);
                t.put("statements_before_resume", countMarksBefore(parts, target, last));
                t.put("applied_once", ok);
                perTrial.add(t);
                log.info("halt trial {}: reaction {} ms, {} statement(s) started after the HALT record, step {} with {} of {} statements",
                        i, Stats.round(reaction[i]), started, done.event().getStatus(), total, s.statements());
                watcher.forget(List.of(cmd.getCommandId()));
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("description", "HALT on convoy.control (record timestamp) -> start of the last migration statement that started"
                + " (statement_timestamp() recorded by each statement), one executor, a non-transactional revision of "
                + s.statements() + " statements of " + s.statementMillis() + " ms, HALT after " + s.haltAfter() + "; "
                + s.trials() + " trials");
        r.put("reaction_ms", Stats.summary(reaction));
        r.put("statements_started_after_halt", Stats.summary(afterHalt));
        r.put("trials_not_applied_exactly_once", wrongCounts);
        double p99 = Stats.percentile(reaction, 99);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("p99_ms_at_most", TARGET_P99_MS);
        target.put("p99_ms", Stats.round(p99));
        target.put("met", p99 <= TARGET_P99_MS);
        r.put("target", target);
        r.put("trials", perTrial);
        return r;
    }

    private static Revision revision(Settings s) {
        StringBuilder sql = new StringBuilder();
        double seconds = s.statementMillis() / 1000.0;
        for (int i = 0; i < s.statements(); i++) {
            sql.append("INSERT INTO halt_marks SELECT statement_timestamp() FROM pg_sleep(").append(seconds).append(");\n");
        }
        String text = "-- convoy:revision: ha1700000001\n-- convoy:message: many short statements\n"
                + "-- convoy:transactional: false\n\n-- convoy:upgrade\n" + sql + "\n-- convoy:downgrade\nDELETE FROM halt_marks;\n";
        return RevisionParser.parse(text, Path.of("versions", "ha1700000001_many_short_statements.sql"));
    }

    private static MigrationCommand command(String planId, String target, Revision r) {
        Plan plan = RevisionGraph.of(List.of(r)).upgrade(Set.of(), "head");
        MigrationStep step = plan.steps().get(0);
        List<Statement> statements = new ArrayList<>();
        List<String> sql = step.statements();
        for (int i = 0; i < sql.size(); i++) {
            statements.add(new Statement(sql.get(i), i));
        }
        return MigrationCommand.newBuilder()
                .setCommandId(planId + ":" + target + ":0").setPlanId(planId).setRequestId("req-" + planId).setTargetId(target)
                .setStepIndex(0).setStepCount(1).setRevision(r.id()).setDirection(Direction.UPGRADE)
                .setExpectedFromHeads(List.copyOf(new TreeSet<>(step.headsBefore())))
                .setHeadsAfter(List.copyOf(new TreeSet<>(step.headsAfter())))
                .setStatements(statements).setTransactional(r.transactional()).setChecksum(r.checksum())
                .setLockTimeoutMs(Revisions.LOCK_TIMEOUT.toMillis()).setStatementTimeoutMs(null)
                .setCreatedAt(Instant.now()).build();
    }

    private static void awaitMarks(Parts parts, String db, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (countMarks(parts, db, "true") < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(db + ": fewer than " + count + " statements ran within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Waits until no statement started for {@code quiet}. */
    private static void awaitQuiet(Parts parts, String db, Duration quiet, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = countMarks(parts, db, "true");
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(db + ": statements still start " + timeout + " after the HALT");
            }
            Thread.sleep(50);
            long now = countMarks(parts, db, "true");
            if (now != count) {
                count = now;
                since = System.nanoTime();
            }
        }
    }

    private static long countMarks(Parts parts, String db, String where) throws SQLException {
        try (Connection c = parts.pg.connect(db); java.sql.Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM halt_marks WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long countMarksBefore(Parts parts, String db, double lastMillis) throws SQLException {
        return countMarks(parts, db, "ts <= to_timestamp(" + lastMillis + " / 1000.0)");
    }

    private static double lastMarkMillis(Parts parts, String db) throws SQLException {
        try (Connection c = parts.pg.connect(db); java.sql.Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extract(epoch FROM max(ts)) * 1000 FROM halt_marks")) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}

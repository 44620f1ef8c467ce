package io.convoy.bench;

import io.convoy.schemas.avro.MigrationCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline overhead per step: one real executor, commands published one at a time into an idle pipeline.
 * For each step, overhead = (APPLIED event received by this process - command handed to the producer) - the
 * step's own duration in the database (the APPLIED event's duration_ms: migration lock, statements, version and
 * history rows, commit). What remains is Kafka both ways, decoding, the executor's checks and bookkeeping and
 * the publication of its events.
 *
 * <p>"Idle pipeline": the next command is published once the executor committed the previous one's offset,
 * i.e. after it finished with it, so no step waits behind another.
 */
final class PipelineBenchmark {
    private static final Logger log = LoggerFactory.getLogger(PipelineBenchmark.class);

    record Settings(int steps, int warmup, int targets, int baselineSteps) {}

    private PipelineBenchmark() {}

    static Map<String, Object> run(Parts parts, EventWatcher watcher, Settings s, Path dir) throws Exception {
        int perTarget = (s.steps() + s.warmup() + s.targets() - 1) / s.targets();
        Revisions revisions = new Revisions(perTarget);
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < s.targets(); i++) {
            String db = "pipe_" + i;
            parts.createDatabase(db);
            targets.add(db);
        }
        double[] overhead = new double[s.steps()];
        double[] endToEnd = new double[s.steps()];
        double[] sql = new double[s.steps()];
        String group = "bench-pipeline";
        long started = System.nanoTime();
        int failed = 0;
        try (ExecutorGroup executors = ExecutorGroup.start(parts, watcher, group, 1, targets, dir, Map.of());
             Admin admin = parts.kafka.createAdmin()) {
            log.info("pipeline: {} steps ({} warm-up) over {} targets, one at a time", s.steps(), s.warmup(), s.targets());
            int n = 0;
            outer:
            for (int rev = 0; rev < perTarget; rev++) {
                for (String target : targets) {
                    MigrationCommand c = revisions.command("pipe", target, rev);
                    byte[] value = parts.serialize(c);
                    long t0 = System.nanoTime();
                    RecordMetadata md = parts.sendSerialized(target, value).get();
                    EventWatcher.Arrival a = watcher.await(c.getCommandId(), Duration.ofSeconds(60));
                    if (!a.applied()) {
                        failed++;
                        throw new IllegalStateException("step " + c.getCommandId() + " ended " + a.event().getStatus() + " "
                                + a.event().getErrorCode() + ": " + a.event().getMessage());
                    }
                    double e2e = (a.receivedNanos() - t0) / 1e6;
                    long dbMs = a.event().getDurationMs();
                    int i = n - s.warmup();
                    if (i >= 0) {
                        endToEnd[i] = e2e;
                        sql[i] = dbMs;
                        overhead[i] = e2e - dbMs;
                    }
                    n++;
                    awaitCommitted(admin, group, new TopicPartition(md.topic(), md.partition()), md.offset() + 1, executors);
                    watcher.forget(List.of(c.getCommandId()));
                    if (n % 200 == 0) {
                        log.info("pipeline: {} steps", n);
                    }
                    if (n == s.steps() + s.warmup()) {
                        break outer;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // Sessions are counted when they end: read once the executor is closed (its start-up sessions included).
        long sessions = parts.sessions("pipe_");
        double[][] baseline = plainJdbc(parts, s, Math.max(1, Math.min(perTarget, (s.baselineSteps() + s.targets() - 1) / s.targets())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", "per step: APPLIED event received - command published - step duration in the database"
                + " (APPLIED duration_ms); one executor, idle pipeline (next command published once the previous offset is committed)");
        out.put("steps_measured", s.steps());
        out.put("warmup_steps", s.warmup());
        out.put("targets", s.targets());
        out.put("failed_steps", failed);
        out.put("overhead_ms", Stats.summary(overhead));
        out.put("end_to_end_ms", Stats.summary(endToEnd));
        out.put("db_step_ms", Stats.summary(sql));
        out.put("postgres_sessions_per_step", Stats.round((double) sessions / (s.steps() + s.warmup())));
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("description", "the same statements over plain JDBC, same run, same PostgreSQL: a fresh connection per step,"
                + " the statement in a transaction, commit, close (no Kafka, no version table)");
        base.put("step_ms", Stats.summary(baseline[0]));
        base.put("connect_ms", Stats.summary(baseline[1]));
        base.put("end_to_end_median_ratio", Stats.round(Stats.median(endToEnd) / Stats.median(baseline[0])));
        out.put("baseline_plain_jdbc", base);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("p50_ms_max", 20);
        target.put("p99_ms_max", 100);
        double p50 = Stats.percentile(overhead, 50);
        double p99 = Stats.percentile(overhead, 99);
        target.put("p50_met", p50 <= 20);
        target.put("p99_met", p99 <= 100);
        out.put("target", target);
        out.put("wall_seconds", Stats.round(seconds));
        return out;
    }

    /** Each step of the same revisions on fresh databases over plain JDBC: {step ms, connect ms}. */
    private static double[][] plainJdbc(Parts parts, Settings s, int perTarget) throws java.sql.SQLException {
        Revisions revisions = new Revisions(perTarget);
        List<String> dbs = new ArrayList<>();
        for (int i = 0; i < s.targets(); i++) {
            parts.createDatabase("pipe_plain_" + i);
            dbs.add("pipe_plain_" + i);
        }
        double[] step = new double[perTarget * dbs.size()];
        double[] connect = new double[step.length];
        int n = 0;
        for (int rev = 0; rev < perTarget; rev++) {
            for (String db : dbs) {
                long t0 = System.nanoTime();
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(parts.jdbcUrl(db))) {
                    long t1 = System.nanoTime();
                    c.setAutoCommit(false);
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute(revisions.upgradeSql(rev));
                    }
                    c.commit();
                    connect[n] = (t1 - t0) / 1e6;
                }
                step[n++] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return new double[][] {step, connect};
    }

    /** Waits until the group's committed offset of {@code tp} reaches {@code next}: the executor is done with it. */
    private static void awaitCommitted(Admin admin, String group, TopicPartition tp, long next, ExecutorGroup executors)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(tp);
            if (o != null && o.offset() >= next) {
                return;
            }
            if (executors.failure().isPresent() || System.nanoTime() > deadline) {
                throw new IllegalStateException("offset " + next + " of " + tp + " not committed by " + group
                        + executors.failure().map(f -> " (" + f + ")").orElse(""));
            }
            Thread.sleep(2);
        }
    }
}

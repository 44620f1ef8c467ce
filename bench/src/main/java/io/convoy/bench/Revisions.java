package io.convoy.bench;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.Migrator;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.Statement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A linear chain of trivial but real revisions (even ones create a table, odd ones add a column to it), as real
 * revision files parsed and planned by core, turned into commands the way the planner builds them; and the same
 * statements as Flyway versioned migrations.
 */
final class Revisions {
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> upgradeSql = new ArrayList<>();
    private final List<Revision> revisions = new ArrayList<>();
    private final Plan plan;

    Revisions(int count) {
        for (int i = 0; i < count; i++) {
            String upgrade = i % 2 == 0
                    ? "CREATE TABLE bench_t" + i + " (id bigserial PRIMARY KEY, name text NOT NULL);"
                    : "ALTER TABLE bench_t" + (i - 1) + " ADD COLUMN note text;";
            String downgrade = i % 2 == 0 ? "DROP TABLE bench_t" + i + ";" : "ALTER TABLE bench_t" + (i - 1) + " DROP COLUMN note;";
            String text = "-- convoy:revision: " + id(i) + "\n"
                    + (i == 0 ? "" : "-- convoy:down_revision: " + id(i - 1) + "\n")
                    + "-- convoy:message: bench revision " + i + "\n\n"
                    + "-- convoy:upgrade\n" + upgrade + "\n\n-- convoy:downgrade\n" + downgrade + "\n";
            upgradeSql.add(upgrade);
            revisions.add(RevisionParser.parse(text, Path.of("versions", id(i) + "_bench_" + i + ".sql")));
        }
        plan = RevisionGraph.of(revisions).upgrade(Set.of(), "head");
        if (plan.steps().size() != count) {
            throw new IllegalStateException("planned " + plan.steps().size() + " steps for " + count + " revisions");
        }
    }

    static String id(int i) {
        return String.format("be%010x", i + 1);
    }

    /** The upgrade statement of revision {@code i} (one statement each). */
    String upgradeSql(int i) {
        return upgradeSql.get(i);
    }

    int count() {
        return revisions.size();
    }

    /** The upgrade from base to head, as core plans it. */
    Plan plan() {
        return plan;
    }

    /**
     * Applies the upgrade from base to head with core's {@link Migrator} (its lock, version and history tables, one
     * session), as the diagnostics that measure the engine without Kafka do.
     *
     * @throws IllegalStateException when the engine left {@code database} anywhere but at head
     */
    void applyWithEngine(String jdbcUrl, String database) {
        ApplyOptions options = ApplyOptions.defaults().withAppliedBy("bench").withLockTimeout(LOCK_TIMEOUT);
        Set<String> heads = new Migrator(ConnectionSource.of(jdbcUrl), options, Clock.systemUTC(), e -> { }).apply(plan);
        if (!heads.equals(plan.toHeads())) {
            throw new IllegalStateException("the engine left " + database + " at " + heads);
        }
    }

    /** The command of step {@code index} of an upgrade from base to head of {@code target}. */
    MigrationCommand command(String planId, String target, int index) {
        MigrationStep step = plan.steps().get(index);
        Revision r = step.revision();
        List<Statement> statements = new ArrayList<>();
        List<String> sql = step.statements();
        for (int s = 0; s < sql.size(); s++) {
            statements.add(new Statement(sql.get(s), s));
        }
        return MigrationCommand.newBuilder()
                .setCommandId(planId + ":" + target + ":" + index)
                .setPlanId(planId)
                .setRequestId("req-" + planId)
                .setTargetId(target)
                .setStepIndex(index)
                .setStepCount(plan.steps().size())
                .setRevision(r.id())
                .setDirection(Direction.UPGRADE)
                .setExpectedFromHeads(List.copyOf(new TreeSet<>(step.headsBefore())))
                .setHeadsAfter(List.copyOf(new TreeSet<>(step.headsAfter())))
                .setStatements(statements)
                .setTransactional(r.transactional())
                .setChecksum(r.checksum())
                .setLockTimeoutMs(r.lockTimeout().orElse(LOCK_TIMEOUT).toMillis())
                .setStatementTimeoutMs(r.statementTimeout().map(Duration::toMillis).orElse(null))
                .setCreatedAt(Instant.now())
                .build();
    }

    /** Writes the same statements as Flyway migrations V1__bench_0.sql ... into {@code dir}. */
    Path writeFlywayMigrations(Path dir) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < upgradeSql.size(); i++) {
                Files.writeString(dir.resolve("V" + (i + 1) + "__bench_" + i + ".sql"), upgradeSql.get(i) + "\n");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

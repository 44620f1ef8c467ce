package io.convoy.executor;

import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Commands built the way the planner builds them: from real revision files, parsed, put in a graph, planned
 * from the target's heads to head, one command per step.
 */
final class Fleet {
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);

    static final String R1 = """
            -- convoy:revision: a1b2c3d4e5f6
            -- convoy:message: accounts table TICKET-1

            -- convoy:upgrade
            CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);

            -- convoy:downgrade
            DROP TABLE accounts;
            """;
    static final String R2 = """
            -- convoy:revision: b2c3d4e5f6a1
            -- convoy:down_revision: a1b2c3d4e5f6
            -- convoy:message: account status TICKET-2
            -- convoy:lock_timeout: 200ms

            -- convoy:upgrade
            ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';
            CREATE INDEX accounts_status ON accounts (status);

            -- convoy:downgrade
            DROP INDEX accounts_status;
            ALTER TABLE accounts DROP COLUMN status;
            """;
    static final String R3 = """
            -- convoy:revision: c3d4e5f6a1b2
            -- convoy:down_revision: b2c3d4e5f6a1
            -- convoy:message: email index TICKET-3
            -- convoy:transactional: false

            -- convoy:upgrade
            CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);

            -- convoy:downgrade
            DROP INDEX CONCURRENTLY accounts_email;
            """;

    static final RevisionGraph GRAPH = RevisionGraph.of(List.of(
            RevisionParser.parse(R1, Path.of("versions", "a1b2c3d4e5f6_accounts.sql")),
            RevisionParser.parse(R2, Path.of("versions", "b2c3d4e5f6a1_status.sql")),
            RevisionParser.parse(R3, Path.of("versions", "c3d4e5f6a1b2_email_index.sql"))));

    static final String REV1 = "a1b2c3d4e5f6";
    static final String REV2 = "b2c3d4e5f6a1";
    static final String REV3 = "c3d4e5f6a1b2";

    private Fleet() {}

    /** The commands of an upgrade to head of a target believed to be at base. */
    static List<MigrationCommand> upgradeToHead(String planId, String targetId) {
        return commands(planId, targetId, GRAPH.upgrade(java.util.Set.of(), "head"));
    }

    static List<MigrationCommand> commands(String planId, String targetId, Plan plan) {
        List<MigrationCommand> out = new ArrayList<>();
        List<MigrationStep> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            MigrationStep step = steps.get(i);
            Revision r = step.revision();
            List<Statement> statements = new ArrayList<>();
            List<String> sql = step.statements();
            for (int s = 0; s < sql.size(); s++) {
                statements.add(new Statement(sql.get(s), s));
            }
            out.add(MigrationCommand.newBuilder()
                    .setCommandId(planId + ":" + targetId + ":" + i)
                    .setPlanId(planId)
                    .setRequestId("req-" + planId)
                    .setTargetId(targetId)
                    .setStepIndex(i)
                    .setStepCount(steps.size())
                    .setRevision(r.id())
                    .setDirection(step.direction() == io.convoy.core.graph.Direction.UPGRADE ? Direction.UPGRADE : Direction.DOWNGRADE)
                    .setExpectedFromHeads(List.copyOf(new TreeSet<>(step.headsBefore())))
                    .setHeadsAfter(List.copyOf(new TreeSet<>(step.headsAfter())))
                    .setStatements(statements)
                    .setTransactional(r.transactional())
                    .setChecksum(r.checksum())
                    .setLockTimeoutMs(r.lockTimeout().orElse(DEFAULT_LOCK_TIMEOUT).toMillis())
                    .setStatementTimeoutMs(r.statementTimeout().map(Duration::toMillis).orElse(null))
                    .setCreatedAt(Instant.now())
                    .build());
        }
        return out;
    }
}

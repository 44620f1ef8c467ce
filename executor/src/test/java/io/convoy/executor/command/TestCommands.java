package io.convoy.executor.command;

import io.convoy.core.graph.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Commands for unit tests. */
public final class TestCommands {
    public static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    private TestCommands() {}

    public static Command upgrade() {
        return new Command("cmd-2", "plan-1", "req-1", "orders-eu-1", 1, 3, "r2", Direction.UPGRADE, Set.of("r1"), Set.of("r2"),
                List.of("ALTER TABLE t ADD COLUMN a int", "CREATE INDEX t_a ON t (a)"), true, "abc123", Duration.ofSeconds(2),
                Optional.of(Duration.ofMinutes(5)), AT);
    }

    public static MigrationCommand avro() {
        return MigrationCommand.newBuilder()
                .setCommandId("cmd-2").setPlanId("plan-1").setRequestId("req-1").setTargetId("orders-eu-1")
                .setStepIndex(1).setStepCount(3).setRevision("r2")
                .setDirection(io.convoy.schemas.avro.Direction.UPGRADE)
                .setExpectedFromHeads(List.of("r1")).setHeadsAfter(List.of("r2"))
                .setStatements(List.of(new Statement("ALTER TABLE t ADD COLUMN a int", 0), new Statement("CREATE INDEX t_a ON t (a)", 1)))
                .setTransactional(true).setChecksum("abc123").setLockTimeoutMs(2000L).setStatementTimeoutMs(300_000L)
                .setCreatedAt(AT).build();
    }
}

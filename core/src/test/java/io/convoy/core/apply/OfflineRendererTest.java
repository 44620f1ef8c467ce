package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfflineRendererTest {
    private final ApplyOptions options = ApplyOptions.defaults().withAppliedBy("o'brien").withApplicationName("convoy-test")
            .withPipelineIds(Optional.of("plan-1"), Optional.empty());
    private final ApplyOptions fixedHost = new ApplyOptions(options.versionSchema(), options.lockTimeout(),
            options.statementTimeout(), options.maxAttempts(), options.initialBackoff(), options.maxBackoff(),
            options.migrationLockWait(), options.appliedBy(), "build-1", options.applicationName(), options.planId(),
            options.commandId());

    @Test
    void rendersOneTransactionalRevisionExactly() {
        Revision r = Fixture.rev("1a2b", null, List.of("CREATE TABLE users (id int)", "ALTER TABLE users ADD name text"),
                List.of("DROP TABLE users"));
        String sql = new OfflineRenderer(fixedHost).render(Fixture.upgrade(null, List.of(r)));
        long key = MigrationLock.keyFor("convoy");
        assertThat(sql).isEqualTo("""
                -- Convoy offline SQL: upgrade from base (no revision) to 1a2b
                -- version schema: convoy; run with: psql -v ON_ERROR_STOP=1 -f <this file>

                SET application_name = 'convoy-test';
                DO $convoy$
                BEGIN
                    IF NOT pg_try_advisory_lock(%d) THEN
                        RAISE EXCEPTION 'MIG012: another Convoy run holds the migration lock (advisory lock %d of version schema convoy); wait for it to finish';
                    END IF;
                END
                $convoy$;
                CREATE SCHEMA IF NOT EXISTS "convoy";
                %s
                -- revision 1a2b (upgrade): revision 1a2b [versions/1a2b.sql]
                SET lock_timeout = '2000ms';
                SET statement_timeout = '0';
                BEGIN;
                DO $convoy$
                BEGIN
                    IF (SELECT coalesce(array_agg(version_num ORDER BY version_num COLLATE "C"), ARRAY[]::text[]) FROM "convoy".version) IS DISTINCT FROM ARRAY[]::text[] THEN
                        RAISE EXCEPTION 'MIG004: the version table is not at base (no revision) before upgrade of revision 1a2b; nothing of this revision was applied';
                    END IF;
                END
                $convoy$;
                CREATE TABLE users (id int);
                ALTER TABLE users ADD name text;
                INSERT INTO "convoy".version (version_num) VALUES ('1a2b');
                INSERT INTO "convoy".history (revision, direction, outcome, checksum, started_at, finished_at, duration_ms, applied_by, host, statement_count, plan_id, command_id, error_code, sql_state, error) VALUES ('1a2b', 'upgrade', 'applied', '%s', now(), clock_timestamp(), (extract(epoch from clock_timestamp() - now()) * 1000)::bigint, 'o''brien', 'build-1', 2, 'plan-1', NULL, NULL, NULL, NULL);
                COMMIT;
                """.formatted(key, key, tablesDdl(), r.checksum()));
    }

    /** The version-table DDL after CREATE SCHEMA, one statement a line, as the renderer prints it, and the blank line after. */
    private static String tablesDdl() {
        List<String> ddl = new VersionTables("convoy").ddl();
        StringBuilder out = new StringBuilder();
        for (String s : ddl.subList(1, ddl.size())) {
            out.append(s).append(";\n");
        }
        return out.toString();
    }

    @Test
    void nonTransactionalRevisionRunsStatementsOutsideATransactionAndRecordsProgress() {
        Revision base = Fixture.rev("a1", null, List.of("CREATE TABLE t (e text)"), List.of("DROP TABLE t"));
        Revision r = Fixture.nonTransactional(Fixture.rev("b2", "a1",
                List.of("CREATE TABLE log (id int)", "CREATE UNIQUE INDEX CONCURRENTLY t_e_key ON t (e)"),
                List.of("DROP INDEX CONCURRENTLY t_e_key", "DROP TABLE log")));
        String sql = new OfflineRenderer(options).render(Fixture.upgrade("a1", List.of(r)));
        String step = sql.substring(sql.indexOf("-- revision b2"));

        assertThat(step).doesNotContain("BEGIN;\nDO").contains("(SELECT coalesce(array_agg(version_num");
        int create = step.indexOf("CREATE TABLE log (id int);");
        int mark1 = step.indexOf("completed_statements, updated_at) VALUES ('b2', 'upgrade', '" + r.checksum() + "', 1,");
        int guard = step.indexOf("c.relname = 't_e_key' AND i.indrelid = to_regclass('t')");
        int cic = step.indexOf("CREATE UNIQUE INDEX CONCURRENTLY t_e_key ON t (e);");
        int mark2 = step.indexOf("VALUES ('b2', 'upgrade', '" + r.checksum() + "', 2,");
        int begin = step.indexOf("BEGIN;\n");
        int version = step.indexOf("DELETE FROM \"convoy\".version WHERE version_num = 'a1';\n"
                + "INSERT INTO \"convoy\".version (version_num) VALUES ('b2');");
        int clear = step.indexOf("DELETE FROM \"convoy\".progress WHERE revision = 'b2' AND direction = 'upgrade';");
        int commit = step.indexOf("COMMIT;");
        assertThat(List.of(create, mark1, guard, cic, mark2, begin, version, clear, commit)).doesNotContain(-1).isSorted();
        assertThat(step.substring(guard)).contains("MIG014").contains("DROP INDEX CONCURRENTLY t_e_key");
    }

    @Test
    void perRevisionTimeoutsOverrideTheDefaults() {
        Revision r = Fixture.withTimeouts(Fixture.rev("a1", null, List.of("SELECT 1"), List.of()), Duration.ofSeconds(5),
                Duration.ofMinutes(10));
        String sql = new OfflineRenderer(options.withStatementTimeout(Optional.of(Duration.ofSeconds(30))))
                .render(Fixture.upgrade(null, List.of(r)));
        assertThat(sql).contains("SET lock_timeout = '5000ms';\nSET statement_timeout = '600000ms';\nBEGIN;");
    }

    @Test
    void aStatementEndingInACommentIsTerminatedOnItsOwnLine() {
        Revision r = Fixture.rev("a1", null, List.of("CREATE TABLE t (id int) -- the t table"), List.of());
        String sql = new OfflineRenderer(options).render(Fixture.upgrade(null, List.of(r)));
        assertThat(sql).contains("CREATE TABLE t (id int) -- the t table\n;\n");
    }

    @Test
    void mergeStepReplacesBothParentsByTheMerge() {
        Revision m = Fixture.merge("m3", List.of("b2", "c2"), List.of());
        Plan plan = new Plan(Direction.UPGRADE, Set.of("b2", "c2"), Set.of("m3"),
                List.of(new MigrationStep(m, Direction.UPGRADE, Set.of("c2", "b2"), Set.of("m3"))));
        String sql = new OfflineRenderer(options).render(plan);
        assertThat(sql).contains("IS DISTINCT FROM ARRAY['b2', 'c2']::text[]")
                .contains("DELETE FROM \"convoy\".version WHERE version_num = 'b2';\n"
                        + "DELETE FROM \"convoy\".version WHERE version_num = 'c2';\n"
                        + "INSERT INTO \"convoy\".version (version_num) VALUES ('m3');");
    }

    @Test
    void downgradeRunsTheDowngradeSectionAndMovesTheVersionDown() {
        Revision a = Fixture.rev("a1", null, List.of("CREATE TABLE a (id int)"), List.of("DROP TABLE a"));
        Revision b = Fixture.rev("b2", "a1", List.of("CREATE TABLE b (id int)"), List.of("DROP TABLE b"));
        String sql = new OfflineRenderer(options).render(Fixture.downgrade(List.of(a, b)));
        assertThat(sql.indexOf("DROP TABLE b;")).isLessThan(sql.indexOf("DROP TABLE a;"));
        assertThat(sql).contains("DELETE FROM \"convoy\".version WHERE version_num = 'b2';\n"
                + "INSERT INTO \"convoy\".version (version_num) VALUES ('a1');")
                .contains("VALUES ('b2', 'downgrade', 'applied'").doesNotContain("CREATE TABLE a").doesNotContain("CREATE TABLE b");
    }

    @Test
    void refusesADowngradeOfARevisionWithoutDowngradeSection() {
        Revision a = Fixture.rev("a1", null, List.of("CREATE TABLE a (id int)"), List.of("DROP TABLE a"));
        Revision b = Fixture.withoutDowngrade(Fixture.rev("b2", "a1", List.of("CREATE TABLE b (id int)"), List.of()));
        assertThatThrownBy(() -> new OfflineRenderer(options).render(Fixture.downgrade(List.of(a, b))))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("b2").hasMessageContaining("no '-- convoy:downgrade' section");
    }

    @Test
    void refusesAPlanWhoseStepsDoNotChain() {
        Revision a = Fixture.rev("a1", null, List.of("SELECT 1"), List.of());
        Plan broken = new Plan(Direction.UPGRADE, Set.of("zz"), Set.of("a1"),
                List.of(new MigrationStep(a, Direction.UPGRADE, Set.of(), Set.of("a1"))));
        assertThatThrownBy(() -> new OfflineRenderer(options).render(broken))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("inconsistent plan");
    }

    @Test
    void anEmptyPlanRendersNothingToDo() {
        String sql = new OfflineRenderer(options).render(new Plan(Direction.UPGRADE, Set.of("a1"), Set.of("a1"), List.of()));
        assertThat(sql).endsWith("-- nothing to do\n").doesNotContain("CREATE");
    }

    @Test
    void customVersionSchemaIsUsedEverywhere() {
        Revision r = Fixture.rev("a1", null, List.of("SELECT 1"), List.of());
        String sql = new OfflineRenderer(options.withVersionSchema("ops")).render(Fixture.upgrade(null, List.of(r)));
        assertThat(sql).contains("CREATE SCHEMA IF NOT EXISTS \"ops\";").contains("INSERT INTO \"ops\".version")
                .contains("pg_try_advisory_lock(" + MigrationLock.keyFor("ops") + ")").doesNotContain("\"convoy\"");
    }
}

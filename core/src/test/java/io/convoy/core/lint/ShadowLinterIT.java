package io.convoy.core.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.core.shadow.ShadowDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each lint rule, positive and negative, measured on a real shadow PostgreSQL 15 (one server for the class). */
class ShadowLinterIT {
    static ShadowDatabase shadow;
    static ShadowLinter linter;

    static final String BASE = """
            -- convoy:revision: b0
            -- convoy:message: base
            -- convoy:upgrade
            CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, n int, created_at timestamptz);
            CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint, total int NOT NULL);
            -- convoy:downgrade
            DROP TABLE orders;
            DROP TABLE users;
            """;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
        linter = new ShadowLinter(shadow, ApplyOptions.defaults(), Clock.systemUTC(), 200);
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static Revision rev(String text) {
        return RevisionParser.parse(text, Path.of("versions/test.sql"));
    }

    /** Revision t1 after b0 (and the extra revisions given), linted alone. */
    static LintReport lint(boolean transactional, String upgrade, String downgrade, String... between) {
        List<Revision> revs = new ArrayList<>();
        revs.add(rev(BASE));
        String parent = "b0";
        for (int i = 0; i < between.length; i++) {
            revs.add(rev("-- convoy:revision: m" + i + "\n-- convoy:down_revision: " + parent + "\n" + between[i]));
            parent = "m" + i;
        }
        revs.add(rev("-- convoy:revision: t1\n-- convoy:down_revision: " + parent + "\n-- convoy:transactional: " + transactional
                + "\n-- convoy:upgrade\n" + upgrade + "\n" + (downgrade == null ? "" : "-- convoy:downgrade\n" + downgrade + "\n")));
        return linter.lint(RevisionGraph.of(revs), "t1", r -> r.id().equals("t1"));
    }

    static LintReport lint(String upgrade) {
        return lint(true, upgrade, "SELECT 1;");
    }

    static List<String> rules(LintReport report) {
        return report.findings().stream().map(Finding::ruleId).distinct().sorted().toList();
    }

    static Finding first(LintReport report, Rule rule) {
        return report.findings().stream().filter(f -> f.rule() == rule).findFirst().orElseThrow(
                () -> new AssertionError(rule + " not in " + report.findings()));
    }

    @Nested
    class CV001 {
        @Test
        void rewriteOfAnExistingTableUnderAccessExclusive() {
            LintReport r = lint("ALTER TABLE users SET UNLOGGED;");
            Finding f = first(r, Rule.CV001);
            assertThat(f.relation()).contains("public.users");
            assertThat(f.lockMode()).contains("AccessExclusiveLock");
            assertThat(f.statement()).isEqualTo(1);
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(r.linted()).containsExactly("t1");
        }

        @Test
        void addingANullableColumnIsNoRewrite() {
            LintReport r = lint("ALTER TABLE users ADD COLUMN nick text;");
            assertThat(rules(r)).containsExactly("CV011");
            assertThat(r.worst()).contains(Severity.INFO);
        }
    }

    @Nested
    class CV002 {
        @Test
        void plainIndexOnAnExistingTable() {
            Finding f = first(lint("CREATE INDEX users_email_idx ON users (email);"), Rule.CV002);
            assertThat(f.relation()).contains("public.users");
            assertThat(f.lockMode()).contains("ShareLock");
        }

        @Test
        void indexOnATableOfTheSameRevisionOrConcurrently() {
            assertThat(rules(lint("CREATE TABLE tags (id int); CREATE INDEX tags_idx ON tags (id);"))).isEmpty();
            assertThat(rules(lint(false, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
                    "DROP INDEX CONCURRENTLY users_email_idx;"))).isEmpty();
        }
    }

    @Nested
    class CV003 {
        @Test
        void foreignKeyAndCheckAddedValid() {
            LintReport fk = lint("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);");
            assertThat(first(fk, Rule.CV003).relation()).contains("public.orders");
            assertThat(first(fk, Rule.CV003).lockMode()).contains("ShareRowExclusiveLock");
            LintReport check = lint("ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0);");
            assertThat(first(check, Rule.CV003).lockMode()).contains("AccessExclusiveLock");
        }

        @Test
        void validatedInTheSameTransactionAsAdded() {
            LintReport r = lint("ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0) NOT VALID;"
                    + " ALTER TABLE orders VALIDATE CONSTRAINT total_pos;");
            assertThat(first(r, Rule.CV003).statement()).isEqualTo(2);
        }

        @Test
        void notValidThenValidateSeparately() {
            assertThat(rules(lint("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;")))
                    .doesNotContain("CV003");
            LintReport r = lint(false, "ALTER TABLE orders VALIDATE CONSTRAINT total_pos;", "SELECT 1;",
                    "-- convoy:upgrade\nALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0) NOT VALID;\n-- convoy:downgrade\nSELECT 1;");
            assertThat(rules(r)).isEmpty();
        }
    }

    @Nested
    class CV004 {
        @Test
        void setNotNullScans() {
            Finding f = first(lint("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"), Rule.CV004);
            assertThat(f.lockMode()).contains("AccessExclusiveLock");
            assertThat(f.why()).contains("users.email");
        }

        @Test
        void setNotNullAfterAValidatedCheck() {
            LintReport r = lint(true, "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "SELECT 1;",
                    "-- convoy:upgrade\nALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n-- convoy:downgrade\nSELECT 1;",
                    "-- convoy:transactional: false\n-- convoy:upgrade\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\n-- convoy:downgrade\nSELECT 1;");
            assertThat(rules(r)).doesNotContain("CV004").containsExactly("CV011");
        }
    }

    @Nested
    class CV005 {
        @Test
        void volatileDefault() {
            Finding f = first(lint("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"), Rule.CV005);
            assertThat(f.lockMode()).contains("AccessExclusiveLock");
        }

        @Test
        void constantDefault() {
            assertThat(rules(lint("ALTER TABLE users ADD COLUMN flag int NOT NULL DEFAULT 0;"))).containsExactly("CV011");
        }
    }

    @Nested
    class CV006 {
        @Test
        void typeChangeThatRewrites() {
            assertThat(first(lint("ALTER TABLE orders ALTER COLUMN total TYPE bigint;"), Rule.CV006).relation()).contains("public.orders");
        }

        @Test
        void binaryCompatibleTypeChange() {
            assertThat(rules(lint("ALTER TABLE users ALTER COLUMN email TYPE varchar;"))).containsExactly("CV011");
        }
    }

    @Nested
    class CV007 {
        @Test
        void dropsAndRenames() {
            assertThat(first(lint("ALTER TABLE users DROP COLUMN n;"), Rule.CV007).why()).contains("users.n is dropped");
            assertThat(first(lint("ALTER TABLE orders RENAME TO purchases;"), Rule.CV007).why()).contains("renamed to public.purchases");
            assertThat(first(lint("ALTER TABLE users RENAME COLUMN n TO m;"), Rule.CV007).why()).contains("renamed to m");
            assertThat(first(lint("DROP TABLE orders;"), Rule.CV007).why()).contains("public.orders is dropped");
        }

        @Test
        void droppingWhatTheSameRevisionAdded() {
            assertThat(rules(lint("CREATE TABLE tmp (a int, b int); ALTER TABLE tmp DROP COLUMN b; DROP TABLE tmp;"))).isEmpty();
        }
    }

    @Nested
    class CV008 {
        @Test
        void concurrentlyInATransactionalRevision() {
            LintReport r = lint("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);");
            assertThat(rules(r)).contains("CV008", "CV010");
        }

        @Test
        void concurrentlyInANonTransactionalRevision() {
            assertThat(rules(lint(false, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);", "SELECT 1;"))).isEmpty();
        }
    }

    @Nested
    class CV009 {
        @Test
        void noDowngrade() {
            Finding f = first(lint(true, "CREATE TABLE t (a int);", null), Rule.CV009);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.statement()).isZero();
        }

        @Test
        void withDowngrade() {
            assertThat(rules(lint(true, "CREATE TABLE t (a int);", "DROP TABLE t;"))).isEmpty();
            Revision merge = rev("-- convoy:revision: mm\n-- convoy:down_revision: b0, x1\n-- convoy:upgrade\n-- a merge point only\n");
            assertThat(StaticRules.check(merge, java.util.Set.of())).as("a merge with nothing to undo").isEmpty();
        }
    }

    @Nested
    class CV010 {
        @Test
        void failingStatement() {
            Finding f = first(lint("ALTER TABLE nope ADD COLUMN x int;"), Rule.CV010);
            assertThat(f.why()).contains("42P01");
        }

        @Test
        void aBatchedBackfillRunsItsTemplateOnTheShadow() {
            LintReport r = lint(false, "-- convoy:batch: table=users key=id target_ms=100\nUPDATE users SET n = 1 WHERE {{batch}};",
                    "SELECT 1;");
            assertThat(rules(r)).doesNotContain("CV010", "CV012");
            LintReport broken = lint(false, "-- convoy:batch: table=users key=id\nUPDATE users SET nope = 1 WHERE {{batch}};",
                    "SELECT 1;");
            assertThat(first(broken, Rule.CV010).why()).contains("42703");
        }

        @Test
        void statementsThatWork() {
            assertThat(rules(lint("CREATE TABLE ok (a int);"))).doesNotContain("CV010");
        }
    }

    @Nested
    class CV011 {
        @Test
        void accessExclusiveWithoutRewrite() {
            Finding f = first(lint("ALTER TABLE users ALTER COLUMN n SET DEFAULT 5;"), Rule.CV011);
            assertThat(f.severity()).isEqualTo(Severity.INFO);
        }

        @Test
        void newTablesTakeNoLockOnExistingOnes() {
            assertThat(rules(lint("CREATE TABLE fresh (a int PRIMARY KEY);"))).isEmpty();
        }
    }

    @Nested
    class CV012 {
        @Test
        void wholeTableUpdate() {
            assertThat(first(lint("UPDATE users SET n = 0;"), Rule.CV012).relation()).contains("users");
        }

        @Test
        void updateWithWhere() {
            assertThat(rules(lint("UPDATE users SET n = 0 WHERE id = 1;"))).isEmpty();
        }
    }

    @Nested
    class CV013 {
        @Test
        void generatedRowsThatBreakTheRevisionAreTruncatedAndTheRevisionMeasuredAgain() {
            // 200 generated rows with total = 1..200 violate the CHECK: measured again on the emptied table
            LintReport r = lint("ALTER TABLE orders ADD CONSTRAINT small CHECK (total < 100);");
            assertThat(first(r, Rule.CV013).why()).contains("23514");
            assertThat(rules(r)).containsExactly("CV003", "CV013");
        }

        @Test
        void rowsThatFitTheRevision() {
            assertThat(rules(lint("ALTER TABLE orders ADD CONSTRAINT big CHECK (total < 100000);"))).containsExactly("CV003");
        }
    }
}

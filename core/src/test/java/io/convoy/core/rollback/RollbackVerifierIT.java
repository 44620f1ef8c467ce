package io.convoy.core.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.core.shadow.ShadowDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stairway on a real shadow PostgreSQL 15 (one server for the class). */
class RollbackVerifierIT {
    static ShadowDatabase shadow;
    static RollbackVerifier verifier;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
        verifier = new RollbackVerifier(shadow, ApplyOptions.defaults(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static Revision rev(String id, String down, String upgrade, String downgrade) {
        return RevisionParser.parse("-- convoy:revision: " + id + "\n" + (down == null ? "" : "-- convoy:down_revision: " + down + "\n")
                + "-- convoy:upgrade\n" + upgrade + "\n" + (downgrade == null ? "" : "-- convoy:downgrade\n" + downgrade + "\n"),
                Path.of("versions/" + id + ".sql"));
    }

    static final Revision BASE = rev("a1", null, "CREATE TABLE users (id int PRIMARY KEY, email text);", "DROP TABLE users;");

    @Test
    void catchesADowngradeThatForgetsAnIndex() {
        RevisionGraph graph = RevisionGraph.of(List.of(BASE,
                rev("b2", "a1", "CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN nick text;",
                        "ALTER TABLE users DROP COLUMN nick;"),
                rev("c3", "b2", "CREATE TABLE tags (id int);", "DROP TABLE tags;")));
        List<RollbackResult> results = verifier.verifyRange(graph, "base:head");
        // the leftover index also makes the second upgrade fail, so the stairway stops at b2
        assertThat(results).extracting(RollbackResult::revision).containsExactly("a1", "b2");
        assertThat(results.get(0).ok()).isTrue();
        RollbackResult bad = results.get(1);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.failure()).hasValueSatisfying(f -> assertThat(f).startsWith("upgrading again").contains("not verified"));
        assertThat(String.join("\n", bad.differences())).contains("users_email_idx");
        assertThat(bad.differences()).noneMatch(d -> d.contains("nick"));
    }

    @Test
    void aCompleteDowngradePasses() {
        RevisionGraph graph = RevisionGraph.of(List.of(BASE,
                rev("b2", "a1", "CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN nick text;",
                        "ALTER TABLE users DROP COLUMN nick;\nDROP INDEX users_email_idx;")));
        assertThat(verifier.verifyRange(graph, "a1:head")).singleElement().satisfies(r -> {
            assertThat(r.revision()).isEqualTo("b2");
            assertThat(r.ok()).isTrue();
        });
    }

    @Test
    void missingOrFailingDowngradesAreReported() {
        RevisionGraph graph = RevisionGraph.of(List.of(BASE,
                rev("b2", "a1", "CREATE TABLE tags (id int);", null),
                rev("c3", "b2", "CREATE TABLE notes (id int);", "DROP TABLE nothing_here;")));
        List<RollbackResult> results = verifier.verifyRange(graph, "a1:head");
        assertThat(results.get(0).failure()).hasValueSatisfying(f -> assertThat(f).contains("no -- convoy:downgrade"));
        assertThat(results.get(1).failure()).hasValueSatisfying(f -> assertThat(f).contains("downgrade failed").contains("nothing_here"));
    }
}

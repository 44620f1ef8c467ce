package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convoy lint} and {@code convoy verify-rollback}, in-process; each run starts its own shadow PostgreSQL. */
class LintCommandsIT {
    @TempDir
    Path tmp;

    static final String BASE = """
            -- convoy:revision: a1
            -- convoy:message: users
            -- convoy:upgrade
            CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);
            -- convoy:downgrade
            DROP TABLE users;
            """;

    Path project(String... revisions) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("p" + System.nanoTime()));
        Path versions = Files.createDirectories(dir.resolve("versions"));
        Files.writeString(versions.resolve("a1_users.sql"), BASE);
        for (int i = 0; i < revisions.length; i++) {
            Files.writeString(versions.resolve("r" + i + ".sql"), revisions[i]);
        }
        return dir;
    }

    static CliRun convoy(Path dir, String... args) {
        return CliRun.run(dir, Map.of(), args);
    }

    @Test
    void lintExitCodesFollowTheWorstSeverity() throws IOException {
        Path clean = project("""
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:upgrade
                ALTER TABLE users ADD COLUMN nick text;
                -- convoy:downgrade
                ALTER TABLE users DROP COLUMN nick;
                """);
        CliRun info = convoy(clean, "lint", "--rows", "50");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.out()).contains("info    CV011 b2 #1 public.users AccessExclusiveLock (measured")
                .contains("Linted 2 revisions: 0 error(s), 0 warning(s), 1 info");

        Path warned = project("""
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:upgrade
                CREATE TABLE tags (id int);
                """);
        CliRun warning = convoy(warned, "lint", "b2");
        assertThat(warning.exitCode()).as(warning.toString()).isEqualTo(3);
        assertThat(warning.out()).contains("warning CV009 b2 (static").contains("Linted 1 revision:");
    }

    @Test
    void lintErrorsAsJsonExitWithMig007() throws IOException {
        Path bad = project("""
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:upgrade
                CREATE INDEX users_email_idx ON users (email);
                -- convoy:downgrade
                DROP INDEX users_email_idx;
                """);
        CliRun run = convoy(bad, "lint", "a1:head", "--format", "json");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(17);
        assertThat(run.err()).startsWith("MIG007: lint found 1 error-level finding in b2");
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("linted").toString()).isEqualTo("[\"b2\"]");
        assertThat(json.get("worst").asText()).isEqualTo("error");
        JsonNode f = json.get("findings").get(0);
        assertThat(f.get("rule").asText()).isEqualTo("CV002");
        assertThat(f.get("kind").asText()).isEqualTo("measured");
        assertThat(f.get("relation").asText()).isEqualTo("public.users");
        assertThat(f.get("lock_mode").asText()).isEqualTo("ShareLock");
        assertThat(f.get("statement").asInt()).isEqualTo(1);
        assertThat(f.get("fix").asText()).contains("CONCURRENTLY");

        CliRun badArg = convoy(bad, "lint", "zz9");
        assertThat(badArg.exitCode()).isEqualTo(21);
    }

    @Test
    void verifyRollbackNamesTheRevisionWhoseDowngradeForgetsAnIndex() throws IOException {
        Path good = project("""
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:transactional: false
                -- convoy:upgrade
                CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
                -- convoy:downgrade
                DROP INDEX CONCURRENTLY users_email_idx;
                """);
        CliRun ok = convoy(good, "verify-rollback");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("ok   a1\nok   b2\nVerified 2 revisions: 2 ok, 0 failed");

        Path bad = project("""
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:upgrade
                CREATE INDEX users_email_idx ON users (email);
                ALTER TABLE users ADD COLUMN nick text;
                -- convoy:downgrade
                ALTER TABLE users DROP COLUMN nick;
                """);
        CliRun fail = convoy(bad, "verify-rollback", "a1:head");
        assertThat(fail.exitCode()).as(fail.toString()).isEqualTo(18);
        assertThat(fail.out()).contains("FAIL b2").contains("users_email_idx");
        assertThat(fail.err()).startsWith("MIG008: the downgrade of b2 does not restore the schema");
    }
}

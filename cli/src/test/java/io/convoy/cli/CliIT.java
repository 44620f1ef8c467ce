package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.testkit.postgres.PostgresCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The convoy verbs, run in-process against a real PostgreSQL 15 with the example project. */
class CliIT {
    static final String HEAD = "ab6e2c4d8f59";
    static PostgresCluster pg;
    static Path example;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.start();
        example = TestProjects.example();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    static String newDatabase(String name) {
        pg.createDatabase(name);
        return pg.jdbcUrl(name);
    }

    static CliRun convoy(Path dir, String url, String... args) {
        return CliRun.run(dir, url == null ? Map.of() : Map.of("CONVOY_URL", url), args);
    }

    static CliRun ok(Path dir, String url, String... args) {
        CliRun r = convoy(dir, url, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    @Test
    void upgradeCurrentHistoryCheckDowngradeAndUpgradeAgainGiveIdenticalCatalogs() throws SQLException {
        String url = newDatabase("roundtrip");
        String empty = Catalog.fingerprint(url);

        CliRun up = ok(example, url, "upgrade", "head");
        assertThat(up.out()).contains("→ upgrade 1f0c6a2d9b41 create sites SCRAPE-101 … applied in ")
                .contains("→ upgrade 6d2c8e4f7a15 index page search and fetch time without blocking writers SCRAPE-111 … applied in ")
                .contains("Now at " + HEAD);
        assertThat(up.out().lines().filter(l -> l.startsWith("→ upgrade"))).hasSize(10);

        assertThat(ok(example, url, "current").out()).isEqualTo(HEAD + " (head)\n");
        CliRun history = ok(example, url, "history");
        assertThat(history.out().lines()).hasSize(10);
        assertThat(history.out()).startsWith("9a5f1b3c7d48 -> " + HEAD + " (search) (head), crawl schedules per site SCRAPE-131\n")
                .contains("6d2c8e4f7a15, 8c4e0f2a6b37 -> 9a5f1b3c7d48 (search) (mergepoint), merge search and encryption keys SCRAPE-130\n")
                .contains("3c5d0e8f1a27 -> 4a9b2c7d6e13 (branchpoint), create pages SCRAPE-104\n")
                .contains("4a9b2c7d6e13 -> 5e1f3a8b0c94 (search), full-text search vector on pages SCRAPE-110\n")
                .contains("7b3a9d1e5c26 (5e1f3a8b0c94) -> 8c4e0f2a6b37, saved searches over page search vectors SCRAPE-121\n")
                .endsWith("<base> -> 1f0c6a2d9b41, create sites SCRAPE-101\n");
        CliRun verbose = ok(example, url, "history", "--verbose", "-r", "4a9b2c7d6e13:5e1f3a8b0c94");
        assertThat(verbose.out()).contains("Rev: 5e1f3a8b0c94").contains("Branch names: search")
                .containsPattern("Applied: applied \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by \\S+@\\S+ in \\d")
                .contains("matches the file");

        CliRun check = ok(example, url, "check");
        assertThat(check.out()).contains("OK: at head");
        String upgraded = Catalog.fingerprint(url);
        assertThat(upgraded).contains("index public.ix_pages_search valid=true").contains("function public.run_saved_search(p_search_id bigint, p_limit integer)");

        CliRun down = ok(example, url, "downgrade", "base");
        assertThat(down.out()).contains("→ downgrade " + HEAD).contains("→ downgrade 1f0c6a2d9b41").contains("Now at <base>");
        assertThat(ok(example, url, "current").out()).isEmpty();
        assertThat(Catalog.count(url, "select count(*) from information_schema.tables where table_schema = 'public'")).isZero();

        ok(example, url, "upgrade", "head");
        assertThat(Catalog.fingerprint(url)).isEqualTo(upgraded).isNotEqualTo(empty);
        assertThat(ok(example, url, "check").exitCode()).isZero();
    }

    @Test
    void offlineSqlThroughPsqlGivesTheSameCatalogAsOnline() throws Exception {
        String online = newDatabase("online_twin");
        String offline = newDatabase("offline_twin");
        ok(example, online, "upgrade", "head");

        CliRun sql = ok(example, null, "upgrade", "--sql", "base:head");
        assertThat(sql.out()).contains("CREATE INDEX CONCURRENTLY ix_pages_search").doesNotContain("→");
        Path script = tmp.resolve("upgrade.sql");
        Files.writeString(script, sql.out(), StandardCharsets.UTF_8);
        psql("offline_twin", script);

        assertThat(Catalog.fingerprint(offline)).isEqualTo(Catalog.fingerprint(online));
        assertThat(ok(example, offline, "current").out()).isEqualTo(HEAD + " (head)\n");
        assertThat(ok(example, offline, "check").out()).contains("OK: at head");

        CliRun downSql = ok(example, null, "downgrade", "--sql", "head:base");
        Path downScript = tmp.resolve("downgrade.sql");
        Files.writeString(downScript, downSql.out(), StandardCharsets.UTF_8);
        psql("offline_twin", downScript);
        ok(example, online, "downgrade", "base");
        assertThat(Catalog.fingerprint(offline)).isEqualTo(Catalog.fingerprint(online));
    }

    private static void psql(String database, Path script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-d", "postgresql://postgres@127.0.0.1:" + pg.port() + "/" + database, "-f", script.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("psql output:\n" + output).isZero();
    }

    @Test
    void malformedRevisionFileIsMig010NamingFileAndLineAndNothingIsApplied() throws Exception {
        Path project = TestProjects.copyOfExample(tmp.resolve("malformed"));
        Path bad = TestProjects.revisionFile(project, "3c5d0e8f1a27");
        List<String> lines = new ArrayList<>(Files.readAllLines(bad));
        int line = lines.indexOf("-- convoy:upgrade") + 2; // 1-based line of the statement after the marker
        lines.set(line - 1, "CREATE TYPE crawl_status AS ENUM ('queued, 'running');  -- quote left open: $$");
        Files.write(bad, lines);
        String url = newDatabase("malformed");

        CliRun r = convoy(project, url, "upgrade", "head");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(20);
        assertThat(r.err()).startsWith("MIG010: ").contains(bad.getFileName().toString()).containsPattern(":\\d+");
        assertThat(r.out()).doesNotContain("→");
        assertThat(Catalog.count(url, "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')")).isZero();
    }

    @Test
    void checkAfterEditingAnAppliedFileIsMig004AndUpgradeRefusesToBuildOnIt() throws Exception {
        Path project = TestProjects.copyOfExample(tmp.resolve("drift"));
        String url = newDatabase("drift");
        ok(project, url, "upgrade", "4a9b2c7d6e13");
        Path edited = TestProjects.revisionFile(project, "3c5d0e8f1a27");
        Files.writeString(edited, Files.readString(edited).replace("DEFAULT 1000", "DEFAULT 500"));

        CliRun check = convoy(project, url, "check");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(14);
        assertThat(check.out()).contains("MIG004 3c5d0e8f1a27 changed since it was applied").contains(edited.getFileName().toString());
        assertThat(check.err()).startsWith("MIG004: ");

        CliRun up = convoy(project, url, "upgrade", "head");
        assertThat(up.exitCode()).isEqualTo(14);
        assertThat(ok(project, url, "current").out()).isEqualTo("4a9b2c7d6e13 (branchpoint)\n");
    }

    @Test
    void severalHeadsMakeCheckExit11AndUpgradeHeadRefuseWithMig001() throws IOException {
        Path project = TestProjects.copyOfExample(tmp.resolve("two_heads"));
        Files.delete(TestProjects.revisionFile(project, "ab6e2c4d8f59"));
        Files.delete(TestProjects.revisionFile(project, "9a5f1b3c7d48"));
        String url = newDatabase("two_heads");
        CliRun head = convoy(project, url, "upgrade", "head");
        assertThat(head.exitCode()).as(head.toString()).isEqualTo(11);
        assertThat(head.err()).startsWith("MIG001: ").contains("6d2c8e4f7a15").contains("8c4e0f2a6b37");
        ok(project, url, "upgrade", "heads");
        assertThat(ok(project, url, "current").out()).isEqualTo("6d2c8e4f7a15 (head)\n8c4e0f2a6b37 (head)\n");
        CliRun check = convoy(project, url, "check");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(11);
        assertThat(check.out()).contains("MIG001 several heads: 6d2c8e4f7a15, 8c4e0f2a6b37");
    }

    @Test
    void checkReportsBehindHeadAs15() {
        String url = newDatabase("behind");
        ok(example, url, "upgrade", "7b3a9d1e5c26");
        CliRun check = convoy(example, url, "check");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(15);
        assertThat(check.out()).contains("MIG005 not at head");
    }

    @Test
    void partialUpgradesByLabelAndRelativeStepsThenStampAndAlembicAdoption() throws SQLException {
        String url = newDatabase("partial");
        ok(example, url, "upgrade", "5e1f3a8b0c94+1");
        assertThat(ok(example, url, "current").out()).isEqualTo("6d2c8e4f7a15\n");
        ok(example, url, "upgrade", "heads");
        ok(example, url, "downgrade", "-1");
        assertThat(ok(example, url, "current").out()).isEqualTo("9a5f1b3c7d48 (mergepoint)\n");
        CliRun history = ok(example, url, "history", "-i");
        assertThat(history.out()).contains("-> 9a5f1b3c7d48 (search) (current) (mergepoint)");

        String stamped = newDatabase("stamped");
        ok(example, stamped, "stamp", "head");
        assertThat(ok(example, stamped, "current").out()).isEqualTo(HEAD + " (head)\n");
        assertThat(Catalog.count(stamped, "select count(*) from information_schema.tables where table_schema = 'public'")).isZero();
        ok(example, stamped, "stamp", "base");
        assertThat(ok(example, stamped, "current").out()).isEmpty();

        String alembic = newDatabase("from_alembic");
        Catalog.execute(alembic, "create table alembic_version (version_num varchar(32) primary key); insert into alembic_version values ('4a9b2c7d6e13')");
        CliRun adopt = ok(example, alembic, "stamp", "--from-alembic");
        assertThat(adopt.out()).contains("4a9b2c7d6e13").contains("alembic_version");
        assertThat(ok(example, alembic, "current").out()).isEqualTo("4a9b2c7d6e13 (branchpoint)\n");

        CliRun unknown = convoy(example, url, "upgrade", "deadbeef0000");
        assertThat(unknown.exitCode()).isEqualTo(21);
        assertThat(unknown.err()).startsWith("MIG011: ").contains("deadbeef0000");
    }

    @Test
    void aPasswordInTheUrlNeverAppearsInAnyOutput() throws Exception {
        String secret = "Pw9f8e7dSecret";
        pg.createDatabase("secret_db");
        Catalog.execute(pg.jdbcUrl("secret_db"), "create role app_owner login superuser password '" + secret + "'");
        String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/secret_db?user=app_owner&password=" + secret;
        String userinfoUrl = "jdbc:postgresql://app_owner:" + secret + "@127.0.0.1:1/secret_db";
        List<CliRun> runs = new ArrayList<>();
        runs.add(convoy(example, url, "config"));
        runs.add(convoy(example, url, "upgrade", "head", "--verbose"));
        runs.add(convoy(example, url, "current", "--verbose"));
        runs.add(convoy(example, url, "history", "--verbose"));
        runs.add(convoy(example, url, "check", "-v"));
        runs.add(convoy(example, url, "downgrade", "no_such_rev", "-v"));
        runs.add(convoy(example, null, "current", "-v", "--url", url.replace(":" + pg.port() + "/", ":1/")));
        runs.add(convoy(example, null, "current", "--url", userinfoUrl));
        runs.add(convoy(example, null, "config", "--url", userinfoUrl));
        runs.add(CliRun.run(example, Map.of("CONVOY_PASSWORD", secret, "CONVOY_URL", pg.jdbcUrl("secret_db")), "config"));
        runs.add(convoy(example, null, "config", "--url", "not-a-jdbc-url?password=" + secret));
        assertThat(runs.get(1).exitCode()).as(runs.get(1).toString()).isZero();
        assertThat(runs.get(6).exitCode()).as(runs.get(6).toString()).isEqualTo(31);
        for (CliRun r : runs) {
            assertThat(r.all()).as(r.toString()).doesNotContain(secret);
        }
        assertThat(runs.get(0).out()).contains("password=****");
    }
}

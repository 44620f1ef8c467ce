package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authoring verbs (revision, merge, heads, branches, show, history): files only, no database. */
class AuthoringTest {
    @TempDir
    Path tmp;

    static CliRun convoy(Path dir, String url, String... args) {
        return CliRun.run(dir, Map.of(), args);
    }

    static CliRun ok(Path dir, String url, String... args) {
        CliRun r = convoy(dir, url, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    @Test
    void revisionWithSeveralHeadsIsMig001NamingTheHeadsThenHeadAndMergeResolveIt() throws IOException {
        Path project = TestProjects.copyOfExample(tmp.resolve("branchy"));
        Files.delete(TestProjects.revisionFile(project, "ab6e2c4d8f59"));
        Files.delete(TestProjects.revisionFile(project, "9a5f1b3c7d48"));

        assertThat(ok(project, null, "heads").out()).isEqualTo("6d2c8e4f7a15 (search) (head)\n8c4e0f2a6b37 (head)\n");
        CliRun r = convoy(project, null, "revision", "-m", "add robots rules SCRAPE-200");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(11);
        assertThat(r.err()).startsWith("MIG001: ").contains("6d2c8e4f7a15").contains("8c4e0f2a6b37")
                .contains("hint: merge the heads");
        assertThat(ok(project, null, "branches").out()).contains("4a9b2c7d6e13 (branchpoint)")
                .contains(" -> 5e1f3a8b0c94 (search)").contains(" -> 7b3a9d1e5c26");

        CliRun notHead = convoy(project, null, "revision", "-m", "SCRAPE-201 x", "--head", "4a9b2c7d6e13");
        assertThat(notHead.exitCode()).isEqualTo(30);
        assertThat(notHead.err()).contains("not a head").contains("--splice");

        CliRun onSearch = ok(project, null, "revision", "-m", "robots rules SCRAPE-201", "--head", "search@head", "--rev-id", "c0ffee000001");
        assertThat(onSearch.out()).contains("Generating ").contains("c0ffee000001_robots_rules_scrape_201.sql");
        assertThat(ok(project, null, "show", "c0ffee").out()).contains("Rev: c0ffee000001 (head)").contains("Parent: 6d2c8e4f7a15");

        CliRun noTicket = convoy(project, null, "revision", "-m", "no ticket here", "--head", "search@head");
        assertThat(noTicket.exitCode()).isEqualTo(30);
        assertThat(noTicket.err()).contains("SCRAPE-[0-9]+");

        ok(project, null, "merge", "-m", "merge robots and keys SCRAPE-202", "--rev-id", "c0ffee000002");
        assertThat(ok(project, null, "heads").out()).isEqualTo("c0ffee000002 (search) (head)\n");
        assertThat(ok(project, null, "show", "c0ffee000002").out()).contains("Merges: 8c4e0f2a6b37, c0ffee000001");
    }

    @Test
    void initThenFirstRevisionsBuildALinearHistory() throws IOException {
        Path project = tmp.resolve("fresh");
        ok(tmp, null, "init", "fresh");
        ok(project, null, "revision", "-m", "first", "--rev-id", "000000000001");
        ok(project, null, "revision", "-m", "second", "--rev-id", "000000000002", "--non-transactional");
        ok(project, null, "revision", "-m", "other root", "--head", "base", "--branch-label", "billing", "--rev-id", "000000000003");
        assertThat(ok(project, null, "heads").out()).isEqualTo("000000000002 (head)\n000000000003 (billing) (head)\n");
        assertThat(ok(project, null, "show", "000000000002").out()).contains("Transactional: no");
        CliRun dup = convoy(project, null, "revision", "-m", "again", "--head", "000000000002", "--branch-label", "billing");
        assertThat(dup.exitCode()).isEqualTo(30);
        assertThat(dup.err()).contains("billing").contains("000000000003");
        CliRun merged = ok(project, null, "merge", "-m", "join");
        assertThat(merged.out()).contains("merges 000000000002, 000000000003");
        assertThat(convoy(project, null, "merge", "-m", "nothing left").err()).contains("nothing to merge");
        ok(project, null, "revision", "-m", "needs billing", "--depends-on", "billing", "--rev-id", "000000000004");
        assertThat(ok(project, null, "show", "000000000004").out()).contains("Also depends on: 000000000003");
        assertThat(Files.readString(project.resolve("versions").resolve("000000000004_needs_billing.sql")))
                .contains("-- convoy:depends_on: 000000000003");
        CliRun badDependency = convoy(project, null, "revision", "-m", "x", "--depends-on", "nope");
        assertThat(badDependency.exitCode()).isEqualTo(21);
        assertThat(ok(project, null, "history", "-r", "000000000001:000000000002").out())
                .isEqualTo("000000000001 -> 000000000002, second\n<base> -> 000000000001, first\n");
        CliRun unknown = convoy(project, null, "show", "ffff");
        assertThat(unknown.exitCode()).isEqualTo(21);
        assertThat(unknown.err()).startsWith("MIG011: ");
    }
}

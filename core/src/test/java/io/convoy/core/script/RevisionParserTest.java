package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevisionParserTest {
    private static final Path FILE = Path.of("versions/3f2a9c1b7d4e_add_users.sql");

    private static final String FULL = """
            -- convoy:revision: 3f2a9c1b7d4e
            -- convoy:down_revision: 1a2b3c4d5e6f, 9f8e7d6c5b4a
            -- Ordinary comments and blank lines may stand among the headers.

            -- convoy:branch_labels: billing, core_2
            -- convoy:depends_on: 9c8b7a6d5e4f
            -- convoy:message: add user table TICKET-123: with a colon
            -- convoy:transactional: false
            -- convoy:lock_timeout: 5s
            -- convoy:statement_timeout: 10min

            -- convoy:upgrade
            CREATE TABLE users (id bigint PRIMARY KEY, name text DEFAULT 'a;b');
            CREATE INDEX CONCURRENTLY users_name ON users (name);

            -- convoy:downgrade
            DROP TABLE users;
            """;

    @Test
    void parsesEveryHeaderAndBothSections() {
        Revision r = RevisionParser.parse(FULL, FILE);
        assertThat(r.id()).isEqualTo("3f2a9c1b7d4e");
        assertThat(r.downRevisions()).containsExactly("1a2b3c4d5e6f", "9f8e7d6c5b4a");
        assertThat(r.isMerge()).isTrue();
        assertThat(r.branchLabels()).containsExactlyInAnyOrder("billing", "core_2");
        assertThat(r.dependsOn()).containsExactly("9c8b7a6d5e4f");
        assertThat(r.message()).isEqualTo("add user table TICKET-123: with a colon");
        assertThat(r.transactional()).isFalse();
        assertThat(r.lockTimeout()).contains(Duration.ofSeconds(5));
        assertThat(r.statementTimeout()).contains(Duration.ofMinutes(10));
        assertThat(r.upgrade()).containsExactly(
                "CREATE TABLE users (id bigint PRIMARY KEY, name text DEFAULT 'a;b')",
                "CREATE INDEX CONCURRENTLY users_name ON users (name)");
        assertThat(r.downgrade()).containsExactly("DROP TABLE users");
        assertThat(r.hasDowngrade()).isTrue();
        assertThat(r.source()).isEqualTo(FILE);
        assertThat(r.checksum()).isEqualTo(Checksums.sha256Hex(Checksums.normalize(FULL))).hasSize(64);
        assertThat(r.headerLines()).isEqualTo(Map.of(
                "revision", 1, "down_revision", 2, "branch_labels", 5, "depends_on", 6, "message", 7,
                "transactional", 8, "lock_timeout", 9, "statement_timeout", 10, "upgrade", 12, "downgrade", 16));
        assertThat(r.location("message")).isEqualTo(FILE + ":7");
    }

    @Test
    void minimalFileGetsDefaults() {
        Revision r = RevisionParser.parse("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1", FILE);
        assertThat(r.downRevisions()).isEmpty();
        assertThat(r.isBase()).isTrue();
        assertThat(r.branchLabels()).isEmpty();
        assertThat(r.dependsOn()).isEmpty();
        assertThat(r.message()).isEmpty();
        assertThat(r.transactional()).isTrue();
        assertThat(r.lockTimeout()).isEmpty();
        assertThat(r.statementTimeout()).isEmpty();
        assertThat(r.upgrade()).containsExactly("select 1");
        assertThat(r.downgrade()).isEmpty();
        assertThat(r.hasDowngrade()).isFalse();
    }

    @Test
    void emptyDowngradeSectionIsAllowed() {
        Revision r = RevisionParser.parse("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:downgrade\n-- nothing to undo\n", FILE);
        assertThat(r.hasDowngrade()).isTrue();
        assertThat(r.downgrade()).isEmpty();
    }

    @Test
    void crlfBomAndSpacingVariantsParseTheSame() {
        String unix = "-- convoy:revision: a1\n-- convoy:message: hi\n-- convoy:upgrade\nselect 1;\n";
        String windows = "\uFEFF" + unix.replace("\n", "\r\n");
        Revision a = RevisionParser.parse(unix, FILE);
        Revision b = RevisionParser.parse(windows, FILE);
        assertThat(b.id()).isEqualTo("a1");
        assertThat(b.message()).isEqualTo("hi");
        assertThat(b.upgrade()).isEqualTo(a.upgrade());
        assertThat(b.checksum()).isEqualTo(a.checksum());
        Revision spaced = RevisionParser.parse("  --convoy:revision:a1   \n--   convoy:upgrade  \nselect 1;\n", FILE);
        assertThat(spaced.id()).isEqualTo("a1");
        assertThat(spaced.headerLines()).containsEntry("upgrade", 2);
    }

    @Test
    void checksumChangesWithSqlOrHeadersButNotWithWhitespaceAtLineEnds() {
        String base = "-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n";
        String same = RevisionParser.parse(base, FILE).checksum();
        assertThat(RevisionParser.parse(base.replace("\n", "   \n") + "\n\n\n", FILE).checksum()).isEqualTo(same);
        assertThat(RevisionParser.parse(base.replace("select 1", "select 2"), FILE).checksum()).isNotEqualTo(same);
        assertThat(RevisionParser.parse("-- convoy:message: m\n" + base, FILE).checksum()).isNotEqualTo(same);
    }

    @Test
    void statementLineErrorsNameTheFileLine() {
        assertMig010("-- convoy:revision: a1\n\n-- convoy:upgrade\nselect 1;\nselect 'oops;\n")
                .hasMessage(FILE + ":5: unterminated quoted string: the quote opened here is never closed");
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:downgrade\n\n/* open\n")
                .hasMessageStartingWith(FILE + ":6: unterminated /* comment");
    }

    @Test
    void sectionsEndAtTheNextMarkerNotAtSqlBoundaries() {
        // an unterminated string in upgrade does not run into the downgrade section
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 'x\n-- convoy:downgrade\nselect 'x';\n")
                .hasMessageStartingWith(FILE + ":3: unterminated quoted string");
    }

    @Test
    void unknownHeaderKeyListsTheKnownOnes() {
        assertMig010("-- convoy:revision: a1\n-- convoy:lock-timeout: 5s\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":2: unknown header -- convoy:lock-timeout; known headers: revision, down_revision,"
                        + " branch_labels, depends_on, message, transactional, lock_timeout, statement_timeout;"
                        + " sections: upgrade, downgrade");
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:xyz\n")
                .hasMessageStartingWith(FILE + ":4: unknown header -- convoy:xyz; known headers: revision,");
        assertMig010("-- CONVOY:Revision: a1\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":1: unknown header -- convoy:Revision;");
    }

    @Test
    void malformedHeaderLines() {
        assertMig010("-- convoy:revision\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":1: malformed header line: expected -- convoy:revision: <value>");
        assertMig010("-- convoy:revision 3f2a\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":1: malformed header line: expected -- convoy:revision: <value>");
        assertMig010("-- convoy:revision:   \n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":1: header -- convoy:revision: has no value (omit the line if there is none)");
        assertMig010("-- convoy: revision: a1\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":1: malformed convoy line: expected -- convoy:<key>: <value>");
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade: now\nselect 1;")
                .hasMessage(FILE + ":2: malformed section marker: -- convoy:upgrade takes nothing after it");
    }

    @Test
    void duplicateHeaderNamesBothLines() {
        assertMig010("-- convoy:revision: a1\n-- convoy:message: x\n\n-- convoy:message: y\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":4: duplicate header -- convoy:message: (first at line 2)");
    }

    @Test
    void missingRevisionHeader() {
        assertMig010("-- convoy:message: x\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":1: missing required header -- convoy:revision: <the revision id>");
    }

    @Test
    void missingUpgradeSection() {
        assertMig010("-- convoy:revision: a1\n-- convoy:message: x\n")
                .hasMessageStartingWith(FILE + ":1: missing -- convoy:upgrade section");
    }

    @Test
    void duplicateSections() {
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:upgrade\nselect 2;")
                .hasMessage(FILE + ":4: duplicate section -- convoy:upgrade (first at line 2)");
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:downgrade\n-- convoy:downgrade\n")
                .hasMessage(FILE + ":5: duplicate section -- convoy:downgrade (first at line 4)");
    }

    @Test
    void downgradeBeforeUpgrade() {
        assertMig010("-- convoy:revision: a1\n-- convoy:downgrade\nselect 1;\n-- convoy:upgrade\nselect 2;")
                .hasMessage(FILE + ":2: -- convoy:downgrade must come after -- convoy:upgrade");
    }

    @Test
    void headerInsideASection() {
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n-- convoy:message: late\n")
                .hasMessage(FILE + ":4: header -- convoy:message: stands inside the upgrade section;"
                        + " headers must all come before -- convoy:upgrade");
    }

    @Test
    void sqlBeforeTheUpgradeSection() {
        assertMig010("-- convoy:revision: a1\n\ncreate table t (id int);\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":3: SQL text before -- convoy:upgrade: only headers, -- comments and blank lines may come before it");
        assertMig010("/* licence */\n-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":1: SQL text before -- convoy:upgrade");
    }

    @Test
    void emptyUpgradeSection() {
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\n-- TODO\n;\n-- convoy:downgrade\nselect 1;")
                .hasMessage(FILE + ":2: the -- convoy:upgrade section holds no SQL statement");
    }

    @Test
    void mergeRevisionMayHaveAnEmptyUpgradeSection() {
        Revision r = RevisionParser.parse("-- convoy:revision: m1\n-- convoy:down_revision: a1, b1\n-- convoy:upgrade\n-- convoy:downgrade\n", FILE);
        assertThat(r.isMerge()).isTrue();
        assertThat(r.upgrade()).isEmpty();
        assertMig010("-- convoy:revision: m1\n-- convoy:down_revision: a1\n-- convoy:upgrade\n-- convoy:downgrade\n")
                .hasMessage(FILE + ":3: the -- convoy:upgrade section holds no SQL statement");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3f2a-9c", "a b", "x.y", "head", "HEADS", "base", "current", "a@b", "a+1",
        "12345678901234567890123456789012345678901234567890123456789012345"})
    void invalidRevisionIds(String id) {
        assertMig010("-- convoy:revision: " + id + "\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":1: invalid -- convoy:revision: '" + id + "' is not a valid revision id");
    }

    @Test
    void validIdsIncludeUnderscoresAndAllDigits() {
        assertThat(RevisionParser.parse("-- convoy:revision: 0001_init\n-- convoy:upgrade\nselect 1;", FILE).id()).isEqualTo("0001_init");
        assertThat(RevisionParser.parse("-- convoy:revision: 123456789012\n-- convoy:upgrade\nselect 1;", FILE).id()).isEqualTo("123456789012");
    }

    @Test
    void invalidListsAndLabels() {
        assertMig010("-- convoy:revision: a1\n-- convoy:down_revision: b1,,c1\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":2: invalid -- convoy:down_revision: empty item in comma-separated list 'b1,,c1'");
        assertMig010("-- convoy:revision: a1\n-- convoy:down_revision: b1, \n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:down_revision: empty item");
        assertMig010("-- convoy:revision: a1\n-- convoy:depends_on: b1, b1\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":2: invalid -- convoy:depends_on: 'b1' is listed twice");
        assertMig010("-- convoy:revision: a1\n-- convoy:branch_labels: 1billing\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:branch_labels: '1billing' is not a valid branch label");
        assertMig010("-- convoy:revision: a1\n-- convoy:branch_labels: ok, bad-label\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:branch_labels: 'bad-label' is not a valid branch label");
        assertMig010("-- convoy:revision: a1\n-- convoy:branch_labels: head\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:branch_labels: 'head' is not a valid branch label: it is a reserved word");
    }

    @Test
    void invalidBooleanAndDurations() {
        assertMig010("-- convoy:revision: a1\n-- convoy:transactional: yes\n-- convoy:upgrade\nselect 1;")
                .hasMessage(FILE + ":2: invalid -- convoy:transactional: 'yes' is not a boolean: use true or false");
        assertMig010("-- convoy:revision: a1\n-- convoy:lock_timeout: 5 seconds\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:lock_timeout: '5 seconds' is not a duration");
        assertMig010("-- convoy:revision: a1\n-- convoy:statement_timeout: -1s\n-- convoy:upgrade\nselect 1;")
                .hasMessageStartingWith(FILE + ":2: invalid -- convoy:statement_timeout: '-1s' is not a duration");
    }

    @Test
    void transactionalIsCaseInsensitive() {
        assertThat(RevisionParser.parse("-- convoy:revision: a1\n-- convoy:transactional: FALSE\n-- convoy:upgrade\nselect 1;", FILE)
                .transactional()).isFalse();
        assertThat(RevisionParser.parse("-- convoy:revision: a1\n-- convoy:transactional: true\n-- convoy:upgrade\nselect 1;", FILE)
                .transactional()).isTrue();
    }

    @Test
    void aConvoyMarkerInsideSqlIsStillAMarker() {
        // documented limitation: markers are found line by line, even inside a dollar-quoted body
        assertMig010("-- convoy:revision: a1\n-- convoy:upgrade\nselect $$\n-- convoy:downgrade\n$$;")
                .hasMessageStartingWith(FILE + ":3: unterminated dollar-quoted string");
    }

    @Test
    void parsesAFileAsUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a1_x.sql");
        Files.writeString(file, "-- convoy:revision: a1\n-- convoy:message: café ☕\n-- convoy:upgrade\nselect 'é';\n", StandardCharsets.UTF_8);
        Revision r = RevisionParser.parse(file);
        assertThat(r.message()).isEqualTo("café ☕");
        assertThat(r.upgrade()).containsExactly("select 'é'");
        assertThat(r.source()).isEqualTo(file);
    }

    @Test
    void invalidUtf8AndMissingFilesAreErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.sql");
        Files.write(file, new byte[] {'-', '-', ' ', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> RevisionParser.parse(file))
                .isInstanceOf(ConvoyException.class)
                .hasMessage(file + ": not valid UTF-8 text");
        Path missing = dir.resolve("missing.sql");
        assertThatThrownBy(() -> RevisionParser.parse(missing))
                .isInstanceOf(ConvoyException.class)
                .hasMessageStartingWith(missing + ": cannot read the revision file");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMig010(String text) {
        return assertThatThrownBy(() -> RevisionParser.parse(text, FILE))
                .isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG010));
    }
}

package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptDirectoryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T23:30:09Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private ScriptDirectory scripts() {
        return new ScriptDirectory(dir, FileNameTemplate.defaults(), CLOCK);
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String minimal(String id) {
        return "-- convoy:revision: " + id + "\n-- convoy:upgrade\nselect 1;\n";
    }

    private static NewRevision spec(Optional<String> id, String message) {
        return new NewRevision(id, message, List.of(), Set.of(), List.of(), true, Optional.empty(), Optional.empty());
    }

    private List<String> allNames() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void loadParsesOnlySqlFilesDirectlyInTheDirectoryInFileNameOrder() throws IOException {
        write("b_second.sql", minimal("b2"));
        write("a_first.sql", minimal("a1"));
        write("C_upper.sql", minimal("c3"));
        write(".hidden.sql", "garbage");
        write("notes.md", "garbage");
        write("upper.SQL", "garbage");
        write("x.sql.bak", "garbage");
        Files.createDirectories(dir.resolve("old.sql"));
        Files.createDirectories(dir.resolve("archive"));
        Files.writeString(dir.resolve("archive/z.sql"), "garbage");
        List<Revision> revisions = scripts().load();
        assertThat(revisions).extracting(Revision::id).containsExactly("c3", "a1", "b2");
        assertThat(revisions).extracting(Revision::source).containsExactly(
                dir.resolve("C_upper.sql"), dir.resolve("a_first.sql"), dir.resolve("b_second.sql"));
    }

    @Test
    void emptyDirectoryLoadsNothing() {
        assertThat(scripts().load()).isEmpty();
    }

    @Test
    void missingDirectoryIsNamed() throws IOException {
        Path missing = dir.resolve("versions");
        assertThatThrownBy(() -> new ScriptDirectory(missing, FileNameTemplate.defaults()).load())
                .isInstanceOf(ConvoyException.class)
                .hasMessage("versions directory " + missing + " does not exist")
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG020));
        write("plain", "x");
        assertThatThrownBy(() -> new ScriptDirectory(dir.resolve("plain"), FileNameTemplate.defaults()).load())
                .hasMessage("versions directory " + dir.resolve("plain") + " is not a directory");
    }

    @Test
    void duplicateIdsAreAllReturnedForTheGraphToReport() throws IOException {
        write("one.sql", minimal("a1"));
        write("two.sql", minimal("a1"));
        assertThat(scripts().load()).extracting(Revision::source)
                .containsExactly(dir.resolve("one.sql"), dir.resolve("two.sql"));
    }

    @Test
    void oneMalformedFileIsReportedWithFileAndLine() throws IOException {
        write("a.sql", minimal("a1"));
        write("b.sql", "-- convoy:revision: b1\n-- convoy:upgrade\nselect 'x;\n");
        assertThatThrownBy(() -> scripts().load())
                .isInstanceOf(ConvoyException.class)
                .hasMessage(dir.resolve("b.sql") + ":3: unterminated quoted string: the quote opened here is never closed")
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG010));
    }

    @Test
    void everyMalformedFileIsReported() throws IOException {
        write("a.sql", "-- convoy:revisoin: a1\n-- convoy:upgrade\nselect 1;\n");
        write("b.sql", minimal("b1"));
        write("c.sql", "-- convoy:revision: c1\n");
        assertThatThrownBy(() -> scripts().load())
                .isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG010))
                .hasMessageStartingWith("2 revision files are malformed:\n" + dir.resolve("a.sql") + ":1: unknown header -- convoy:revisoin;")
                .hasMessageEndingWith("\n" + dir.resolve("c.sql") + ":1: missing -- convoy:upgrade section (the line that starts the upgrade SQL)");
    }

    @Test
    void createWritesEveryHeaderAndTheGivenSqlAndReturnsWhatItWrote() throws IOException {
        NewRevision spec = new NewRevision(Optional.of("3f2a9c1b7d4e"), "  Add users TICKET-1 ", List.of("1a2b3c4d5e6f", "9f8e7d6c5b4a"),
                Set.of("zeta", "alpha"), List.of("9c8b7a6d5e4f"), false,
                Optional.of("CREATE INDEX CONCURRENTLY users_name ON users (name);\r\n"), Optional.of("DROP INDEX CONCURRENTLY users_name"));
        Revision r = scripts().create(spec);
        Path file = dir.resolve("3f2a9c1b7d4e_add_users_ticket_1.sql");
        assertThat(r.source()).isEqualTo(file);
        assertThat(Files.readString(file)).isEqualTo("""
                -- convoy:revision: 3f2a9c1b7d4e
                -- convoy:down_revision: 1a2b3c4d5e6f, 9f8e7d6c5b4a
                -- convoy:branch_labels: alpha, zeta
                -- convoy:depends_on: 9c8b7a6d5e4f
                -- convoy:message: Add users TICKET-1
                -- convoy:transactional: false

                -- convoy:upgrade
                CREATE INDEX CONCURRENTLY users_name ON users (name);

                -- convoy:downgrade
                DROP INDEX CONCURRENTLY users_name
                """);
        assertThat(r.id()).isEqualTo("3f2a9c1b7d4e");
        assertThat(r.downRevisions()).containsExactly("1a2b3c4d5e6f", "9f8e7d6c5b4a");
        assertThat(r.branchLabels()).containsExactlyInAnyOrder("alpha", "zeta");
        assertThat(r.dependsOn()).containsExactly("9c8b7a6d5e4f");
        assertThat(r.message()).isEqualTo("Add users TICKET-1");
        assertThat(r.transactional()).isFalse();
        assertThat(r.upgrade()).containsExactly("CREATE INDEX CONCURRENTLY users_name ON users (name)");
        assertThat(r.downgrade()).containsExactly("DROP INDEX CONCURRENTLY users_name");
        assertThat(scripts().load()).containsExactly(r);
        assertThat(allNames()).containsExactly("3f2a9c1b7d4e_add_users_ticket_1.sql");
    }

    @Test
    void createWithoutSqlWritesPlaceholdersThatFailUntilEdited() throws IOException {
        Revision r = scripts().create(spec(Optional.of("a1"), "init"));
        String text = Files.readString(dir.resolve("a1_init.sql"));
        assertThat(text).startsWith("-- convoy:revision: a1\n-- convoy:message: init\n\n-- convoy:upgrade\n-- Write the upgrade SQL here")
                .doesNotContain("down_revision", "branch_labels", "depends_on", "transactional")
                .contains("-- Delete this section (marker included) if the revision cannot be undone.");
        assertThat(r.isBase()).isTrue();
        assertThat(r.transactional()).isTrue();
        assertThat(r.upgrade()).containsExactly(
                "DO $convoy$ BEGIN RAISE EXCEPTION 'revision a1 has no upgrade SQL yet: edit a1_init.sql'; END $convoy$");
        assertThat(r.downgrade()).containsExactly(
                "DO $convoy$ BEGIN RAISE EXCEPTION 'revision a1 has no downgrade SQL yet: edit a1_init.sql'; END $convoy$");
        assertThat(r.hasDowngrade()).isTrue();
    }

    @Test
    void placeholderEscapesQuotesAndPercentSignsOfTheFileName() {
        ScriptDirectory odd = new ScriptDirectory(dir, FileNameTemplate.of("%(rev)s_it's_100%%", null), CLOCK);
        Revision r = odd.create(spec(Optional.of("a1"), "x"));
        assertThat(r.source().getFileName()).hasToString("a1_it's_100%.sql");
        assertThat(r.upgrade()).containsExactly(
                "DO $convoy$ BEGIN RAISE EXCEPTION 'revision a1 has no upgrade SQL yet: edit a1_it''s_100%%.sql'; END $convoy$");
    }

    @Test
    void blankSqlCountsAsNone() {
        NewRevision spec = new NewRevision(Optional.of("a1"), "x", List.of(), Set.of(), List.of(), true, Optional.of("  \n"), Optional.of(""));
        assertThat(scripts().create(spec).upgrade()).singleElement().asString().startsWith("DO $convoy$");
    }

    @Test
    void mergeGetsEmptySections() {
        NewRevision spec = new NewRevision(Optional.empty(), "merge heads", List.of("a1", "b1"), Set.of(), List.of(), true, Optional.empty(), Optional.empty());
        Revision r = scripts().create(spec);
        assertThat(r.isMerge()).isTrue();
        assertThat(r.upgrade()).isEmpty();
        assertThat(r.downgrade()).isEmpty();
    }

    @Test
    void randomIdIsTwelveHexDigitsAndNamesTheFile() {
        Revision r = scripts().create(spec(Optional.empty(), "add users"));
        assertThat(r.id()).matches("[0-9a-f]{12}");
        assertThat(r.source()).isEqualTo(dir.resolve(r.id() + "_add_users.sql"));
    }

    @Test
    void dateTokensComeFromTheClockInItsZone() {
        FileNameTemplate t = FileNameTemplate.of("%(year)s%(month)s%(day)s_%(hour)s%(minute)s%(second)s_%(slug)s_%(ticket)s", null);
        Revision utc = new ScriptDirectory(dir, t, CLOCK).create(spec(Optional.of("a1"), "add users OPS-7"));
        assertThat(utc.source().getFileName()).hasToString("20240305_233009_add_users_ops_7_OPS-7.sql");
        Clock tokyo = CLOCK.withZone(ZoneId.of("Asia/Tokyo"));
        Revision next = new ScriptDirectory(dir, t, tokyo).create(spec(Optional.of("b1"), "add users OPS-7"));
        assertThat(next.source().getFileName()).hasToString("20240306_083009_add_users_ops_7_OPS-7.sql");
    }

    @Test
    void existingIdIsRefusedNamingTheFileAndNothingIsWritten() throws IOException {
        write("old.sql", minimal("a1"));
        assertThatCode(() -> scripts().create(spec(Optional.of("a1"), "again")), ErrorCode.MIG001)
                .hasMessage("revision id a1 already exists in " + dir.resolve("old.sql"));
        assertThat(allNames()).containsExactly("old.sql");
    }

    @Test
    void existingIdIsFoundEvenWhenAnotherFileIsMalformed() throws IOException {
        write("bad.sql", "-- convoy:revision: b1\nnot sql before the upgrade marker\n");
        write("good.sql", "\uFEFF--convoy:revision:  a1\r\n-- convoy:upgrade\r\nselect 1;\r\n");
        assertThatCode(() -> scripts().create(spec(Optional.of("a1"), "x")), ErrorCode.MIG001)
                .hasMessage("revision id a1 already exists in " + dir.resolve("good.sql"));
        assertThat(scripts().create(spec(Optional.of("c1"), "x")).id()).isEqualTo("c1");
    }

    @Test
    void existingFileNameIsRefused() throws IOException {
        ScriptDirectory bySlug = new ScriptDirectory(dir, FileNameTemplate.of("%(slug)s", null), CLOCK);
        bySlug.create(spec(Optional.of("a1"), "add users"));
        String before = Files.readString(dir.resolve("add_users.sql"));
        assertThatCode(() -> bySlug.create(spec(Optional.of("b1"), "Add users!")), ErrorCode.MIG020)
                .hasMessage("file " + dir.resolve("add_users.sql") + " already exists");
        assertThat(Files.readString(dir.resolve("add_users.sql"))).isEqualTo(before);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() throws IOException {
        assertThatCode(() -> scripts().create(spec(Optional.of("a-1"), "x")), ErrorCode.MIG020)
                .hasMessageStartingWith("'a-1' is not a valid revision id");
        assertThatCode(() -> scripts().create(spec(Optional.of("head"), "x")), ErrorCode.MIG020)
                .hasMessageContaining("reserved word");
        assertThatCode(() -> scripts().create(spec(Optional.empty(), "two\nlines")), ErrorCode.MIG020)
                .hasMessage("message must be a single line: 'two\nlines'");
        assertThatCode(() -> scripts().create(new NewRevision(Optional.empty(), "x", List.of(), Set.of("bad label"), List.of(), true,
                Optional.empty(), Optional.empty())), ErrorCode.MIG020)
                .hasMessageStartingWith("'bad label' is not a valid branch label");
        assertThatCode(() -> scripts().create(new NewRevision(Optional.empty(), "x", List.of("a1,b1"), Set.of(), List.of(), true,
                Optional.empty(), Optional.empty())), ErrorCode.MIG020)
                .hasMessageStartingWith("'a1,b1' is not a valid revision id");
        ScriptDirectory withTicket = new ScriptDirectory(dir, FileNameTemplate.of(null, "[A-Z]+-\\d+"), CLOCK);
        assertThatCode(() -> withTicket.create(spec(Optional.empty(), "no ticket")), ErrorCode.MIG020)
                .hasMessage("message must contain a ticket matching [A-Z]+-\\d+: 'no ticket'");
        assertThat(allNames()).isEmpty();
    }

    @Test
    void sqlThatWouldNotParseIsRefusedBeforeAnythingIsWritten() throws IOException {
        NewRevision unterminated = new NewRevision(Optional.of("a1"), "x", List.of(), Set.of(), List.of(), true,
                Optional.of("select 1;\nselect 'oops"), Optional.empty());
        assertThatCode(() -> scripts().create(unterminated), ErrorCode.MIG020)
                .hasMessage("revision not written: " + dir.resolve("a1_x.sql") + ":6: unterminated quoted string: the quote opened here is never closed")
                .hasCauseInstanceOf(ConvoyException.class);
        NewRevision marker = new NewRevision(Optional.of("a1"), "x", List.of(), Set.of(), List.of(), true,
                Optional.of("select 1;\n-- convoy:downgrade\nselect 2;"), Optional.empty());
        assertThatCode(() -> scripts().create(marker), ErrorCode.MIG020)
                .hasMessageContaining("duplicate section -- convoy:downgrade");
        assertThat(allNames()).isEmpty();
    }

    @Test
    void createLeavesNoTemporaryFilesAndTheRoundTripKeepsTheChecksum() throws IOException {
        Revision created = scripts().create(spec(Optional.empty(), "a"));
        assertThat(allNames()).containsExactly(created.source().getFileName().toString());
        Revision loaded = scripts().load().get(0);
        assertThat(loaded.checksum()).isEqualTo(created.checksum())
                .isEqualTo(Checksums.ofRevisionText(Files.readString(created.source())));
        assertThat(loaded).isEqualTo(created);
    }

    @Test
    void createInAMissingDirectoryIsRefused() {
        ScriptDirectory missing = new ScriptDirectory(dir.resolve("nope"), FileNameTemplate.defaults(), CLOCK);
        assertThatCode(() -> missing.create(spec(Optional.empty(), "x")), ErrorCode.MIG020)
                .hasMessage("versions directory " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void loadReadsTimeoutHeadersOfHandWrittenFiles() throws IOException {
        write("t.sql", "-- convoy:revision: t1\n-- convoy:lock_timeout: 1500\n-- convoy:upgrade\nselect 1;\n");
        assertThat(scripts().load().get(0).lockTimeout()).contains(Duration.ofMillis(1500));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertThatCode(ThrowingCallable call, ErrorCode code) {
        return assertThatThrownBy(call)
                .isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(code));
    }
}

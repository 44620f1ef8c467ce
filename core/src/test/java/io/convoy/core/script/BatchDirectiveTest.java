package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchDirectiveTest {
    private static final Path FILE = Path.of("versions/b1_backfill.sql");

    private static String file(String transactional, String upgrade) {
        return "-- convoy:revision: b1\n"
                + "-- convoy:down_revision: a1\n"
                + (transactional == null ? "" : "-- convoy:transactional: " + transactional + "\n")
                + "\n-- convoy:upgrade\n"
                + upgrade;
    }

    @Test
    void parsesEveryArgumentAndFillsDefaults() {
        BatchDirective d = BatchDirective.parse(" table=public.pages key=id target_ms=150 min_rows=10 max_rows=5000 start_rows=20 max_lag=10s");
        assertThat(d).isEqualTo(new BatchDirective("public.pages", "id", Duration.ofMillis(150), 10, 5000, 20,
                Optional.of(Duration.ofSeconds(10))));
        BatchDirective defaults = BatchDirective.parse("table=pages key=id");
        assertThat(defaults.target()).isEqualTo(Duration.ofMillis(200));
        assertThat(defaults.minRows()).isEqualTo(100);
        assertThat(defaults.startRows()).isEqualTo(1000);
        assertThat(defaults.maxRows()).isEqualTo(100_000);
        assertThat(defaults.maxLag()).isEmpty();
        assertThat(BatchDirective.parse(defaults.line().substring("-- convoy:batch:".length()))).isEqualTo(defaults);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "key=id | table=<table> is required",
            "table=pages | key=<column> is required",
            "table=pages key=id key=x | key is given twice",
            "table=pages key=id size=3 | unknown argument 'size'",
            "table=pages key=id target_ms=fast | target_ms=fast is not a whole number",
            "table=pages key=id target_ms=0 | must be a positive whole number",
            "table=pages key=id min_rows=500 max_rows=100 | min_rows <= start_rows <= max_rows",
            "table=pages; key=id | not a table name",
            "table=pages key=a-b | not a column name",
            "table=pages key=id max_lag=soon | not a duration",
            "table=pages key | 'key' is not name=value"})
    void rejectsBadArguments(String args, String message) {
        assertThatThrownBy(() -> BatchDirective.parse(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theParserCarriesTheBatchedStatementWithItsDirective() {
        Revision r = RevisionParser.parse(file("false", """
                CREATE INDEX CONCURRENTLY pages_title ON pages (title);
                -- convoy:batch: table=pages key=id target_ms=100
                UPDATE pages SET slug = lower(title) WHERE {{batch}} AND slug IS NULL;
                SELECT 1;
                """), FILE);
        assertThat(r.upgrade()).hasSize(3);
        assertThat(BatchDirective.decode(r.upgrade().get(0))).isEmpty();
        BatchDirective.Batched b = BatchDirective.decode(r.upgrade().get(1)).orElseThrow();
        assertThat(b.directive().table()).isEqualTo("pages");
        assertThat(b.directive().target()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.template()).isEqualTo("UPDATE pages SET slug = lower(title) WHERE {{batch}} AND slug IS NULL");
        assertThat(b.expand(Optional.empty(), "10")).isEqualTo("UPDATE pages SET slug = lower(title) WHERE (id <= 10) AND slug IS NULL");
        assertThat(b.expand(Optional.of("5"), "10"))
                .isEqualTo("UPDATE pages SET slug = lower(title) WHERE (id > 5 AND id <= 10) AND slug IS NULL");
        assertThat(BatchDirective.anyBatched(r.upgrade())).isTrue();
    }

    @Test
    void anAliasQualifiesTheKey() {
        Revision r = RevisionParser.parse(file("false", """
                -- convoy:batch: table=pages key=id
                INSERT INTO archive (id, body) SELECT p.id, b.body FROM pages p JOIN bodies b ON b.page_id = p.id WHERE {{batch:p}};
                """), FILE);
        assertThat(BatchDirective.decode(r.upgrade().get(0)).orElseThrow().expand(Optional.of("1"), "2"))
                .endsWith("WHERE (p.id > 1 AND p.id <= 2)");
    }

    @Test
    void aDowngradeMayBeBatchedToo() {
        Revision r = RevisionParser.parse(file("false", """
                SELECT 1;
                -- convoy:downgrade
                -- convoy:batch: table=pages key=id
                UPDATE pages SET slug = NULL WHERE {{batch}};
                """), FILE);
        assertThat(BatchDirective.anyBatched(r.downgrade())).isTrue();
        assertThat(BatchDirective.anyBatched(r.upgrade())).isFalse();
    }

    private static void assertMig010(String text, String where, String what) {
        assertThatThrownBy(() -> RevisionParser.parse(text, FILE)).isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG010))
                .hasMessageContaining(FILE + ":" + where + ": ")
                .hasMessageContaining(what);
    }

    @Test
    void errorsNameTheFileAndLine() {
        assertMig010(file(null, "-- convoy:batch: table=pages key=id\nUPDATE pages SET a = 1 WHERE {{batch}};\n"), "5",
                "must be non-transactional");
        assertMig010(file("true", "-- convoy:batch: table=pages key=id\nUPDATE pages SET a = 1 WHERE {{batch}};\n"), "6",
                "-- convoy:transactional: false");
        assertMig010(file("false", "SELECT 1;\n-- convoy:batch: table=pages\nUPDATE pages SET a = 1 WHERE {{batch}};\n"), "7",
                "key=<column> is required");
        assertMig010(file("false", "-- convoy:batch: table=pages key=id\nUPDATE pages SET a = 1;\n"), "7",
                "exactly once");
        assertMig010(file("false", "-- convoy:batch: table=pages key=id\nUPDATE pages SET a = 1 WHERE {{batch}} OR {{batch}};\n"),
                "7", "found it 2 times");
        assertMig010(file("false", "-- convoy:batch: table=pages key=id\n\nSELECT * FROM pages WHERE {{batch}};\n"), "8",
                "must be an UPDATE, INSERT");
        assertMig010(file("false", "SELECT 1;\n-- convoy:batch: table=pages key=id\n"), "7", "no statement follows");
        assertMig010(file("false", "-- convoy:batch: table=pages key=id\n-- convoy:batch: table=pages key=id\n"
                + "UPDATE pages SET a = 1 WHERE {{batch}};\n"), "7", "a second -- convoy:batch:");
        assertMig010(file("false", "-- convoy:batch table=pages key=id\nUPDATE pages SET a = 1 WHERE {{batch}};\n"), "6",
                "malformed batch directive");
        assertMig010("-- convoy:revision: b1\n-- convoy:transactional: false\n-- convoy:batch: table=p key=id\n"
                + "-- convoy:upgrade\nUPDATE p SET a = 1 WHERE {{batch}};\n", "3", "must stand inside the upgrade or downgrade");
    }
}

package io.convoy.core.autogen;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.catalog.Catalog;
import io.convoy.core.script.FileNameTemplate;
import io.convoy.core.script.Revision;
import io.convoy.core.script.ScriptDirectory;
import io.convoy.core.shadow.ShadowDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** examples/scraper: its schema/*.sql describes exactly the head of its versions/. */
class ScraperExampleIT {
    static ShadowDatabase shadow;
    static Autogenerator gen;
    static Path example;

    @BeforeAll
    static void start() {
        example = Files.isDirectory(Path.of("../examples/scraper")) ? Path.of("../examples/scraper") : Path.of("examples/scraper");
        shadow = ShadowDatabase.start();
        gen = new Autogenerator(shadow, ApplyOptions.defaults(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static List<Path> schema() {
        return Autogenerator.schemaFiles(example.resolve("schema"));
    }

    @Test
    void autogenerateFindsNothingToDoForTheExample() {
        List<Revision> revisions = new ScriptDirectory(example.resolve("versions"), FileNameTemplate.defaults()).load();
        assertThat(revisions).hasSizeGreaterThan(5);
        AutogenResult result = gen.fromRevisions(revisions, schema(), RenameHints.none());
        assertThat(result.isEmpty()).as("schema/ and versions/ disagree:\n%s", RoundTrip.sql(result)).isTrue();
        assertThat(gen.check(revisions, schema())).isEmpty();
    }

    @Test
    void theWholeExampleSchemaAutogeneratesFromNothingAndBack() {
        Catalog desired = gen.desired(schema());
        AutogenResult fromScratch = gen.fromRevisions(List.of(), schema(), RenameHints.none());
        assertThat(fromScratch.summary()).contains("+ table pages", "+ enum crawl_status",
                "+ function run_saved_search(p_search_id bigint, p_limit integer)");
        String db = shadow.createDatabase();
        try {
            Catalog empty = gen.read(db);
            gen.apply(db, fromScratch);
            assertThat(Catalog.diffText(gen.read(db), desired)).isEmpty();
            List<RevisionPart> parts = fromScratch.parts();
            for (int i = parts.size() - 1; i >= 0; i--) {
                RevisionPart p = parts.get(i);
                if (p.transactional()) {
                    shadow.executeInTransaction(db, p.downgrade(), "downgrade " + p.part());
                } else {
                    shadow.executeEach(db, p.downgrade(), "downgrade " + p.part());
                }
            }
            assertThat(Catalog.diffText(gen.read(db), empty)).isEmpty();
        } finally {
            shadow.dropDatabase(db);
        }
    }
}

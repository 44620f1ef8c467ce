package io.convoy.core.autogen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.Migrator;
import io.convoy.core.catalog.Catalog;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.FileNameTemplate;
import io.convoy.core.script.NewRevision;
import io.convoy.core.script.Revision;
import io.convoy.core.script.ScriptDirectory;
import io.convoy.core.shadow.ShadowDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Autogenerate end to end: revisions replayed with the real Migrator, revisions written, replayed again. */
class AutogeneratorIT {
    static ShadowDatabase shadow;
    static Autogenerator gen;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
        gen = new Autogenerator(shadow, ApplyOptions.defaults(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static Revision revision(ScriptDirectory dir, String message, List<String> down, String up, String downSql) {
        return dir.create(new NewRevision(Optional.empty(), message, down, Set.of(), List.of(), true, Optional.of(up),
                Optional.of(downSql)));
    }

    static final String DESIRED = """
            create type mood as enum ('sad', 'ok', 'happy');
            create table users (
              id bigint generated always as identity primary key,
              email text not null unique,
              feeling mood not null default 'ok',
              created_at timestamptz not null default now()
            );
            comment on table users is 'people';
            create index users_email_lower on users (lower(email));
            create table posts (
              id serial primary key,
              user_id bigint not null references users(id) on delete cascade,
              body text,
              constraint body_not_empty check (body <> '')
            );
            create index posts_user on posts (user_id);
            create function post_count(u bigint) returns bigint language sql stable as $$ select count(*) from posts where user_id = u $$;
            """;

    @Test
    void generatesRevisionsThatReplayToTheDesiredSchemaAndBack(@TempDir Path tmp) throws Exception {
        Path versions = Files.createDirectories(tmp.resolve("versions"));
        Path schema = Files.createDirectories(tmp.resolve("schema"));
        ScriptDirectory dir = new ScriptDirectory(versions, FileNameTemplate.defaults());
        Revision base = revision(dir, "users", List.of(), """
                create type mood as enum ('sad', 'happy');
                create table users (id bigint generated always as identity primary key, email text not null unique,
                  feeling mood not null default 'happy');
                """, "drop table users; drop type mood;");
        Revision posts = revision(dir, "posts", List.of(base.id()), """
                create table posts (id serial primary key, user_id bigint not null references users(id) on delete cascade, body text);
                create index posts_user on posts (user_id);
                """, "drop table posts;");
        Files.writeString(schema.resolve("01_schema.sql"), DESIRED);

        AutogenResult result = gen.fromRevisions(dir.load(), Autogenerator.schemaFiles(schema), RenameHints.none());
        assertThat(result.parts()).extracting(RevisionPart::part).containsExactly(Part.ENUM_VALUES, Part.MAIN, Part.CONCURRENT);
        assertThat(result.summary()).contains("+ column users.created_at", "+ index users_email_lower on users",
                "+ function post_count(u bigint)");

        List<Revision> written = Autogenerator.write(dir, result, "sync with schema", List.of(posts.id()), Set.of());
        assertThat(written).hasSize(3);
        assertThat(written).extracting(Revision::transactional).containsExactly(true, true, false);
        assertThat(written.get(0).downRevisions()).containsExactly(posts.id());
        assertThat(written.get(1).downRevisions()).containsExactly(written.get(0).id());
        assertThat(written.get(2).downRevisions()).containsExactly(written.get(1).id());
        assertThat(written.get(2).message()).isEqualTo("sync with schema (concurrent indexes and validation)");

        List<Revision> all = dir.load();
        String db = shadow.createDatabase();
        String before = shadow.createDatabase();
        try {
            gen.replay(db, all);
            Catalog desired = gen.desired(Autogenerator.schemaFiles(schema));
            assertThat(Catalog.diffText(gen.read(db), desired)).isEmpty();

            gen.replay(before, List.of(base, posts));
            Migrator migrator = new Migrator(shadow.connectionSource(db), ApplyOptions.defaults(), Clock.systemUTC(), e -> {});
            RevisionGraph graph = RevisionGraph.of(all);
            migrator.apply(graph.downgrade(migrator.currentHeads(), posts.id()));
            assertThat(migrator.currentHeads()).containsExactly(posts.id());
            assertThat(Catalog.diffText(gen.read(db), gen.read(before))).isEmpty();
        } finally {
            shadow.dropDatabase(db);
            shadow.dropDatabase(before);
        }

        AutogenResult again = gen.fromRevisions(all, Autogenerator.schemaFiles(schema), RenameHints.none());
        assertThat(again.isEmpty()).as(again.summaryText()).isTrue();
    }

    @Test
    void severalHeadsMustBeMergedFirst(@TempDir Path tmp) throws Exception {
        ScriptDirectory dir = new ScriptDirectory(tmp, FileNameTemplate.defaults());
        Revision base = revision(dir, "base", List.of(), "create table a (id int);", "drop table a;");
        revision(dir, "left", List.of(base.id()), "create table b (id int);", "drop table b;");
        revision(dir, "right", List.of(base.id()), "create table c (id int);", "drop table c;");
        Path schema = Files.createDirectories(tmp.resolve("schema"));
        Files.writeString(schema.resolve("s.sql"), "create table a (id int);");
        assertThatThrownBy(() -> gen.fromRevisions(dir.load(), Autogenerator.schemaFiles(schema), RenameHints.none()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG001));
    }

    @Test
    void readsALiveDatabaseWithoutChangingItAndAppliesRenameHints(@TempDir Path tmp) throws Exception {
        String live = shadow.createDatabase();
        try {
            shadow.execute(live, "create table people (id serial primary key, name text); create index people_name_idx on people (name);"
                    + " create view names as select name from people;", "live");
            Path schema = Files.createDirectories(tmp.resolve("schema"));
            Files.writeString(schema.resolve("s.sql"), "create table persons (id serial primary key, full_name text);"
                    + " create index persons_full_name_idx on persons (full_name); create view names as select full_name as name from persons;");
            Catalog liveBefore = gen.read(live);
            AutogenResult r = gen.fromDatabase(shadow.connectionSource(live), Autogenerator.schemaFiles(schema),
                    RenameHints.parse(List.of("people=persons", "persons.name=full_name")));
            assertThat(r.summary()).contains("~ table people renamed to persons", "~ column persons.name renamed to full_name",
                    "~ sequence people_id_seq renamed to persons_id_seq");
            assertThat(r.transactional().orElseThrow().upgradeScript()).doesNotContain("DROP TABLE", "DROP COLUMN");
            assertThat(gen.read(live)).isEqualTo(liveBefore);

            gen.apply(live, r);
            assertThat(Catalog.diffText(gen.read(live), gen.desired(Autogenerator.schemaFiles(schema)))).isEmpty();
        } finally {
            shadow.dropDatabase(live);
        }
    }

    @Test
    void badRenameHintsAreNamed() {
        assertThatThrownBy(() -> RenameHints.parse(List.of("a=b=c")))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("'a=b=c' is malformed");
    }

    @Test
    void missingSchemaDirectoryIsAnArgumentError(@TempDir Path tmp) {
        assertThatThrownBy(() -> Autogenerator.schemaFiles(tmp.resolve("nope")))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Autogenerator.schemaFiles(tmp))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("holds no *.sql file");
    }
}

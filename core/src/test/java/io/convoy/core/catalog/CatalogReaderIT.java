package io.convoy.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.shadow.ShadowDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogReaderIT {
    static ShadowDatabase shadow;

    static final String RICH = """
            create extension citext;
            create schema billing;
            comment on schema billing is 'money';
            create type mood as enum ('sad', 'ok', 'happy');
            create sequence billing.invoice_no as integer increment by 5 minvalue 10 maxvalue 100000 start with 10 cache 2 cycle;
            create table users (
              id bigint generated always as identity (start with 100 increment by 2) primary key,
              email citext not null unique,
              name text collate "C",
              feeling mood default 'ok',
              score numeric(10,2) default 0 check (score >= 0),
              created_at timestamptz not null default now(),
              name_len int generated always as (length(name)) stored
            );
            comment on table users is 'people';
            comment on column users.email is 'login';
            create table billing.invoices (
              no integer not null default nextval('billing.invoice_no') primary key,
              user_id bigint,
              total numeric,
              tags text[],
              constraint invoices_user_fk foreign key (user_id) references users(id) on delete cascade on update set null deferrable initially deferred
            );
            alter sequence billing.invoice_no owned by billing.invoices.no;
            alter table billing.invoices add constraint total_positive check (total > 0) not valid;
            create index invoices_lower_idx on billing.invoices (user_id) include (total) where total > 10;
            create index invoices_tags_gin on billing.invoices using gin (tags);
            create index users_lower_name on users using btree (lower(name) desc nulls last);
            create index users_created_brin on users using brin (created_at);
            comment on index users_lower_name is 'case-insensitive';
            create view big_invoices as select i.no, u.email from billing.invoices i join users u on u.id = i.user_id where i.total > 100;
            create materialized view invoice_totals as select user_id, sum(total) as total from billing.invoices group by user_id;
            create unique index invoice_totals_user on invoice_totals(user_id);
            comment on column big_invoices.email is 'who';
            create function touch() returns trigger language plpgsql as $$ begin new.created_at := now(); return new; end $$;
            create function add(a int, b int default 1) returns int language sql immutable as 'select a + b';
            create procedure noop() language sql as 'select 1';
            create trigger users_touch before update on users for each row execute function touch();
            comment on function add(int, int) is 'adds';
            """;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static Catalog read(String db) throws SQLException {
        try (Connection c = shadow.connect(db)) {
            return CatalogReader.read(c, CatalogOptions.defaults());
        }
    }

    @Test
    void sameDdlInTwoDatabasesGivesEqualCatalogs() throws SQLException {
        String a = shadow.createDatabase();
        String b = shadow.createDatabase();
        shadow.execute(a, RICH, "rich");
        shadow.execute(b, "set search_path = public, billing;" + RICH, "rich");
        Catalog ca = read(a);
        Catalog cb = read(b);
        assertThat(Catalog.diffText(ca, cb)).isEmpty();
        assertThat(ca).isEqualTo(cb).hasSameHashCodeAs(cb);

        shadow.execute(b, "alter table users alter column score set default 1", "change");
        assertThat(Catalog.diffText(ca, read(b))).isEqualTo(
                "- table public.users column score numeric(10,2) DEFAULT 0\n"
                        + "+ table public.users column score numeric(10,2) DEFAULT 1\n");
        shadow.dropDatabase(a);
        shadow.dropDatabase(b);
    }

    @Test
    void readsStructureNotJustText() throws SQLException {
        String db = shadow.createDatabase();
        shadow.execute(db, RICH, "rich");
        Catalog c = read(db);

        assertThat(c.extensions()).containsExactly(new Extension("citext", "public", "1.6"));
        assertThat(c.routines()).extracting(Routine::key)
                .containsExactly("public.add(a integer, b integer)", "public.noop()", "public.touch()");
        assertThat(c.enums()).containsExactly(new EnumType(QName.of("public", "mood"), List.of("sad", "ok", "happy"), Optional.empty()));
        assertThat(c.schemas()).extracting(Schema::name).containsExactly("billing", "public");

        Table users = c.table(QName.of("public", "users")).orElseThrow();
        assertThat(users.columns()).extracting(Column::name)
                .containsExactly("id", "email", "name", "feeling", "score", "created_at", "name_len");
        assertThat(users.column("id").orElseThrow().identity()).contains(new Identity(true, 100, 2, 1, Long.MAX_VALUE, 1, false));
        assertThat(users.column("name").orElseThrow().collation()).contains("\"C\"");
        assertThat(users.column("name_len").orElseThrow().generated()).contains("length(name)");
        assertThat(users.column("email").orElseThrow().type()).isEqualTo("public.citext");
        assertThat(users.column("feeling").orElseThrow().defaultExpr()).contains("'ok'::public.mood");

        Table invoices = c.table(QName.of("billing", "invoices")).orElseThrow();
        Constraint fk = invoices.constraint("invoices_user_fk").orElseThrow();
        assertThat(fk.foreignKey()).contains(new ForeignKey(List.of("user_id"), QName.of("public", "users"), List.of("id"),
                "SET NULL", "CASCADE", "SIMPLE", true, true));
        Constraint check = invoices.constraint("total_positive").orElseThrow();
        assertThat(check.validated()).isFalse();
        assertThat(check.definition()).isEqualTo("CHECK ((total > (0)::numeric))");
        assertThat(check.columns()).containsExactly("total");
        Index partial = invoices.index("invoices_lower_idx").orElseThrow();
        assertThat(partial.keys()).containsExactly("user_id");
        assertThat(partial.include()).containsExactly("total");
        assertThat(partial.predicate()).contains("(total > (10)::numeric)");
        assertThat(partial.columns()).containsExactly("total", "user_id");
        assertThat(invoices.index("invoices_tags_gin").orElseThrow().method()).isEqualTo("gin");
        assertThat(users.index("users_lower_name").orElseThrow().columns()).containsExactly("name");

        Sequence seq = c.sequence(QName.of("billing", "invoice_no")).orElseThrow();
        assertThat(seq.ownedBy()).contains(new ColumnRef(QName.of("billing", "invoices"), "no"));
        assertThat(seq.cycle()).isTrue();
        assertThat(seq.increment()).isEqualTo(5);
        assertThat(c.sequences()).hasSize(1);

        View big = c.view(QName.of("public", "big_invoices")).orElseThrow();
        assertThat(big.dependsOn()).containsExactly(QName.of("billing", "invoices"), QName.of("public", "users"));
        assertThat(big.columnComments()).containsEntry("email", "who");
        View totals = c.view(QName.of("public", "invoice_totals")).orElseThrow();
        assertThat(totals.materialized()).isTrue();
        assertThat(totals.indexes()).extracting(Index::name).containsExactly("invoice_totals_user");

        assertThat(c.triggers()).singleElement().satisfies(t -> {
            assertThat(t.function()).isEqualTo("public.touch()");
            assertThat(t.enabled()).isEqualTo("O");
        });
        shadow.dropDatabase(db);
    }

    @Test
    void leavesOutTheVersionSchemaAndConfiguredSchemas() throws SQLException {
        String db = shadow.createDatabase();
        shadow.execute(db, "create schema convoy; create table convoy.version (rev text);"
                + " create schema scratch; create table scratch.tmp (x int); create table kept (x int);", "schemas");
        try (Connection c = shadow.connect(db)) {
            Catalog defaults = CatalogReader.read(c, CatalogOptions.defaults());
            assertThat(defaults.schemas()).extracting(Schema::name).containsExactly("public", "scratch");
            assertThat(defaults.tables()).extracting(t -> t.name().toString()).containsExactly("public.kept", "scratch.tmp");
            Catalog both = CatalogReader.read(c, new CatalogOptions(Set.of("convoy", "scratch")));
            assertThat(both.tables()).extracting(t -> t.name().toString()).containsExactly("public.kept");
            Catalog other = CatalogReader.read(c, CatalogOptions.excludingVersionSchema("scratch"));
            assertThat(other.tables()).extracting(t -> t.name().toString()).containsExactly("convoy.version", "public.kept");
        }
        shadow.dropDatabase(db);
    }

    @Test
    void onlyReadsAndRestoresTheConnection() throws SQLException {
        String db = shadow.createDatabase();
        shadow.execute(db, "create table t (x int)", "t");
        try (Connection c = shadow.connect(db)) {
            c.createStatement().execute("set search_path = public");
            CatalogReader.read(c, CatalogOptions.defaults());
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.isReadOnly()).isFalse();
            try (var rs = c.createStatement().executeQuery("show search_path")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("public");
            }
            c.setAutoCommit(false);
            c.createStatement().execute("create table inside (y int)");
            Catalog mid = CatalogReader.read(c, CatalogOptions.defaults());
            assertThat(mid.table(QName.of("public", "inside"))).isPresent();
            try (var rs = c.createStatement().executeQuery("show search_path")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("public");
            }
            c.rollback();
            c.setAutoCommit(true);
            assertThat(CatalogReader.read(c, CatalogOptions.defaults()).table(QName.of("public", "inside"))).isEmpty();
        }
        shadow.dropDatabase(db);
    }
}

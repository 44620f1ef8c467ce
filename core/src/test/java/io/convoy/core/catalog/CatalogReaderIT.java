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
        System.out.println(ca.describe());
        assertThat(Catalog.diffText(ca, cb)).isEmpty();
        assertThat(ca).isEqualTo(cb);
    }
}

package io.convoy.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A text fingerprint of a database's schema objects, to compare two databases exactly. */
public final class Catalog {
    private Catalog() {}

    private static final String QUERY = """
            select coalesce(string_agg(x, E'\\n' order by x), '') from (
              select 'table ' || table_schema || '.' || table_name || ' ' || table_type
                from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')
              union all
              select 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type
                     || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' generated=' || coalesce(generation_expression, '')
                     || ' identity=' || is_identity
                from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
              union all
              select 'index ' || c.relnamespace::regnamespace || '.' || c.relname || ' valid=' || i.indisvalid || ' ' || pg_get_indexdef(i.indexrelid)
                from pg_index i join pg_class c on c.oid = i.indexrelid
               where c.relnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
              union all
              select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated
                from pg_constraint where connamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
              union all
              select 'function ' || p.pronamespace::regnamespace || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc)
                from pg_proc p where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
              union all
              select 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || pg_get_triggerdef(oid)
                from pg_trigger where not tgisinternal
              union all
              select 'type ' || t.typnamespace::regnamespace || '.' || t.typname || ' ' || t.typtype::text
                from pg_type t where t.typtype in ('e', 'd', 'c') and t.typnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
                 and not exists (select 1 from pg_class c where c.reltype = t.oid)
              union all
              select 'comment ' || c.oid::regclass || ' ' || d.description
                from pg_description d join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
               where c.relnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
            ) s(x)
            """;

    public static String fingerprint(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static long count(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

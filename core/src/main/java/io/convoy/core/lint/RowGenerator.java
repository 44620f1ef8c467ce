package io.convoy.core.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fills new tables of the shadow database with generated rows, so that scans, rewrites and validations have
 * something to work on. Values come from the column types ({@code g} is the row number): numbers {@code g},
 * text {@code 'r' || g} (cast, so {@code varchar(n)} truncates), timestamps a minute apart, the first label of an
 * enum, {@code md5}-based uuids, empty json and arrays; columns with a default, identity or generation
 * expression keep it; a NOT NULL single-column foreign key takes the referenced table's values in turn.
 * A table whose rows cannot be generated (a CHECK, an unknown NOT NULL type) is left empty and named in a note.
 */
final class RowGenerator {
    private final int rows;

    RowGenerator(int rows) {
        this.rows = rows;
    }

    /** Fills every table of {@code c} not in {@code done} (adding them), in creation order; returns notes for failures. */
    List<String> fill(Connection c, String versionSchema, Set<Long> done) throws SQLException {
        List<String> notes = new ArrayList<>();
        List<long[]> tables = new ArrayList<>();
        Map<Long, String> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p') and not c.relispartition"
                + " and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname <> ?"
                + " order by c.oid")) {
            ps.setString(1, versionSchema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new long[] {rs.getLong(1)});
                    names.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        for (long[] t : tables) {
            long oid = t[0];
            if (!done.add(oid)) {
                continue;
            }
            String name = names.get(oid);
            Optional<String> insert = insert(c, oid, name);
            if (insert.isEmpty()) {
                notes.add("no rows generated for " + name + ": a NOT NULL column has a type without a generator");
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute(insert.get());
            } catch (SQLException e) {
                notes.add("no rows generated for " + name + ": " + firstLine(e.getMessage()));
            }
        }
        return notes;
    }

    private Optional<String> insert(Connection c, long table, String name) throws SQLException {
        Map<String, String> foreign = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select a.attname, quote_ident(fn.nspname) || '.' || quote_ident(fc.relname),"
                + " quote_ident(fa.attname) from pg_constraint k"
                + " join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]"
                + " join pg_class fc on fc.oid = k.confrelid join pg_namespace fn on fn.oid = fc.relnamespace"
                + " join pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = k.confkey[1]"
                + " where k.conrelid = ? and k.contype = 'f' and cardinality(k.conkey) = 1")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    foreign.put(rs.getString(1), "(select p." + rs.getString(3) + " from " + rs.getString(2) + " p order by 1"
                            + " offset ((g - 1) % greatest(1, (select count(*) from " + rs.getString(2) + "))) limit 1)");
                }
            }
        }
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
                + " a.attnotnull, (a.atthasdef or a.attidentity <> '' or a.attgenerated <> ''), t.typtype,"
                + " coalesce(bt.typname, t.typname), coalesce(bt.typcategory, t.typcategory)"
                + " from pg_attribute a join pg_type t on t.oid = a.atttypid left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype"
                + " where a.attrelid = ? and a.attnum > 0 and not a.attisdropped order by a.attnum")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(5)) {
                        continue;
                    }
                    String fk = foreign.get(rs.getString(1));
                    boolean notNull = rs.getBoolean(4);
                    String expr;
                    if (fk != null) {
                        expr = notNull ? fk : null;
                    } else {
                        expr = value(rs.getString(3), rs.getString(6).charAt(0), rs.getString(7), rs.getString(8).charAt(0));
                    }
                    if (expr == null) {
                        if (notNull) {
                            return Optional.empty();
                        }
                        continue;
                    }
                    columns.add(rs.getString(2));
                    values.add(expr);
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.of("do $$ begin for i in 1.." + rows + " loop insert into " + name + " default values; end loop; end $$");
        }
        return Optional.of("insert into " + name + " (" + String.join(", ", columns) + ") select " + String.join(", ", values)
                + " from generate_series(1, " + rows + ") g");
    }

    /** A value expression of row number {@code g} for a column of type {@code type}; null when there is none. */
    static String value(String type, char typtype, String base, char category) {
        if (category == 'A') {
            return "'{}'::" + type;
        }
        if (typtype == 'e') {
            return "(enum_range(null::" + type + "))[1]";
        }
        String expr = switch (base) {
            case "int2" -> "(g % 30000)";
            case "int4", "int8", "numeric", "float4", "float8", "oid", "money" -> "g";
            case "text", "varchar", "bpchar", "name", "citext" -> "('r' || g)";
            case "bool" -> "(g % 2 = 0)";
            case "timestamp", "timestamptz" -> "(timestamp '2020-01-01' + g * interval '1 minute')";
            case "date" -> "(date '2020-01-01' + g)";
            case "time", "timetz" -> "(time '00:00' + g * interval '1 second')";
            case "interval" -> "(g * interval '1 second')";
            case "uuid" -> "md5(g::text)::uuid";
            case "json", "jsonb" -> "'{}'";
            case "bytea" -> "decode(md5(g::text), 'hex')";
            case "inet", "cidr" -> "('10.0.0.0'::inet + g)";
            default -> null;
        };
        return expr == null ? null : "(" + expr + ")::" + type;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

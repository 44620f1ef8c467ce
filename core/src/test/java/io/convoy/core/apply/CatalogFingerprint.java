package io.convoy.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test-scope description of a database's schema from pg_catalog: schemas, relations, columns (logical
 * position, type, nullability, default), indexes (definition, validity) and constraints
 * (definition), as sorted lines. Two databases with equal fingerprints have the same schema for
 * the purpose of these tests (the real catalog reader comes later).
 */
final class CatalogFingerprint {
    private static final String USER_SCHEMAS = " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
            + " AND n.nspname NOT LIKE 'pg\\_temp%' AND NOT (n.nspname = ANY (?))";
    private static final List<String> QUERIES = List.of(
            "SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE" + USER_SCHEMAS,
            "SELECT 'relation ' || n.nspname || '.' || c.relname || ' kind=' || c.relkind::text FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND" + USER_SCHEMAS,
            "SELECT 'column ' || n.nspname || '.' || c.relname || ' #' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)"
                    + " || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull"
                    + " || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')"
                    + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND" + USER_SCHEMAS,
            "SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid FROM pg_index i"
                    + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" + USER_SCHEMAS,
            "SELECT 'constraint ' || n.nspname || '.' || cl.relname || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)"
                    + " FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
                    + " WHERE" + USER_SCHEMAS);

    private CatalogFingerprint() {}

    static List<String> of(Connection c, Set<String> excludedSchemas) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (String q : QUERIES) {
            try (PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("text", excludedSchemas.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            }
        }
        lines.sort(null);
        return lines;
    }
}

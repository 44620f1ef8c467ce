package io.convoy.core.catalog;

import java.util.Set;
import java.util.regex.Pattern;

/** Quoting of identifiers and literals the way PostgreSQL's quote_ident / quote_literal do it. */
public final class Sql {
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

    /** Every keyword PostgreSQL 15 does not class as unreserved: quote_ident quotes these. */
    private static final Set<String> KEYWORDS = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
            "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
            "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
            "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
            "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
            "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
            "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
            "unique", "user", "using", "variadic", "when", "where", "window", "with",
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose",
            "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal", "exists",
            "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval", "least", "national",
            "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay", "position", "precision", "real",
            "row", "setof", "smallint", "substring", "time", "timestamp", "treat", "trim", "values", "varchar",
            "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
            "xmlpi", "xmlroot", "xmlserialize", "xmltable");

    private Sql() {}

    /** {@code users} stays {@code users}; {@code Users}, {@code order}, {@code a b} get double quotes. */
    public static String ident(String name) {
        if (PLAIN.matcher(name).matches() && !KEYWORDS.contains(name)) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A standard-conforming string literal. */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}

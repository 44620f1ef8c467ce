package io.convoy.core.catalog;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An index that does not back a constraint (those are part of their constraint).
 *
 * @param definition {@code pg_get_indexdef}: a complete CREATE INDEX statement
 * @param keys       key columns or expressions, in order
 * @param include    INCLUDE columns
 * @param columns    every table column the index uses (keys, expressions, predicate), sorted
 * @param valid      false for an index left INVALID by an interrupted CREATE INDEX CONCURRENTLY
 */
public record Index(
        String name,
        String definition,
        boolean unique,
        String method,
        List<String> keys,
        List<String> include,
        Optional<String> predicate,
        List<String> columns,
        boolean valid,
        Optional<String> comment) {

    private static final Pattern HEAD = Pattern.compile("^CREATE (UNIQUE )?INDEX (\"(?:[^\"]|\"\")+\"|\\S+) ON ");

    public Index {
        keys = List.copyOf(keys);
        include = List.copyOf(include);
        columns = List.copyOf(columns);
    }

    /** The definition with the index's own name left out: equal bodies mean a rename would do. */
    public String body() {
        Matcher m = HEAD.matcher(definition);
        return m.find() ? "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX ON " + definition.substring(m.end())
                : definition;
    }

    /** The definition as {@code CREATE INDEX CONCURRENTLY}. */
    public String concurrentDefinition() {
        return definition.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX CONCURRENTLY ");
    }

    @Override
    public String toString() {
        return definition + (valid ? "" : " -- INVALID") + comment.map(c -> " COMMENT " + Sql.literal(c)).orElse("");
    }
}

package io.convoy.core.catalog;

import java.util.Optional;

/**
 * A table column.
 *
 * @param type       {@code format_type} spelling, e.g. {@code character varying(320)}, {@code public.mood[]}
 * @param defaultExpr the default expression (not for generated columns)
 * @param generated  the expression of a {@code GENERATED ALWAYS AS (...) STORED} column
 * @param collation  only when it differs from the type's default collation
 */
public record Column(
        String name,
        String type,
        boolean notNull,
        Optional<String> defaultExpr,
        Optional<Identity> identity,
        Optional<String> generated,
        Optional<String> collation,
        Optional<String> comment) {

    /** The column definition as CREATE TABLE / ADD COLUMN take it. */
    public String definition() {
        StringBuilder sb = new StringBuilder(Sql.ident(name)).append(' ').append(type);
        collation.ifPresent(c -> sb.append(" COLLATE ").append(c));
        generated.ifPresent(g -> sb.append(" GENERATED ALWAYS AS (").append(g).append(") STORED"));
        identity.ifPresent(i -> sb.append(" GENERATED ").append(i.kind()).append(" AS IDENTITY (")
                .append(i.sequenceOptions()).append(')'));
        defaultExpr.ifPresent(d -> sb.append(" DEFAULT ").append(d));
        if (notNull) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return definition() + comment.map(c -> " COMMENT " + Sql.literal(c)).orElse("");
    }
}

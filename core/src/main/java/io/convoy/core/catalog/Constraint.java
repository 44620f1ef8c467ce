package io.convoy.core.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A table constraint.
 *
 * @param definition {@code pg_get_constraintdef} without a trailing {@code NOT VALID}
 * @param validated  false for a constraint added {@code NOT VALID} and not validated since
 * @param columns    the columns it constrains ({@code conkey}), in key order
 */
public record Constraint(
        String name,
        Kind kind,
        String definition,
        boolean validated,
        List<String> columns,
        Optional<ForeignKey> foreignKey,
        Optional<String> comment) {

    public enum Kind {
        PRIMARY_KEY("primary key"), UNIQUE("unique"), CHECK("check"), FOREIGN_KEY("foreign key"), EXCLUSION("exclusion");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Constraint {
        columns = List.copyOf(columns);
    }

    public boolean isForeignKey() {
        return kind == Kind.FOREIGN_KEY;
    }

    /** Same constraint apart from its name and comment. */
    public boolean sameShape(Constraint o) {
        return kind == o.kind && definition.equals(o.definition) && validated == o.validated;
    }

    @Override
    public String toString() {
        return "CONSTRAINT " + Sql.ident(name) + " " + definition + (validated ? "" : " NOT VALID")
                + comment.map(c -> " COMMENT " + Sql.literal(c)).orElse("");
    }
}

package io.convoy.core.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A domain: a base type with a default, NOT NULL and CHECK constraints.
 *
 * @param baseType    {@code format_type} of the base type
 * @param collation   only when it differs from the base type's default collation
 * @param constraints its CHECK constraints, sorted by name
 */
public record Domain(
        QName name,
        String baseType,
        boolean notNull,
        Optional<String> defaultExpr,
        Optional<String> collation,
        List<Constraint> constraints,
        Optional<String> comment) {

    public Domain {
        constraints = constraints.stream().sorted(Comparator.comparing(Constraint::name)).toList();
    }

    public Optional<Constraint> constraint(String constraintName) {
        return constraints.stream().filter(c -> c.name().equals(constraintName)).findFirst();
    }
}

package io.convoy.core.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordinary table. {@code columns} are in physical order (the order CREATE TABLE lists them);
 * equality ignores that order, because PostgreSQL cannot reorder columns without rewriting the
 * table: a column dropped and added back lands at the end and is still the same schema.
 * Constraints and indexes are sorted by name.
 */
public record Table(QName name, List<Column> columns, List<Constraint> constraints, List<Index> indexes, Optional<String> comment) {

    public Table {
        columns = List.copyOf(columns);
        constraints = constraints.stream().sorted(Comparator.comparing(Constraint::name)).toList();
        indexes = indexes.stream().sorted(Comparator.comparing(Index::name)).toList();
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public Optional<Constraint> constraint(String constraintName) {
        return constraints.stream().filter(c -> c.name().equals(constraintName)).findFirst();
    }

    public Optional<Index> index(String indexName) {
        return indexes.stream().filter(i -> i.name().equals(indexName)).findFirst();
    }

    /** Columns sorted by name: the form equality uses. */
    public List<Column> columnsByName() {
        return columns.stream().sorted(Comparator.comparing(Column::name)).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Table t && name.equals(t.name) && columnsByName().equals(t.columnsByName())
                && constraints.equals(t.constraints) && indexes.equals(t.indexes) && comment.equals(t.comment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, columnsByName(), constraints, indexes, comment);
    }
}

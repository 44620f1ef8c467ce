package io.convoy.core.catalog;

/** A column of a table, e.g. what a sequence is OWNED BY. */
public record ColumnRef(QName table, String column) {
    public String sql() {
        return table.sql() + "." + Sql.ident(column);
    }

    @Override
    public String toString() {
        return table.display() + "." + column;
    }
}

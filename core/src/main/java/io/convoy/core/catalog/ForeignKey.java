package io.convoy.core.catalog;

import java.util.List;

/**
 * The structure of a FOREIGN KEY constraint.
 *
 * @param onUpdate / onDelete: {@code NO ACTION}, {@code RESTRICT}, {@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}
 * @param match    {@code SIMPLE}, {@code FULL} or {@code PARTIAL}
 */
public record ForeignKey(
        List<String> columns,
        QName refTable,
        List<String> refColumns,
        String onUpdate,
        String onDelete,
        String match,
        boolean deferrable,
        boolean initiallyDeferred) {
    public ForeignKey {
        columns = List.copyOf(columns);
        refColumns = List.copyOf(refColumns);
    }
}

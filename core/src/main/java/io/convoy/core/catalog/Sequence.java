package io.convoy.core.catalog;

import java.util.Optional;

/**
 * A free-standing sequence (identity sequences belong to their column and are not listed).
 * Its current value is data, not schema, and is not part of the catalog.
 */
public record Sequence(
        QName name,
        String dataType,
        long start,
        long increment,
        long min,
        long max,
        long cache,
        boolean cycle,
        Optional<ColumnRef> ownedBy,
        Optional<String> comment) {

    /** {@code AS bigint INCREMENT BY 1 MINVALUE 1 ...}: every option spelled out. */
    public String options() {
        return "AS " + dataType + " INCREMENT BY " + increment + " MINVALUE " + min + " MAXVALUE " + max
                + " START WITH " + start + " CACHE " + cache + (cycle ? " CYCLE" : " NO CYCLE");
    }
}

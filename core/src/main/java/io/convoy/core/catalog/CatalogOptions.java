package io.convoy.core.catalog;

import java.util.Set;

/**
 * What {@link CatalogReader} leaves out besides PostgreSQL's own schemas ({@code pg_catalog},
 * {@code information_schema}, {@code pg_toast}, temporary schemas).
 *
 * @param excludedSchemas schemas not read at all, by default Convoy's version schema {@code convoy}
 */
public record CatalogOptions(Set<String> excludedSchemas) {
    public CatalogOptions {
        excludedSchemas = Set.copyOf(excludedSchemas);
    }

    public static CatalogOptions defaults() {
        return new CatalogOptions(Set.of("convoy"));
    }

    /** Leaves out {@code versionSchema} (the schema of convoy.version / convoy.history) instead of {@code convoy}. */
    public static CatalogOptions excludingVersionSchema(String versionSchema) {
        return new CatalogOptions(Set.of(versionSchema));
    }

    public CatalogOptions withExcludedSchemas(Set<String> schemas) {
        return new CatalogOptions(schemas);
    }
}

/**
 * A schema catalog read from {@code pg_catalog}: immutable, sorted records without OIDs, so that two
 * databases built from the same DDL have equal catalogs. {@link io.convoy.core.catalog.CatalogReader}
 * reads one; {@link io.convoy.core.catalog.Catalog#describe()} and
 * {@link io.convoy.core.catalog.Catalog#diffText} make differences readable in test failures.
 */
package io.convoy.core.catalog;

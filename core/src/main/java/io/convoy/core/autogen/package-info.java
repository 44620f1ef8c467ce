/**
 * Autogenerate: the revision that takes the current schema to a desired one, with a real downgrade.
 *
 * <p>{@link io.convoy.core.autogen.Autogenerator} builds both sides in a
 * {@link io.convoy.core.shadow.ShadowDatabase} (current: the revisions replayed with the real
 * Migrator, or a live database read read-only; desired: {@code schema/*.sql}), reads their
 * {@link io.convoy.core.catalog.Catalog}s and hands them to {@link io.convoy.core.autogen.Differ}.
 *
 * <p>The Differ emits {@link io.convoy.core.autogen.Change}s, each an upgrade and the downgrade that
 * exactly undoes it, ordered by {@link io.convoy.core.autogen.Phase}; downgrade runs the inverses in
 * reverse order. Changes land in up to three revisions ({@link io.convoy.core.autogen.Part}): enum
 * values added with {@code ALTER TYPE ... ADD VALUE} (committed before anything uses them), the
 * main transactional part, and a non-transactional part with {@code CREATE INDEX CONCURRENTLY} for
 * new indexes on existing tables and {@code VALIDATE CONSTRAINT} for checks and foreign keys added
 * {@code NOT VALID} to existing tables.
 *
 * <p>Renames cannot be seen in two catalogs: a dropped plus an added table or column is flagged
 * {@code -- REVIEW:} with the {@code --rename} hint that would keep the data
 * ({@link io.convoy.core.autogen.RenameHints}). Hints are applied to a copy of the current database
 * first, so PostgreSQL itself shows what follows a rename.
 *
 * <p>Known limits (reported, not silently wrong): removing or reordering enum labels recreates the
 * type and converts every column through text; functions taking the enum, and CHECK constraints or
 * index predicates comparing it with a literal, must be handled by hand (a REVIEW note names the
 * functions). A function whose result or arguments change is dropped and recreated; views and
 * defaults that use it block that (REVIEW note). Not compared at all: ownership and privileges,
 * row-level security, partitioned tables and partitions, inheritance, domains, composite and range
 * types, aggregates, rules, publications, statistics objects, tablespaces and storage parameters
 * of tables. Column order is not compared (PostgreSQL cannot reorder columns without a rewrite).
 */
package io.convoy.core.autogen;

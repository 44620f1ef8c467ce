/**
 * Rollback verification on a shadow PostgreSQL, the stairway of {@link io.convoy.core.rollback.RollbackVerifier}:
 * upgrade, downgrade, compare the catalog with the one before (autogenerate's Differ), upgrade again.
 */
package io.convoy.core.rollback;

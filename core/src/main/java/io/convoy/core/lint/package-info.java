/**
 * Lock-safety lint measured on a shadow PostgreSQL ({@link io.convoy.core.lint.ShadowLinter}) plus static rules
 * ({@link io.convoy.core.lint.StaticRules}). Rule ids are stable ({@link io.convoy.core.lint.Rule}):
 * <ul>
 *   <li>measured: CV001 rewrite under ACCESS EXCLUSIVE, CV002 CREATE INDEX without CONCURRENTLY on an existing
 *       table, CV003 FK/CHECK validated while added (or validated in the transaction that added it NOT VALID),
 *       CV004 SET NOT NULL without a validated CHECK, CV005 volatile default (rewrite), CV006 type change that
 *       rewrites, CV007 drop/rename of a table or column, CV010 statement fails on the shadow, CV011 ACCESS
 *       EXCLUSIVE without rewrite (info), CV013 generated rows conflict (info);</li>
 *   <li>static: CV008 CONCURRENTLY in a transactional revision, CV009 no downgrade, CV012 whole-table
 *       UPDATE/DELETE.</li>
 * </ul>
 * "Existing" means present before the revision's first statement; the shadow fills every table with generated
 * rows so that scans and rewrites have work to do.
 */
package io.convoy.core.lint;

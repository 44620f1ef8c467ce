/**
 * Applying plans to one PostgreSQL database, online ({@link io.convoy.core.apply.Migrator}) and
 * offline ({@link io.convoy.core.apply.OfflineRenderer}).
 *
 * <h2>One action sequence, two interpreters</h2>
 * {@link io.convoy.core.apply.StepActions} turns a plan into a list of
 * {@link io.convoy.core.apply.SqlAction}s: session settings and version-table DDL, the migration
 * lock, and per step {@code SET lock_timeout}, {@code SET statement_timeout}, BEGIN, the expected
 * heads, the revision's statements, the version update and history row, COMMIT (non-transactional
 * steps: every statement in autocommit followed by a progress mark, then one small transaction for
 * the version/history rows). The online runner executes that list; the offline renderer prints it.
 * Convoy's own statements are {@link io.convoy.core.apply.BoundStatement}s: bound parameters
 * online, literals offline ({@code now()}/{@code clock_timestamp()} for times). Guards that change
 * nothing (expected heads MIG004, left-over invalid index MIG014, migration lock MIG012) are Java
 * queries online and raising {@code DO} blocks offline.
 *
 * <h2>Tables (schema {@code ApplyOptions.versionSchema}, default {@code convoy})</h2>
 * {@code version(version_num)} one row per head; {@code history} append-only (applied and failed
 * steps, stamps; the latest applied upgrade's checksum is what {@code check} compares; the
 * SQLSTATE of a failure is in {@code sql_state}; and one {@code checkpoint} row per committed batch of a batched
 * statement, see below); {@code progress} completed statements of an unfinished non-transactional step (resume
 * point, deleted when the step finishes). A history table created before checkpoints existed is brought to the
 * current shape once, by the same idempotent DDL ({@link io.convoy.core.apply.VersionTables#ddl()}), when the one
 * catalog query a run starts with finds its checkpoint index missing.
 *
 * <h2>Batched statements</h2>
 * A statement under {@code -- convoy:batch:} ({@link io.convoy.core.script.BatchDirective}, only in
 * non-transactional revisions) is a {@link io.convoy.core.apply.SqlAction.Batched} action. Online
 * {@link io.convoy.core.apply.BatchRunner} walks the key in keyset batches, each one transaction holding the batch
 * and the {@code checkpoint} row it appends to {@code history} (statement index, last key, keys/rows done, batches;
 * {@link io.convoy.core.apply.BatchCheckpoints}), so a crash, a halt or a failed attempt resumes after the last
 * committed key and touches every row once, while a step recorded applied (or a downgrade, or a stamp) after
 * those rows makes the next run of the revision start over; the chunk adapts toward target_ms
 * ({@link io.convoy.core.apply.BatchPacer}); before every batch a {@link io.convoy.core.apply.MigrationEvent.BatchProgress}
 * goes to the listener, which may block (a halt: pause) or throw (a stop), and with max_lag the runner waits while
 * {@code pg_stat_replication} shows more lag ({@link io.convoy.core.apply.BatchEnvironment}: sleeper and probe
 * injectable). Readers that mean steps ({@code check}, {@link io.convoy.core.apply.Migrator#history()}, the
 * executor) leave checkpoint rows out. Offline the statement is a top-level {@code DO} block that loops over the
 * same batches with COMMIT, appends the same checkpoint rows and resumes from the same checkpoint, but checks no
 * lag and cannot be halted.
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li>A downgrade of a revision without a downgrade section is MIG020 (a request that cannot be
 *       carried out), raised before anything runs.</li>
 *   <li>A second concurrent run waits for the lock, then re-checks the database heads against
 *       its plan: MIG004 if the first run moved them, MIG012 if the lock is not freed in time.</li>
 *   <li>Lock timeouts and deadlocks are retried per step; only the final failure is written to
 *       history (MIG003, naming the blockers sampled from a second connection while waiting).</li>
 *   <li>A stamp writes one history row per head ({@code base} when it empties the table), without checksum.</li>
 * </ul>
 */
package io.convoy.core.apply;

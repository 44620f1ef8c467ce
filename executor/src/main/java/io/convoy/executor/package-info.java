/**
 * The executor service: consumes {@code convoy.commands}, applies each step to its target database with the
 * engine's primitives, and publishes a step event for every state change.
 *
 * <h2>Effectively once</h2>
 * Each command is applied under the target's migration lock, only if the database is at the command's expected
 * heads (otherwise FAILED MIG004, nothing applied), and its version and history rows (with the plan and command
 * ids) commit in the step's own transaction. The command's offset is committed only after its step events and
 * the target state are acknowledged by the brokers. A command delivered again (crash, rebalance) finds its
 * {@code applied} row in convoy.history: its APPLIED event is published again and nothing runs again.
 *
 * <h2>Targets side by side</h2>
 * The commands of one target (the record key) run strictly one after the other, in offset order; those of
 * different targets run at the same time on {@code worker_threads} workers, also when they share a partition. A
 * partition's offset is committed up to its lowest unfinished command, so a halted or slow target holds back the
 * commit of its partition (its later commands come again after a crash, and are recognised in convoy.history) but
 * not the other targets' commands. A target's commands fetched one behind the other run as one <b>run</b> on one
 * worker, in one migration session holding the target's migration lock throughout
 * ({@link io.convoy.executor.step.StepProcessor#processRun}), which also serves to find who blocks a waiting
 * statement only once a statement has waited (a second session is opened then): each command is still decided
 * from convoy.history (except the upgrade step right after one the run just applied, about which the history
 * cannot know anything under that lock), applied in its own transaction with its history row and events; the
 * events are sent as they happen, the run awaits their acknowledgements once, at its end, and only then are its
 * commands done and committed. The run stops after a failure or an interruption, and between two commands when
 * its partition is revoked or the executor stops. PostgreSQL sessions are kept between runs and reset with {@code DISCARD ALL}, at most four idle
 * per worker over all targets ({@link io.convoy.executor.step.TargetSessions}); {@code application_name} is set per
 * plan as before. {@code metrics_port} serves {@code /metrics} and {@code /health}.
 *
 * <h2>A failed step stops its plan on that target</h2>
 * After a FAILED step (or a refused one), the later commands of the same plan for the same target are SKIPPED.
 * This is read from convoy.history, so any executor of the group reaches the same decision: a command is
 * skipped when another step of its plan failed there, or when fewer of the plan's earlier steps are applied
 * than its position ({@code step_index}) says.
 *
 * <h2>Targets</h2>
 * Each executor lists its targets and their credentials in its own targets file
 * ({@link io.convoy.executor.targets.TargetsFile}); passwords come from environment variables or files and are
 * masked in every log line and event. A command for a target the executor does not know fails with MIG020:
 * <b>every executor of a consumer group must know every target</b>, since a rebalance may hand any partition,
 * hence any target, to any of them.
 *
 * <h2>Poison messages</h2>
 * A record that cannot be decoded or validated goes to {@code convoy.dlq} with its original key and value bytes,
 * its coordinates and the reason; the executor carries on with the next record.
 *
 * <h2>Halts</h2>
 * {@link io.convoy.executor.step.StepGate} is asked before every statement. {@link io.convoy.executor.halt.HaltGate}
 * is the gate fed by {@code convoy.control} (read from its beginning at start-up, then followed): a halt covering a
 * target ({@code all}, {@code cluster:<the target's cluster in the targets file>}, {@code target:<id>}) publishes
 * HALTED and holds the target's next statement (and the commands queued behind it, uncommitted, not failed) until it
 * is lifted, then RESUMED; a PANIC also cancels the running statement. See {@code HaltGate} for where a step waits
 * and where it is rolled back to run again.
 */
package io.convoy.executor;

package io.convoy.executor.halt;

import io.convoy.core.util.Secrets;
import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandSteps;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.step.StepInterrupted;
import io.convoy.executor.step.StepUpdate;
import io.convoy.executor.targets.Target;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.HaltState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The halts of convoy.control as a {@link StepGate}: before every statement (and before a step's first one) it
 * asks the {@link HaltState} whether a halt covers the command's target ({@code all}, {@code cluster:<the target's
 * cluster>}, {@code target:<id>}). When one does:
 * <ul>
 *   <li><b>before a step starts</b> (nothing of it ran): it publishes HALTED and throws {@link StepInterrupted}.
 *       The command is not committed and stays at the head of its target's queue; {@link #holds} tells the executor
 *       not to start it again while the halt lasts, so that a halted target holds no worker thread (a halt of a
 *       cluster with more targets than workers would otherwise stop every other target of the executor). Once the
 *       halt is lifted the command starts again, publishes RESUMED and runs;</li>
 *   <li><b>between the statements of a non-transactional step</b> (each is committed and its progress mark
 *       written) and <b>between two batches of a batched statement</b> (each committed with its checkpoint): it publishes HALTED, blocks until the halt is lifted, publishes RESUMED and lets the next
 *       statement start. The step goes on exactly where it stopped;</li>
 *   <li><b>between the statements of a transactional step</b>: waiting there would keep the transaction, and the
 *       locks its DDL took, for as long as the halt lasts (an ACCESS EXCLUSIVE lock held for an hour is an
 *       outage). It publishes HALTED and throws {@link StepInterrupted}: the step is rolled back, the command is
 *       not committed and comes again, and is then held before it starts (as above). Nothing of a transactional
 *       step exists until it commits, so starting it again from its first statement <em>is</em> continuing
 *       where it stopped. HALTED is published once per halt and command; RESUMED when it is lifted.</li>
 * </ul>
 * Where the gate blocks, it blocks the worker thread of the halted target only (other targets go on on other
 * workers). The poll thread keeps polling, so the executor stays in its group; the held or waiting command and those
 * queued after it are neither failed nor committed.
 *
 * <p>Waiting is on a monitor notified by the control feed's listener ({@link #onControl}), with a bounded wait
 * so that {@link #close()} is noticed: a closed gate interrupts a waiting step where it may
 * ({@link StatementContext#interruptible()}), and keeps a non-transactional step waiting otherwise (it can
 * neither stop nor, halted, go on).
 *
 * <p>PANIC: besides halting, the statement running on a covered target is cancelled with
 * {@code pg_cancel_backend} from a separate connection, found in pg_stat_activity by the session's
 * application_name ({@code convoy-executor/<plan>/<target>}). A cancelled transactional step rolls back; the
 * executor records it as an interruption (not a failure) and the step runs again after RESUME.
 */
public final class HaltGate implements StepGate, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaltGate.class);
    /** Longest single wait on the monitor: how soon close() is noticed by a waiting step. */
    private static final Duration TICK = Duration.ofMillis(250);

    private final TargetsFile targets;
    private final HaltState state;
    private final Object monitor = new Object();
    /** Commands whose HALTED was published and whose RESUMED was not yet. */
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    /** Targets whose step was interrupted before its start by a halt: not to be started while the halt lasts. */
    private final Set<String> heldBeforeStart = ConcurrentHashMap.newKeySet();
    /** Commands whose running statement a PANIC cancelled. */
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** The latest command that asked the gate, per target (several targets run at once). */
    private final java.util.Map<String, Command> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public HaltGate(TargetsFile targets, HaltState state) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.state = Objects.requireNonNull(state, "state");
    }

    public HaltState state() {
        return state;
    }

    /** Whether a halt covers the target now (its cluster from the targets file). */
    public boolean isHalted(String targetId) {
        return state.isHalted(targetId, cluster(targetId));
    }

    /**
     * Whether the executor should leave the target's queued commands where they are: a step of it was interrupted
     * before its start by a halt that still covers it. False again once the halt is lifted.
     */
    public boolean holds(String targetId) {
        if (!heldBeforeStart.contains(targetId)) {
            return false;
        }
        if (isHalted(targetId)) {
            return true;
        }
        heldBeforeStart.remove(targetId);
        return false;
    }

    private String cluster(String targetId) {
        return targets.get(targetId).flatMap(Target::cluster).orElse(null);
    }

    @Override
    public void beforeStatement(StatementContext context) {
        Command c = context.command();
        running.put(c.targetId(), c);
        String target = c.targetId();
        String cluster = cluster(target);
        if (!state.isHalted(target, cluster)) {
            heldBeforeStart.remove(target);
            if (announced.remove(c.commandId())) {
                // Halted earlier (then interrupted and delivered again), lifted meanwhile.
                context.reporter().report(StepUpdate.Status.RESUMED, "halt lifted; " + where(context));
            }
            return;
        }
        if (announced.add(c.commandId())) {
            String why = describe(state.haltsCovering(target, cluster));
            log.info("{}: HALTED {}: {}", c.describe(), where(context), why);
            context.reporter().report(StepUpdate.Status.HALTED, "halted " + where(context) + ": " + why);
        }
        if (context.stepStart() && context.interruptible()) {
            heldBeforeStart.add(target);
            throw new StepInterrupted("halted before the step started (nothing of it ran): it waits in its queue, without a"
                    + " worker, until the halt is lifted");
        }
        // Interruptible between statements of a non-transactional step only between two batches of a batched
        // statement: each batch is committed with its checkpoint, so it pauses there like before a first statement.
        if (context.interruptible() && context.statement() > 1 && c.transactional()) {
            throw new StepInterrupted("halted inside a transactional step (before statement " + context.statement() + " of "
                    + context.statementCount() + "): rolled back, runs again from its start once the halt is lifted");
        }
        long waitedFrom = System.nanoTime();
        synchronized (monitor) {
            while (state.isHalted(target, cluster)) {
                if (closed && context.interruptible()) {
                    throw new StepInterrupted("executor closing while halted (before statement " + context.statement() + " of "
                            + context.statementCount() + ")");
                }
                try {
                    monitor.wait(TICK.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StepInterrupted("interrupted while halted");
                }
            }
        }
        announced.remove(c.commandId());
        long waitedMs = (System.nanoTime() - waitedFrom) / 1_000_000;
        log.info("{}: RESUMED after {} ms, {}", c.describe(), waitedMs, where(context));
        context.reporter().report(StepUpdate.Status.RESUMED, "halt lifted after " + waitedMs + " ms; " + where(context));
    }

    private static String where(StatementContext context) {
        return context.statement() == 1 ? "before the step's first statement (attempt " + context.attempt() + ")"
                : "before statement " + context.statement() + " of " + context.statementCount();
    }

    private static String describe(List<HaltState.Halt> halts) {
        if (halts.isEmpty()) {
            return "halt";
        }
        return halts.stream().map(h -> h.action() + " of " + h.scope() + " by " + h.origin().name().toLowerCase(java.util.Locale.ROOT)
                + " " + h.actor() + (h.reason() == null || h.reason().isEmpty() ? "" : " (" + h.reason() + ")"))
                .collect(Collectors.joining("; "));
    }

    /**
     * The control feed's listener (its thread): wakes waiting steps, and on a PANIC cancels the statement running
     * on a covered target.
     */
    public void onControl(String key, ControlRecord record) {
        synchronized (monitor) {
            monitor.notifyAll();
        }
        for (Command c : List.copyOf(running.values())) {
            if (state.isPanicked(c.targetId(), cluster(c.targetId()))) {
                cancel(c);
            }
        }
    }

    /** Cancels the statement the command's session runs, if any; remembers it for {@link #cancelledByPanic}. */
    private void cancel(Command c) {
        Optional<Target> target = targets.get(c.targetId());
        if (target.isEmpty()) {
            return;
        }
        String app = CommandSteps.applicationName(c.planId(), c.targetId());
        cancelled.add(c.commandId());
        try (Connection conn = target.get().connectionSource().open();
                PreparedStatement ps = conn.prepareStatement("SELECT pid, pg_cancel_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = ? AND state <> 'idle' AND pid <> pg_backend_pid()")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    log.warn("{}: PANIC: cancelled the running statement of backend {} ({})", c.describe(), rs.getInt(1),
                            rs.getBoolean(2) ? "signalled" : "not signalled");
                }
            }
        } catch (SQLException e) {
            log.error("{}: PANIC: could not cancel the running statement on {}: {}", c.describe(),
                    target.get().connectionSource().describe(), Secrets.mask(String.valueOf(e.getMessage())));
        }
    }

    /**
     * True (once) when a PANIC cancelled the statement of this command: its failure is an interruption, the step
     * runs again after RESUME.
     */
    public boolean cancelledByPanic(String commandId) {
        return cancelled.remove(commandId);
    }

    /** Wakes waiting steps: those that may stop are interrupted. */
    @Override
    public void close() {
        closed = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}

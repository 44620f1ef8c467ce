package io.convoy.executor.step;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.Migrator;
import io.convoy.core.apply.VersionStore;
import io.convoy.core.apply.VersionTables;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.util.Secrets;
import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandSteps;
import io.convoy.executor.targets.Target;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.core.error.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one command against its target database, with the engine's primitives, and says how it ended.
 * In order:
 * <ol>
 *   <li>no credentials for the target: FAILED MIG020 (every executor of a group must know every target);</li>
 *   <li>convoy.history has an {@code applied} row with the command id: a redelivery; APPLIED is published again
 *       (with the recorded duration) and nothing runs; a real failure row of the command: FAILED again;</li>
 *   <li>another step of the plan failed on this target, or fewer earlier steps of the plan are applied than the
 *       command's position (an earlier one was refused, failed or skipped): SKIPPED, the plan stops here;</li>
 *   <li>a downgrade whose revision was applied from a script with another checksum: FAILED MIG004;</li>
 *   <li>otherwise {@link Migrator#apply} of the one-step plan: under the migration lock, heads checked (MIG004,
 *       nothing applied), lock_timeout/statement_timeout per statement, retries on lock timeout (RETRYING),
 *       the version and history rows in the step's transaction.</li>
 * </ol>
 * STARTED, RETRYING (and a gate's HALTED/RESUMED) go to the sink as they happen; the final update is returned
 * with the target's heads, for the caller to publish with the target state. Messages are masked.
 */
public final class StepProcessor {
    private static final Logger log = LoggerFactory.getLogger(StepProcessor.class);
    /** History rows read at start-up to find a target's latest plan and failure. */
    private static final int RECENT_ROWS = 50;

    /** How a command ended. */
    public sealed interface Result {
        /**
         * The command is done: publish {@code update} (APPLIED, FAILED or SKIPPED), then commit.
         *
         * @param heads the target's heads as read after the step, empty when the database could not be read
         */
        record Done(StepUpdate update, Optional<Set<String>> heads) implements Result {}

        /** A gate stopped the step before it finished; it was rolled back. Do not commit: it runs again. */
        record Interrupted(String reason) implements Result {}
    }

    private final TargetsFile targets;
    private final ApplyOptions base;
    private final StepGate gate;
    private final Clock clock;
    private final String missingTargetHint;
    private final VersionTables tables;
    private final HistoryReader history;
    private final Predicate<String> cancelledByGate;
    private final Function<Target, ConnectionSource> sources;
    /** Targets whose convoy.history was seen: read without asking whether it exists first. */
    private final Set<String> historySeen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param base              apply options of this executor (version schema, retries, lock wait, who applies)
     * @param missingTargetHint appended to the MIG020 message of an unknown target (names the executor and group)
     */
    public StepProcessor(TargetsFile targets, ApplyOptions base, StepGate gate, Clock clock, String missingTargetHint) {
        this(targets, base, gate, clock, missingTargetHint, commandId -> false);
    }

    /**
     * @param cancelledByGate whether the running statement of a command (by id) was cancelled on purpose (a PANIC):
     *                        then its failure is recorded as an interruption and the step runs again later
     */
    public StepProcessor(TargetsFile targets, ApplyOptions base, StepGate gate, Clock clock, String missingTargetHint,
            Predicate<String> cancelledByGate) {
        this(targets, base, gate, clock, missingTargetHint, cancelledByGate, Target::connectionSource);
    }

    /**
     * @param sources where a target's connections come from (e.g. {@link TargetSessions#source}, reusing sessions);
     *                the processor is then safe to use from several threads at once, for different targets
     */
    public StepProcessor(TargetsFile targets, ApplyOptions base, StepGate gate, Clock clock, String missingTargetHint,
            Predicate<String> cancelledByGate, Function<Target, ConnectionSource> sources) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.cancelledByGate = Objects.requireNonNull(cancelledByGate, "cancelledByGate");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.base = Objects.requireNonNull(base, "base");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.missingTargetHint = Objects.requireNonNull(missingTargetHint, "missingTargetHint");
        this.tables = new VersionTables(base.versionSchema());
        this.history = new HistoryReader(tables);
    }

    public Result process(Command c, Consumer<StepUpdate> sink) {
        Optional<Target> target = targets.get(c.targetId());
        if (target.isEmpty()) {
            return done(StepUpdates.failed(c, ErrorCode.MIG020, Optional.empty(), "no credentials for target " + c.targetId()
                    + ": it is not in the targets file " + targets.file() + " of this executor (" + missingTargetHint
                    + "); nothing was applied", 0, Optional.empty(), c.expectedFromHeads(), clock.instant()), Optional.empty());
        }
        ConnectionSource source = sources.apply(target.get());
        Optional<Result> decided;
        long t0 = System.nanoTime();
        try (Connection conn = source.open()) {
            decided = fromHistory(c, conn, historySeen.contains(c.targetId()));
        } catch (SQLException first) {
            historySeen.remove(c.targetId());
            try (Connection conn = source.open()) {
                decided = fromHistory(c, conn, false);
            } catch (SQLException e) {
                return unreachable(c, source, e);
            }
        }
        if (decided.isPresent()) {
            return decided.get();
        }
        long t1 = System.nanoTime();
        Result result = apply(c, source, sink);
        if (log.isDebugEnabled()) {
            log.debug("{}: timing: history check {} ms, apply {} ms", c.describe(), (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        }
        return result;
    }

    /**
     * Carries out a run of consecutive commands of one target, in order, in one migration session that holds the
     * target's migration lock throughout ({@link Migrator#hold}): each command is decided and applied exactly as
     * {@link #process} does it (history check, its own transaction, history row and events), but the sessions, the
     * lock and the version-table lookup are taken once for the run. {@code after} gets each command's result as
     * soon as it is known, and says whether to go on. The run stops after a command that did not end APPLIED or
     * SKIPPED by its history (a failure, an interruption: the later commands then decide from convoy.history in a run
     * of their own, e.g. SKIPPED after a failure), when {@code after} says so, or when the session breaks. Returns
     * how many commands got a result; the rest were not started and run again later.
     */
    public int processRun(List<Command> commands, Consumer<StepUpdate> sink, java.util.function.BiPredicate<Command, Result> after) {
        if (commands.isEmpty()) {
            return 0;
        }
        Command first = commands.get(0);
        Optional<Target> target = targets.get(first.targetId());
        if (commands.size() == 1 || target.isEmpty()) {
            after.test(first, process(first, sink));
            return 1;
        }
        ConnectionSource source = sources.apply(target.get());
        Migrator.Held held;
        try {
            held = new Migrator(source, CommandSteps.options(base, first), clock, lockWaitLog(first)).hold();
        } catch (ConvoyException e) {
            // Lock busy, database unreachable: the single path reports it as it always did.
            log.debug("{}: no session for a run of {} commands ({}): one command alone", first.describe(), commands.size(),
                    Secrets.mask(e.getMessage()));
            after.test(first, process(first, sink));
            return 1;
        }
        int handled = 0;
        Command appliedBefore = null;
        try (held) {
            for (Command c : commands) {
                if (!c.targetId().equals(first.targetId())) {
                    throw new IllegalArgumentException("a run holds the commands of one target: " + c.describe());
                }
                Optional<Result> result = inSession(c, held, source, sink, follows(c, appliedBefore));
                if (result.isEmpty()) {
                    break;
                }
                handled++;
                appliedBefore = appliedHere(result.get()) ? c : null;
                boolean goOn = after.test(c, result.get());
                if (!goOn || !(result.get() instanceof Result.Done done) || !runGoesOn(done)) {
                    break;
                }
            }
        }
        return handled;
    }

    /** After which outcomes a run goes on in its session: an application, or a decision read from the history. */
    private static boolean runGoesOn(Result.Done done) {
        return done.update().status() == StepUpdate.Status.APPLIED || done.update().status() == StepUpdate.Status.SKIPPED;
    }

    /**
     * Whether a result is an application by this session: APPLIED without a message (an APPLIED decided from
     * convoy.history, a redelivery, always says "already applied").
     */
    private static boolean appliedHere(Result r) {
        return r instanceof Result.Done d && d.update().status() == StepUpdate.Status.APPLIED && d.update().message().isEmpty();
    }

    /**
     * Whether {@code c} is the upgrade step right after {@code applied}, of the same plan, which this run has just
     * applied in this session. Then convoy.history cannot tell anything about {@code c}: under the lock held since,
     * nothing else wrote there; a row of {@code c} from before would have needed the heads {@code applied} moved
     * away from, so {@code applied} would not have applied. Its history check is left out (one round trip per step).
     * Downgrades keep theirs: it also compares the checksum of the revision's last upgrade.
     */
    static boolean follows(Command c, Command applied) {
        return applied != null && c.direction() == Direction.UPGRADE && applied.direction() == Direction.UPGRADE
                && c.planId().equals(applied.planId()) && c.stepIndex() == applied.stepIndex() + 1;
    }

    /**
     * One command of a run, in the held session; empty when the session broke (nothing was decided or applied).
     * With {@code followsApplied} ({@link #follows}), its history check is left out.
     */
    private Optional<Result> inSession(Command c, Migrator.Held held, ConnectionSource source, Consumer<StepUpdate> sink,
            boolean followsApplied) {
        if (followsApplied) {
            return Optional.of(apply(c, source, sink, run -> held.apply(CommandSteps.plan(c), CommandSteps.options(base, c), run)));
        }
        Optional<Result> decided;
        try {
            decided = fromHistory(c, held.connection(), historySeen.contains(c.targetId()));
        } catch (SQLException e) {
            historySeen.remove(c.targetId());
            log.debug("{}: reading convoy.history in the run's session failed ({}): the command runs again alone", c.describe(),
                    Secrets.mask(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
        if (decided.isPresent()) {
            return decided;
        }
        return Optional.of(apply(c, source, sink, run -> held.apply(CommandSteps.plan(c), CommandSteps.options(base, c), run)));
    }

    private static Consumer<io.convoy.core.apply.MigrationEvent> lockWaitLog(Command c) {
        return event -> {
            if (event instanceof io.convoy.core.apply.MigrationEvent.WaitingForMigrationLock w) {
                log.info("{}: waiting for the migration lock of {} ({} ms of {} ms)", c.describe(), w.database(),
                        w.waited().toMillis(), w.limit().toMillis());
            }
        };
    }

    private Optional<Result> fromHistory(Command c, Connection conn) throws SQLException {
        return fromHistory(c, conn, false);
    }

    private Optional<Result> fromHistory(Command c, Connection conn, boolean historyKnown) throws SQLException {
        Instant now = clock.instant();
        PlanHistory plan = history.plan(conn, c.planId(), historyKnown);
        if (!historyKnown && !plan.rows().isEmpty()) {
            historySeen.add(c.targetId());
        }
        Optional<HistoryRow> applied = plan.applied(c.commandId());
        if (applied.isPresent()) {
            HistoryRow row = applied.get();
            if (!row.revision().equals(c.revision()) || !row.direction().equals(c.direction().verb())) {
                return Optional.of(done(StepUpdates.failed(c, ErrorCode.MIG004, Optional.empty(), "command " + c.commandId()
                        + " is recorded as " + row.direction() + " of " + row.revision() + " (" + row.where() + "), but it now"
                        + " asks for " + c.direction().verb() + " of " + c.revision() + ": two different commands share one id;"
                        + " nothing was applied", 0, Optional.empty(), heads(conn), now), Optional.of(heads(conn))));
            }
            log.info("{}: already applied ({}); publishing APPLIED again instead of applying", c.describe(), row.where());
            return Optional.of(done(StepUpdates.applied(c, row.duration(), 1, Optional.of("already applied (" + row.where()
                    + "): event published again, nothing applied again"), now), Optional.of(heads(conn))));
        }
        Optional<HistoryRow> failed = plan.failed(c.commandId());
        if (failed.isPresent()) {
            HistoryRow row = failed.get();
            log.info("{}: already failed ({}); publishing FAILED again instead of applying", c.describe(), row.where());
            return Optional.of(done(StepUpdates.failed(c, errorCode(row.errorCode()), row.sqlState(), "already failed ("
                    + row.where() + "): " + row.error().orElse("no message recorded"), 0, Optional.of(row.duration()),
                    heads(conn), now), Optional.of(heads(conn))));
        }
        Optional<HistoryRow> earlier = plan.failureOfAnotherStep(c.commandId());
        if (earlier.isPresent()) {
            HistoryRow row = earlier.get();
            return Optional.of(skipped(c, conn, "plan " + c.planId() + " stopped on target " + c.targetId() + ": its step "
                    + row.direction() + " of " + row.revision() + " (command " + row.commandId().orElse("?") + ") failed with "
                    + row.errorCode().orElse("an error") + " (" + row.where() + ")"));
        }
        long appliedSteps = plan.appliedSteps(c.commandId());
        if (appliedSteps < c.stepIndex()) {
            return Optional.of(skipped(c, conn, "plan " + c.planId() + " stopped on target " + c.targetId() + ": " + appliedSteps
                    + " of the " + c.stepIndex() + " step(s) before this one are applied (an earlier step was refused, failed"
                    + " or skipped)"));
        }
        if (c.direction() == Direction.DOWNGRADE) {
            Optional<HistoryRow> up = history.lastUpgrade(conn, c.revision());
            if (up.isPresent() && up.get().checksum().isPresent() && !up.get().checksum().get().equals(c.checksum())) {
                return Optional.of(done(StepUpdates.failed(c, ErrorCode.MIG004, Optional.empty(), "revision " + c.revision()
                        + " was applied from a script with checksum " + up.get().checksum().get() + " (" + up.get().where()
                        + "), but the downgrade comes from a script with checksum " + c.checksum()
                        + ": the script changed since it was applied; nothing was applied", 0, Optional.empty(), heads(conn), now),
                        Optional.of(heads(conn))));
            }
        }
        return Optional.empty();
    }

    private Result skipped(Command c, Connection conn, String reason) throws SQLException {
        Set<String> heads = heads(conn);
        log.info("{}: SKIPPED: {}", c.describe(), reason);
        return done(StepUpdates.skipped(c, reason, heads, clock.instant()), Optional.of(heads));
    }

    private Result apply(Command c, ConnectionSource source, Consumer<StepUpdate> sink) {
        return apply(c, source, sink, run -> new Migrator(source, CommandSteps.options(base, c), clock, run).apply(CommandSteps.plan(c)));
    }

    /** {@link #apply(Command, ConnectionSource, Consumer)} with the plan applied by {@code applier} (own or held session). */
    private Result apply(Command c, ConnectionSource source, Consumer<StepUpdate> sink, Function<CommandRun, Set<String>> applier) {
        CommandRun run = new CommandRun(c, sink, gate, clock);
        try {
            Set<String> heads = applier.apply(run);
            historySeen.add(c.targetId());
            Instant now = clock.instant();
            StepUpdate update = run.applied()
                    .map(a -> StepUpdates.applied(c, a.duration(), a.attempts(), Optional.empty(), now))
                    .orElseThrow(() -> new IllegalStateException("the engine applied " + c.describe() + " without a StepApplied event"));
            log.info("{}: APPLIED in {} ms ({} attempt(s)), heads now {}", c.describe(), update.duration().orElseThrow().toMillis(),
                    update.attempts(), Command.heads(heads));
            return done(update, Optional.of(heads));
        } catch (StepInterrupted e) {
            log.info("{}: {}; rolled back, it runs again when delivered again", c.describe(), e.getMessage());
            return new Result.Interrupted(e.getMessage());
        } catch (ConvoyException e) {
            if (e.sqlState().filter(SqlStates.QUERY_CANCELED::equals).isPresent() && cancelledByGate.test(c.commandId())) {
                markInterrupted(c, source);
                log.warn("{}: its running statement was cancelled by a PANIC; rolled back where transactional, it runs again"
                        + " when delivered again", c.describe());
                return new Result.Interrupted("statement cancelled by a PANIC");
            }
            Optional<Set<String>> heads = readHeads(source);
            if (e.code() == ErrorCode.MIG004) {
                // Another executor may have applied this very command meanwhile (a rebalance): then it is a redelivery.
                Optional<Result> again = recheck(c, source);
                if (again.isPresent()) {
                    return again.get();
                }
            }
            log.warn("{}: FAILED: {}", c.describe(), Secrets.mask(e.toString()));
            return done(StepUpdates.failed(c, e, run.attempts(), Optional.of(run.sinceStart(clock.instant())),
                    heads.orElse(c.expectedFromHeads()), clock.instant()), heads);
        } catch (RuntimeException e) {
            log.error("{}: FAILED unexpectedly", c.describe(), e);
            Optional<Set<String>> heads = readHeads(source);
            return done(StepUpdates.failed(c, ErrorCode.MIG099, Optional.empty(), "unexpected error: " + e, run.attempts(),
                    Optional.of(run.sinceStart(clock.instant())), heads.orElse(c.expectedFromHeads()), clock.instant()), heads);
        }
    }

    /**
     * The engine recorded the cancelled step as failed: its row becomes an interruption's (the error text starts with
     * {@link StepInterrupted#MARKER}), so that the command runs again instead of being failed when delivered again.
     */
    private void markInterrupted(Command c, ConnectionSource source) {
        String table = tables.historyTable();
        try (Connection conn = source.open(); PreparedStatement ps = conn.prepareStatement("UPDATE " + table
                + " SET error = ? || coalesce(error, '') WHERE id = (SELECT max(id) FROM " + table
                + " WHERE command_id = ? AND outcome = 'failed')")) {
            ps.setString(1, StepInterrupted.MARKER + "PANIC cancelled the running statement: ");
            ps.setString(2, c.commandId());
            ps.executeUpdate();
        } catch (SQLException e) {
            log.error("{}: could not mark the cancelled step as interrupted in {} (it will be reported FAILED when delivered"
                    + " again): {}", c.describe(), table, Secrets.mask(String.valueOf(e.getMessage())));
        }
    }

    private Optional<Result> recheck(Command c, ConnectionSource source) {
        try (Connection conn = source.open()) {
            PlanHistory plan = history.plan(conn, c.planId());
            if (plan.applied(c.commandId()).isPresent()) {
                return fromHistory(c, conn);
            }
        } catch (SQLException e) {
            log.debug("re-reading the history of {} failed: {}", source.describe(), Secrets.mask(e.getMessage()));
        }
        return Optional.empty();
    }

    private Result unreachable(Command c, ConnectionSource source, SQLException e) {
        String message = "cannot read convoy.history of " + source.describe() + " (SQLSTATE " + e.getSQLState() + "): "
                + oneLine(e.getMessage()) + "; nothing was applied";
        log.warn("{}: FAILED: {}", c.describe(), Secrets.mask(message));
        return done(StepUpdates.failed(c, ErrorCode.MIG021, Optional.ofNullable(e.getSQLState()), message, 0, Optional.empty(),
                c.expectedFromHeads(), clock.instant()), Optional.empty());
    }

    /**
     * The target's status read from its database: heads, latest plan and whether the latest step failed; empty
     * when the database cannot be reached (logged, masked).
     */
    public Optional<TargetStatus> status(Target target) {
        // Read once at start-up, on a session of its own that is closed afterwards: kept idle in the pool, the
        // sessions of every target of every executor of a group would sit in the server for nothing (most of them
        // belong to targets another executor will serve), and every idle backend costs the server CPU while others
        // change catalogs (it must catch up with the invalidation messages).
        ConnectionSource source = target.connectionSource();
        try (Connection conn = source.open()) {
            Set<String> heads = heads(conn);
            List<HistoryRow> recent = history.latest(conn, RECENT_ROWS);
            Optional<String> lastPlan = recent.stream().map(HistoryRow::planId).flatMap(Optional::stream).findFirst();
            Optional<String> lastError = recent.stream().filter(r -> r.applied() || r.failure()).findFirst()
                    .filter(HistoryRow::failure).flatMap(HistoryRow::errorCode);
            return Optional.of(new TargetStatus(target.id(), heads, lastPlan, lastError, clock.instant()));
        } catch (SQLException e) {
            log.warn("cannot read the state of {} (SQLSTATE {}): {}", source.describe(), e.getSQLState(),
                    Secrets.mask(oneLine(e.getMessage())));
            return Optional.empty();
        }
    }

    private Optional<Set<String>> readHeads(ConnectionSource source) {
        try (Connection conn = source.open()) {
            return Optional.of(heads(conn));
        } catch (SQLException e) {
            log.debug("reading the heads of {} failed: {}", source.describe(), Secrets.mask(e.getMessage()));
            return Optional.empty();
        }
    }

    private Set<String> heads(Connection conn) throws SQLException {
        return VersionStore.heads(conn, tables);
    }

    private static ErrorCode errorCode(Optional<String> name) {
        return name.flatMap(n -> Arrays.stream(ErrorCode.values()).filter(code -> code.name().equals(n)).findFirst())
                .orElse(ErrorCode.MIG099);
    }

    private static Result done(StepUpdate update, Optional<Set<String>> heads) {
        return new Result.Done(update, heads);
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s+", " ").strip();
    }
}

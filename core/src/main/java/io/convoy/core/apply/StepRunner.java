package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.error.SqlStates;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.script.BatchDirective;
import io.convoy.core.util.Secrets;
import io.github.resilience4j.retry.Retry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@link SqlAction} sequences on the work connection: the online counterpart of
 * {@link OfflineRenderer}. Steps are retried on lock timeout / deadlock ({@link LockRetry});
 * a failed step is rolled back where transactional and recorded as a {@code failed} history row.
 * The caller holds the migration lock (on the work connection) and owns the connection.
 */
final class StepRunner {
    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

    private final Connection work;
    private final int workPid;
    private final VersionTables tables;
    private final ApplyOptions options;
    private final Clock clock;
    private final Consumer<MigrationEvent> listener;
    private final Blockers blockers;
    private final String database;
    private final BatchEnvironment batchEnvironment;

    StepRunner(Connection work, VersionTables tables, ApplyOptions options, Clock clock, Consumer<MigrationEvent> listener,
            Blockers blockers, String database) throws SQLException {
        this(work, tables, options, clock, listener, blockers, database, BatchEnvironment.DEFAULT);
    }

    StepRunner(Connection work, VersionTables tables, ApplyOptions options, Clock clock, Consumer<MigrationEvent> listener,
            Blockers blockers, String database, BatchEnvironment batchEnvironment) throws SQLException {
        this(work, backendPid(work), tables, options, clock, listener, blockers, database, batchEnvironment);
    }

    /** With the work connection's backend pid already known (the Migrator asks for it with application_name). */
    StepRunner(Connection work, int workPid, VersionTables tables, ApplyOptions options, Clock clock,
            Consumer<MigrationEvent> listener, Blockers blockers, String database, BatchEnvironment batchEnvironment) {
        this.workPid = workPid;
        this.batchEnvironment = batchEnvironment;
        this.work = work;
        this.tables = tables;
        this.options = options;
        this.clock = clock;
        this.listener = listener;
        this.blockers = blockers;
        this.database = database;
    }

    private static int backendPid(Connection work) throws SQLException {
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Where a sequence of actions runs: the step (null for a stamp), the attempt start, the resume point. */
    private record Context(MigrationStep step, Instant started, int resumeAfter, String label) {
        Context(MigrationStep step, Instant started, int resumeAfter) {
            this(step, started, resumeAfter, null);
        }

        String what() {
            return step == null ? label : "revision " + step.revision().id() + " (" + step.direction().verb() + ", "
                    + step.revision().source() + ")";
        }
    }

    /** Runs actions that belong to no step (the preamble, a stamp), rolling back on failure. */
    void runPlain(String label, List<SqlAction> actions) {
        Context ctx = new Context(null, clock.instant(), 0, label);
        try {
            executeAll(ctx, actions);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Runs one step's actions with retries; publishes the step events; throws the final ConvoyException. */
    void runStep(MigrationStep step, List<SqlAction> actions) {
        Instant stepStart = clock.instant();
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = Retry.of("convoy-" + step.revision().id(), LockRetry.config(options));
        retry.getEventPublisher().onRetry(e -> {
            ConvoyException cause = e.getLastThrowable() instanceof ConvoyException ce ? ce
                    : new ConvoyException(ErrorCode.MIG099, String.valueOf(e.getLastThrowable()), e.getLastThrowable());
            log.warn("Retrying {} {} in {} ms after attempt {}: {}", step.direction().verb(), step.revision().id(),
                    e.getWaitInterval().toMillis(), e.getNumberOfRetryAttempts(), cause.toString());
            listener.accept(new MigrationEvent.StepRetrying(step, e.getNumberOfRetryAttempts(), e.getWaitInterval(), cause));
        });
        try {
            retry.executeSupplier(() -> {
                attempt(step, actions, attempts.incrementAndGet());
                return null;
            });
        } catch (ConvoyException e) {
            ConvoyException failure = e;
            if (e.code() == ErrorCode.MIG003) {
                failure = new ConvoyException(ErrorCode.MIG003, "gave up after " + attempts.get() + " attempt(s) (max "
                        + options.maxAttempts() + "): " + e.getMessage(), e.getCause(), e.sqlState().orElse(null));
            }
            recordFailure(step, failure, stepStart);
            if (failure.interruption()) {
                log.info("{} of {} interrupted and rolled back: {}", step.direction().verb(), step.revision().id(), failure.toString());
            } else {
                log.error("{} of {} failed: {}", step.direction().verb(), step.revision().id(), failure.toString());
            }
            listener.accept(new MigrationEvent.StepFailed(step, attempts.get(), failure));
            throw failure;
        } catch (RuntimeException e) {
            ConvoyException failure = new ConvoyException(ErrorCode.MIG099, "step " + step.revision().id()
                    + " stopped by an unexpected error: " + Secrets.mask(String.valueOf(e)), e);
            recordFailure(step, failure, stepStart);
            listener.accept(new MigrationEvent.StepFailed(step, attempts.get(), failure));
            throw e;
        }
        Duration took = Duration.between(stepStart, clock.instant());
        log.info("{} of {} applied in {} ms ({} attempt(s))", step.direction().verb(), step.revision().id(), took.toMillis(),
                attempts.get());
        listener.accept(new MigrationEvent.StepApplied(step, took, attempts.get()));
    }

    private void attempt(MigrationStep step, List<SqlAction> actions, int attempt) {
        log.info("{} {} (attempt {})", step.direction().verb(), step.revision().id(), attempt);
        listener.accept(new MigrationEvent.StepStarted(step, attempt));
        Instant started = clock.instant();
        try {
            int resumeAfter = step.revision().transactional() ? 0 : resumePoint(step);
            if (resumeAfter > 0) {
                log.info("Resuming {} of {} after statement {}", step.direction().verb(), step.revision().id(), resumeAfter);
                listener.accept(new MigrationEvent.StepResumed(step, resumeAfter));
            }
            Context ctx = new Context(step, started, resumeAfter);
            executeAll(ctx, actions);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private int resumePoint(MigrationStep step) {
        Optional<VersionStore.Progress> progress;
        try {
            progress = VersionStore.progress(work, tables, step.revision().id(), step.direction().verb());
        } catch (SQLException e) {
            throw sqlFailure(new Context(step, clock.instant(), 0), "reading " + tables.progressTable(), e);
        }
        if (progress.isEmpty()) {
            return 0;
        }
        VersionStore.Progress p = progress.get();
        int count = step.statements().size();
        if (!p.checksum().equals(step.revision().checksum()) || p.completedStatements() > count) {
            throw new ConvoyException(ErrorCode.MIG004, "revision " + step.revision().id() + " (" + step.revision().source()
                    + ") was partly applied (" + step.direction().verb() + ", " + p.completedStatements() + " of its statements)"
                    + " from a file with checksum " + p.checksum() + ", but the file now has checksum "
                    + step.revision().checksum() + " and " + count + " statements: resuming would run another script."
                    + " Restore the file, or finish the revision by hand and run DELETE FROM " + tables.progressTable()
                    + " WHERE revision = " + SqlLiterals.literal(step.revision().id()) + " AND direction = "
                    + SqlLiterals.literal(step.direction().verb()));
        }
        return p.completedStatements();
    }

    /**
     * Executes actions in order, saving round trips where that changes nothing: consecutive {@link SqlAction.Setup}s
     * go in one round trip (skipping a {@code SET} whose value this runner set and nothing can have changed since),
     * and a step's consecutive {@link SqlAction.Bookkeeping} statements (version, history and progress
     * rows: each a different table, the version rows deleted and inserted disjoint) in one statement.
     */
    private void executeAll(Context ctx, List<SqlAction> actions) {
        int i = 0;
        while (i < actions.size()) {
            SqlAction a = actions.get(i);
            int j = i;
            if (a instanceof SqlAction.Setup) {
                List<String> sqls = new ArrayList<>();
                while (j < actions.size() && actions.get(j) instanceof SqlAction.Setup s) {
                    sqls.add(s.sql());
                    j++;
                }
                setup(ctx, sqls);
                i = j;
            } else if (a instanceof SqlAction.Bookkeeping && ctx.step() != null) {
                List<SqlAction.Bookkeeping> rows = new ArrayList<>();
                while (j < actions.size() && actions.get(j) instanceof SqlAction.Bookkeeping b) {
                    rows.add(b);
                    j++;
                }
                bookkeeping(ctx, rows);
                i = j;
            } else {
                execute(ctx, a);
                i++;
            }
        }
    }

    private static final java.util.regex.Pattern SIMPLE_SET =
            java.util.regex.Pattern.compile("SET ([a-z_]+) = ('[^'\\\\]*'|[0-9]+)");

    /**
     * Session settings this runner set on the work connection and that are still in force: forgotten as soon as
     * anything else that could change them runs (a migration statement, a rollback, any other setup statement).
     */
    private final java.util.Map<String, String> settingsInForce = new java.util.HashMap<>();

    private void setup(Context ctx, List<String> sqls) {
        List<String> toRun = new ArrayList<>();
        java.util.Map<String, String> setting = new java.util.LinkedHashMap<>();
        for (String sql : sqls) {
            java.util.regex.Matcher m = SIMPLE_SET.matcher(sql);
            if (m.matches()) {
                if (m.group(2).equals(settingsInForce.get(m.group(1)))) {
                    log.debug("{} already in force", sql);
                    continue;
                }
                setting.put(m.group(1), m.group(2));
            } else {
                setting.clear();
                settingsInForce.clear();
            }
            toRun.add(sql);
        }
        if (toRun.isEmpty()) {
            return;
        }
        boolean autoCommit;
        try (Statement st = work.createStatement()) {
            autoCommit = work.getAutoCommit();
            // One round trip: the driver sends the statements together, with one Sync.
            st.execute(String.join(";\n", toRun));
        } catch (SQLException e) {
            settingsInForce.clear();
            throw sqlFailure(ctx, toRun.size() == 1 ? SqlLiterals.firstLine(toRun.get(0))
                    : toRun.size() + " set-up statements (" + SqlLiterals.firstLine(toRun.get(0)) + " ...)", e);
        }
        if (autoCommit) {
            // Inside a transaction a rollback would undo them: only settings made outside one are remembered.
            settingsInForce.putAll(setting);
        }
    }

    private void bookkeeping(Context ctx, List<SqlAction.Bookkeeping> rows) {
        List<BoundStatement> statements = new ArrayList<>();
        List<String> purposes = new ArrayList<>();
        for (SqlAction.Bookkeeping b : rows) {
            statements.addAll(b.statements());
            purposes.add(b.purpose());
        }
        if (statements.isEmpty()) {
            return;
        }
        bind(ctx, combined(statements), "writing " + String.join(", ", purposes));
    }

    /**
     * Several INSERT/DELETE statements without RETURNING as one: {@code WITH w1 AS (s1), w2 AS (s2) sN}. PostgreSQL
     * runs every data-modifying WITH part, on one snapshot; they write different rows, so the effect is theirs in order.
     */
    static BoundStatement combined(List<BoundStatement> statements) {
        if (statements.size() == 1) {
            return statements.get(0);
        }
        StringBuilder sql = new StringBuilder("WITH ");
        List<SqlValue> values = new ArrayList<>();
        for (int k = 0; k < statements.size(); k++) {
            BoundStatement s = statements.get(k);
            if (k == statements.size() - 1) {
                sql.append(' ').append(s.sql());
            } else {
                sql.append(k == 0 ? "" : ", ").append("w").append(k + 1).append(" AS (").append(s.sql()).append(")");
            }
            values.addAll(s.values());
        }
        return new BoundStatement(sql.toString(), values);
    }

    private void execute(Context ctx, SqlAction action) {
        if (action instanceof SqlAction.Comment c) {
            log.debug("-- {}", c.text());
        } else if (action instanceof SqlAction.Setup s) {
            try (Statement st = work.createStatement()) {
                st.execute(s.sql());
            } catch (SQLException e) {
                throw sqlFailure(ctx, SqlLiterals.firstLine(s.sql()), e);
            }
        } else if (action instanceof SqlAction.TakeMigrationLock) {
            // Online the Migrator took it on the work connection before running anything.
            log.debug("migration lock held by the session");
        } else if (action instanceof SqlAction.Begin) {
            try {
                work.setAutoCommit(false);
            } catch (SQLException e) {
                throw sqlFailure(ctx, "BEGIN", e);
            }
        } else if (action instanceof SqlAction.Commit) {
            try {
                work.commit();
                work.setAutoCommit(true);
            } catch (SQLException e) {
                throw sqlFailure(ctx, "COMMIT", e);
            }
        } else if (action instanceof SqlAction.ExpectHeads e) {
            expectHeads(ctx, e);
        } else if (action instanceof SqlAction.InvalidIndexGuard g) {
            if (g.statementIndex() > ctx.resumeAfter()) {
                guardInvalidIndex(ctx, g);
            }
        } else if (action instanceof SqlAction.Migration m) {
            if (m.index() > ctx.resumeAfter()) {
                migrate(ctx, m, null);
            }
        } else if (action instanceof SqlAction.Batched b) {
            if (b.migration().index() > ctx.resumeAfter()) {
                migrate(ctx, b.migration(), b.checkpoint());
            }
        } else if (action instanceof SqlAction.ProgressMark p) {
            if (p.completed() > ctx.resumeAfter()) {
                bind(ctx, p.statement(), "recording progress");
            }
        } else if (action instanceof SqlAction.Bookkeeping b) {
            for (BoundStatement s : b.statements()) {
                bind(ctx, s, "writing " + b.purpose());
            }
        } else {
            throw new IllegalStateException("unknown action " + action);
        }
    }

    private void expectHeads(Context ctx, SqlAction.ExpectHeads e) {
        Set<String> actual;
        try {
            actual = VersionStore.readHeads(work, e.versionTable());
        } catch (SQLException ex) {
            throw sqlFailure(ctx, "reading " + e.versionTable(), ex);
        }
        if (!actual.equals(e.heads())) {
            throw new ConvoyException(ErrorCode.MIG004, database + " is at " + StepActions.describe(actual) + ", not at "
                    + StepActions.describe(e.heads()) + " " + e.context() + ": another run moved it; nothing of "
                    + ctx.what() + " was applied");
        }
    }

    private void guardInvalidIndex(Context ctx, SqlAction.InvalidIndexGuard g) {
        List<String> invalid = new ArrayList<>();
        String query = g.target().probeQuery().orElseThrow();
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                invalid.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw sqlFailure(ctx, "looking for invalid indexes", e);
        }
        if (!invalid.isEmpty()) {
            StringBuilder fix = new StringBuilder();
            for (String name : invalid) {
                fix.append(fix.length() == 0 ? "" : "; ").append("DROP INDEX CONCURRENTLY ").append(name);
            }
            throw new ConvoyException(ErrorCode.MIG014, ctx.what() + ": statement " + g.statementIndex() + " ("
                    + g.target().statement() + ") would run again, but an earlier attempt left the INVALID index "
                    + String.join(", ", invalid) + ". Fix: " + fix + "; then remove what made it fail and run again");
        }
    }

    /** @param checkpoint the fixed values of its checkpoint rows when the statement is batched, else null */
    private void migrate(Context ctx, SqlAction.Migration m, VersionTables.HistoryRow checkpoint) {
        settingsInForce.clear(); // the revision's SQL may change any setting
        Instant t0 = clock.instant();
        Duration lockTimeout = StepActions.lockTimeout(ctx.step().revision(), options);
        Blockers.Watch watch = blockers.watch(workPid, Blockers.period(lockTimeout));
        Optional<BatchDirective.Batched> batched = checkpoint == null ? Optional.empty() : BatchDirective.decode(m.sql());
        try (Statement st = work.createStatement()) {
            if (batched.isPresent()) {
                new BatchRunner(work, new BatchCheckpoints(tables), clock, batchEnvironment, listener)
                        .run(ctx.step(), m.index(), m.count(), batched.get(), checkpoint);
            } else {
                st.execute(m.sql());
            }
        } catch (SQLException e) {
            List<Blockers.Blocker> seen = watch.lastSeen();
            watch.close();
            throw statementFailed(ctx, m, e, seen, lockTimeout);
        } finally {
            watch.close();
        }
        Duration took = Duration.between(t0, clock.instant());
        log.debug("statement {}/{} of {} done in {} ms", m.index(), m.count(), ctx.step().revision().id(), took.toMillis());
        listener.accept(new MigrationEvent.StatementApplied(ctx.step(), m.index(), m.count(), took));
    }

    private ConvoyException statementFailed(Context ctx, SqlAction.Migration m, SQLException e, List<Blockers.Blocker> seen,
            Duration lockTimeout) {
        MigrationStep step = ctx.step();
        String state = e.getSQLState();
        String where = ctx.what() + ": statement " + m.index() + " of " + m.count() + " (" + SqlLiterals.firstLine(m.sql()) + ")";
        Optional<ConcurrentIndexes.Target> cic = ConcurrentIndexes.of(m.sql());
        String cicHint = cic.filter(t -> !step.revision().transactional())
                .map(t -> ". " + t.statement() + " failed and may have left an INVALID index"
                        + t.indexName().map(n -> " " + n + ": run DROP INDEX CONCURRENTLY " + n + " before running again")
                                .orElse(" (see pg_index.indisvalid): drop it with DROP INDEX CONCURRENTLY before running again"))
                .orElse("");
        switch (SqlStates.classify(e)) {
            case CONTENTION -> {
                String why = SqlStates.DEADLOCK_DETECTED.equals(state) ? "was the victim of a deadlock"
                        : SqlStates.LOCK_NOT_AVAILABLE.equals(state)
                                ? "could not get its lock within lock_timeout " + lockTimeout.toMillis() + " ms"
                                : "hit a serialization failure";
                String who = seen.isEmpty() ? "the blocking session could not be captured (it let go before it was sampled)"
                        : "blocked by " + seen.stream().map(Blockers.Blocker::toString).reduce((a, b) -> a + "; " + b).orElseThrow();
                return new ConvoyException(ErrorCode.MIG003, where + " " + why + " (SQLSTATE " + state + "); " + who + "; "
                        + serverMessage(e) + rolledBack(ctx, m) + cicHint, e, state);
            }
            case CONNECTION -> {
                return new ConvoyException(ErrorCode.MIG021, where + ": the connection to " + database + " broke (SQLSTATE "
                        + state + "): " + serverMessage(e) + rolledBack(ctx, m) + cicHint, e, state);
            }
            default -> {
                String hint = SqlStates.ACTIVE_SQL_TRANSACTION.equals(state)
                        ? ". This statement cannot run inside a transaction: mark the revision '-- convoy:transactional: false'"
                        : "";
                return new ConvoyException(ErrorCode.MIG013, where + " failed with SQLSTATE " + state + ": " + serverMessage(e)
                        + hint + rolledBack(ctx, m) + cicHint, e, state);
            }
        }
    }

    private String rolledBack(Context ctx, SqlAction.Migration m) {
        if (ctx.step().revision().transactional()) {
            return ". The revision was rolled back; the database stays at " + StepActions.describe(ctx.step().headsBefore());
        }
        return m.index() == 1 ? ". Non-transactional revision: no statement of it had completed"
                : ". Non-transactional revision: statements 1.." + (m.index() - 1)
                        + " stay applied and recorded; a re-run resumes at statement " + m.index();
    }

    private ConvoyException sqlFailure(Context ctx, String doing, SQLException e) {
        String state = e.getSQLState();
        ErrorCode code = switch (SqlStates.classify(e)) {
            case CONTENTION -> ErrorCode.MIG003;
            case CONNECTION -> ErrorCode.MIG021;
            case PERMANENT -> ErrorCode.MIG013;
        };
        return new ConvoyException(code, ctx.what() + ": " + doing + " failed on " + database + " with SQLSTATE " + state + ": "
                + serverMessage(e), e, state);
    }

    static String serverMessage(SQLException e) {
        return Secrets.mask(String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip().replaceAll("\\.+$", ""));
    }

    private void bind(Context ctx, BoundStatement s, String doing) {
        try (PreparedStatement ps = work.prepareStatement(s.sql())) {
            Instant now = clock.instant();
            int i = 1;
            for (SqlValue v : s.values()) {
                if (v instanceof SqlValue.Text t) {
                    ps.setString(i, t.value());
                } else if (v instanceof SqlValue.Int n) {
                    ps.setLong(i, n.value());
                } else if (v instanceof SqlValue.Null) {
                    ps.setNull(i, Types.NULL);
                } else {
                    switch ((SqlValue.Time) v) {
                        case STARTED_AT -> ps.setObject(i, OffsetDateTime.ofInstant(ctx.started(), ZoneOffset.UTC));
                        case NOW -> ps.setObject(i, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                        case ELAPSED_MS -> ps.setLong(i, Math.max(0, Duration.between(ctx.started(), now).toMillis()));
                    }
                }
                i++;
            }
            ps.execute();
        } catch (SQLException e) {
            throw sqlFailure(ctx, doing, e);
        }
    }

    /** Writes the {@code failed} history row in its own autocommit statement, after the rollback. */
    private void recordFailure(MigrationStep step, ConvoyException failure, Instant stepStart) {
        try {
            if (!work.getAutoCommit()) {
                work.rollback();
                work.setAutoCommit(true);
            }
            if (!VersionStore.exists(work, tables.historyTable())) {
                return;
            }
            String message = Secrets.mask(failure.getMessage());
            BoundStatement row = tables.historyInsert(VersionTables.HistoryRow.failed(step, options, failure.code().name(),
                    failure.sqlState(), message));
            bind(new Context(step, stepStart, 0), row, "recording the failure");
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not record the failure of {} in {}: {}", step.revision().id(), tables.historyTable(), e.toString());
        }
    }

    private void rollbackQuietly() {
        settingsInForce.clear();
        try {
            if (!work.getAutoCommit()) {
                work.rollback();
                work.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.warn("Rollback failed on {}: {}", database, serverMessage(e));
        }
    }
}

package io.convoy.core.apply;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.error.SqlStates;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.util.Secrets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies plans to one PostgreSQL database: version tables, the session migration lock,
 * lock_timeout and retries, transactional and non-transactional revisions, stamp, check.
 *
 * <p>Every write runs under the migration lock ({@link MigrationLock}), a session-level lock held by
 * the connection the migration runs on, which executes the {@link SqlAction} sequence of
 * {@link StepActions} that {@link OfflineRenderer} prints. A second connection, to name who blocks a
 * waiting statement ({@link Blockers}), is opened only when a statement has waited long enough to be
 * sampled. Reads ({@link #currentHeads}, {@link #history}, {@link #check}) take no lock and never
 * create tables.
 *
 * <p>Errors: MIG004 when the database is not where the plan starts (nothing applied); MIG020 when
 * a downgrade step's revision has no downgrade section (checked before anything runs) or the plan
 * does not chain; MIG003 after the last retry on lock timeout/deadlock, naming the blockers; MIG013
 * for any other failing statement (SQLSTATE, statement index, first line); MIG014 for an INVALID
 * index left by an earlier concurrent index build; MIG012 when another run keeps the lock;
 * MIG021 when the database cannot be reached. The listener may throw to stop a run: the current
 * step is then rolled back (where transactional) and recorded as failed.
 */
public final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    private final ConnectionSource source;
    private final ApplyOptions options;
    private final Clock clock;
    private final Consumer<MigrationEvent> listener;
    private final StepActions actions;
    private final VersionTables tables;
    private final BatchEnvironment batchEnvironment;

    public Migrator(ConnectionSource source, ApplyOptions options, Clock clock, Consumer<MigrationEvent> listener) {
        this(source, options, clock, listener, BatchEnvironment.DEFAULT);
    }

    /** With how batched statements wait for replication lag (tests inject a sleeper that does not sleep). */
    public Migrator(ConnectionSource source, ApplyOptions options, Clock clock, Consumer<MigrationEvent> listener,
            BatchEnvironment batchEnvironment) {
        this.batchEnvironment = Objects.requireNonNull(batchEnvironment, "batchEnvironment");
        this.source = Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.actions = new StepActions(options);
        this.tables = actions.tables();
    }

    /** The heads in the version table; empty when nothing (or no version table) is there. Never creates tables. */
    public Set<String> currentHeads() {
        try (Connection c = open()) {
            return VersionStore.heads(c, tables);
        } catch (SQLException e) {
            throw failure("reading " + tables.versionTable(), e);
        }
    }

    /**
     * Applies the plan under the migration lock. Fails with MIG004 (nothing applied) when the
     * database's heads are not {@code plan.fromHeads()}. Returns the heads afterwards.
     */
    public Set<String> apply(Plan plan) {
        StepActions.validate(plan);
        try (Session s = new Session()) {
            VersionStore.Present present = VersionStore.present(s.work, tables);
            Set<String> heads = present.version() ? VersionStore.readHeads(s.work, tables.versionTable()) : Set.of();
            if (!heads.equals(plan.fromHeads())) {
                throw new ConvoyException(ErrorCode.MIG004, source.describe() + " is at " + StepActions.describe(heads)
                        + " but the plan starts from " + StepActions.describe(plan.fromHeads())
                        + ": another run migrated it, or the plan is stale; nothing was applied. Plan again from the current heads");
            }
            if (plan.isEmpty()) {
                log.info("{} is already at {}: nothing to do", source.describe(), StepActions.describe(heads));
                return heads;
            }
            StepRunner runner = s.runner();
            ensureTables(runner, present);
            for (MigrationStep step : plan.steps()) {
                runner.runStep(step, actions.step(step));
            }
            // The tables exist now: no need to ask for the version table again.
            return VersionStore.readHeads(s.work, tables.versionTable());
        } catch (SQLException e) {
            throw failure("applying a plan", e);
        }
    }

    /**
     * Opens a session that holds the migration lock until it is closed, to apply several plans one after the other
     * (e.g. the consecutive commands of one target) without opening the sessions, taking the lock and looking for
     * the version tables again for each plan. See {@link Held}. Fails like {@link #apply}: MIG021 when the database
     * cannot be reached, MIG012 when another run keeps the lock.
     */
    public Held hold() {
        try {
            return new Held(new Session());
        } catch (SQLException e) {
            throw failure("opening a migration session", e);
        }
    }

    /**
     * A migration session held across plans: its connection open, the migration lock held. Each {@link #apply}
     * is what {@link Migrator#apply} does (heads checked against the plan, each step its own transaction, history
     * row and events, retries), with the plan's own options (plan and command ids, application_name, timeouts; the
     * version schema must be the Migrator's) and listener. What it saves: the sessions and the lock are taken once,
     * the version tables are looked for once, and the heads are read again only when the previous plan did not end
     * applied (under the lock nobody else moves them; every step still checks them in its transaction). Used by one
     * thread; close it to let go of the lock.
     */
    public final class Held implements AutoCloseable {
        private final Session session;
        private String applicationName;
        private boolean tablesReady;
        /** The heads as the last successful plan left them; null when they must be read. */
        private Set<String> knownHeads;

        private Held(Session session) {
            this.session = session;
            this.applicationName = options.applicationName();
        }

        /** Applies a plan in this session; returns the heads afterwards. Errors as {@link Migrator#apply}. */
        public Set<String> apply(Plan plan, ApplyOptions planOptions, Consumer<MigrationEvent> planListener) {
            StepActions.validate(plan);
            if (!planOptions.versionSchema().equals(options.versionSchema())) {
                throw new IllegalArgumentException("a held session serves version schema " + options.versionSchema()
                        + ", not " + planOptions.versionSchema());
            }
            try {
                if (!planOptions.applicationName().equals(applicationName)) {
                    setApplicationName(session.work, planOptions.applicationName());
                    applicationName = planOptions.applicationName();
                }
                Set<String> heads = knownHeads;
                VersionStore.Present present = null;
                if (heads == null) {
                    present = tablesReady ? null : VersionStore.present(session.work, tables);
                    heads = tablesReady || present.version() ? VersionStore.readHeads(session.work, tables.versionTable()) : Set.of();
                    knownHeads = heads;
                }
                if (!heads.equals(plan.fromHeads())) {
                    throw new ConvoyException(ErrorCode.MIG004, source.describe() + " is at " + StepActions.describe(heads)
                            + " but the plan starts from " + StepActions.describe(plan.fromHeads())
                            + ": another run migrated it, or the plan is stale; nothing was applied. Plan again from the current heads");
                }
                if (plan.isEmpty()) {
                    return heads;
                }
                StepRunner runner = new StepRunner(session.work, session.workPid, tables, planOptions, clock, planListener,
                        session.blockers, source.describe(), batchEnvironment);
                if (!tablesReady) {
                    ensureTables(runner, present == null ? VersionStore.present(session.work, tables) : present);
                    tablesReady = true;
                }
                knownHeads = null;
                StepActions planActions = new StepActions(planOptions);
                for (MigrationStep step : plan.steps()) {
                    runner.runStep(step, planActions.step(step));
                }
                // Each step checked the heads in its transaction and moved them under the lock: they are the plan's end.
                knownHeads = plan.toHeads();
                return knownHeads;
            } catch (SQLException e) {
                knownHeads = null;
                throw failure("applying a plan", e);
            }
        }

        /** The session's work connection (autocommit, no transaction open between plans), for reads between plans. */
        public Connection connection() {
            return session.work;
        }

        /** Lets go of the lock and the sessions. */
        @Override
        public void close() {
            session.close();
        }
    }

    /** Sets the version table to {@code heads} without running SQL; recorded in history as stamp. */
    public void stamp(Set<String> heads) {
        validateIds(heads);
        try (Session s = new Session()) {
            stamp(s, heads);
        } catch (SQLException e) {
            throw failure("stamping", e);
        }
    }

    private void stamp(Session s, Set<String> heads) throws SQLException {
        StepRunner runner = s.runner();
        ensureTables(runner, VersionStore.present(s.work, tables));
        runner.runPlain("stamp " + StepActions.describe(heads), actions.stamp(heads));
        log.info("Stamped {} at {}", source.describe(), StepActions.describe(heads));
    }

    /**
     * The online preamble: the Session already set application_name and holds the
     * migration lock, so only the version tables remain, and their (idempotent) DDL runs only when one of
     * them is missing or history has an older shape (no checkpoint columns yet): one catalog query per run
     * instead of the DDL's statements.
     */
    private void ensureTables(StepRunner runner, VersionStore.Present present) {
        if (!present.all()) {
            runner.runPlain("preparing " + tables.schema(), actions.tablesDdl(present.history()));
        }
    }

    /**
     * Reads {@code alembic_version} (in the connection's search_path) and stamps its revisions;
     * returns them. MIG020 when the table is missing or has no version_num column; MIG004 when
     * Convoy's version table already holds other heads; nothing happens when it holds the same.
     */
    public Set<String> adoptAlembic(String alembicVersionTable) {
        if (alembicVersionTable == null || !TABLE_NAME.matcher(alembicVersionTable).matches()) {
            throw new ConvoyException(ErrorCode.MIG020, "not a table name: '" + alembicVersionTable
                    + "' (expected e.g. alembic_version or myschema.alembic_version)");
        }
        try (Session s = new Session()) {
            if (!VersionStore.exists(s.work, alembicVersionTable)) {
                throw new ConvoyException(ErrorCode.MIG020, "table " + alembicVersionTable + " does not exist in "
                        + source.describe() + " (looked in the search_path): nothing to adopt. Name the table Alembic used"
                        + " (its version_table / version_table_schema settings)");
            }
            Set<String> alembic = new LinkedHashSet<>();
            try (Statement st = s.work.createStatement();
                    ResultSet rs = st.executeQuery("SELECT version_num FROM " + alembicVersionTable + " ORDER BY 1")) {
                while (rs.next()) {
                    alembic.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new ConvoyException(ErrorCode.MIG020, "cannot read version_num from " + alembicVersionTable + " in "
                        + source.describe() + ": " + StepRunner.serverMessage(e) + " (is it an Alembic version table?)", e);
            }
            validateIds(alembic);
            Set<String> current = VersionStore.heads(s.work, tables);
            if (current.equals(alembic)) {
                log.info("{} already holds the Alembic heads {}", tables.versionTable(), StepActions.describe(alembic));
                return alembic;
            }
            if (!current.isEmpty()) {
                throw new ConvoyException(ErrorCode.MIG004, tables.versionTable() + " in " + source.describe() + " already holds "
                        + StepActions.describe(current) + ", but " + alembicVersionTable + " holds " + StepActions.describe(alembic)
                        + ": refusing to overwrite; stamp explicitly if that is what you want");
            }
            stamp(s, alembic);
            return alembic;
        } catch (SQLException e) {
            throw failure("adopting " + alembicVersionTable, e);
        }
    }

    /** convoy.history's step and stamp rows, oldest first; empty when the table does not exist. */
    public List<HistoryEntry> history() {
        return history(false);
    }

    /**
     * convoy.history, oldest first; empty when the table does not exist. With {@code checkpoints}, the per-batch
     * checkpoint rows of batched statements too ({@link HistoryEntry#isCheckpoint()}).
     */
    public List<HistoryEntry> history(boolean checkpoints) {
        try (Connection c = open()) {
            return VersionStore.history(c, tables, checkpoints);
        } catch (SQLException e) {
            throw failure("reading " + tables.historyTable(), e);
        }
    }

    /** Compares the database with the graph: checksum drift, vanished files, heads, behind head. */
    public CheckReport check(RevisionGraph graph) {
        return check(graph.revisions(), graph.heads());
    }

    /** {@link #check(RevisionGraph)} from the graph's revisions and heads. */
    public CheckReport check(Collection<Revision> revisions, Set<String> graphHeads) {
        try (Connection c = open()) {
            return CheckComparison.compare(VersionStore.heads(c, tables), VersionStore.history(c, tables), revisions, graphHeads);
        } catch (SQLException e) {
            throw failure("checking", e);
        }
    }

    private static void validateIds(Set<String> ids) {
        Objects.requireNonNull(ids, "heads");
        for (String id : ids) {
            if (id == null || id.isBlank() || !id.equals(id.strip()) || id.chars().anyMatch(Character::isWhitespace)) {
                throw new ConvoyException(ErrorCode.MIG020, "not a revision id: '" + id + "'");
            }
        }
    }

    private Connection open() {
        try {
            return source.open();
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "cannot connect to " + source.describe() + ": "
                    + StepRunner.serverMessage(e), e);
        }
    }

    private ConvoyException failure(String doing, SQLException e) {
        ErrorCode code = SqlStates.classify(e) == SqlStates.Kind.CONNECTION ? ErrorCode.MIG021 : ErrorCode.MIG013;
        return new ConvoyException(code, doing + " on " + source.describe() + " failed with SQLSTATE " + e.getSQLState() + ": "
                + StepRunner.serverMessage(e), e);
    }

    /** Sets application_name and returns the backend pid, in one round trip. */
    private static int setApplicationName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false), pg_backend_pid()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(2);
            }
        }
    }

    /**
     * The work connection, holding the migration lock (a session-level advisory lock: it survives the commits and the
     * autocommit statements of non-transactional revisions, and ends with the session if the process dies), and the
     * blockers sampler, whose connection is opened only if a statement waits long enough to be sampled.
     */
    private final class Session implements AutoCloseable {
        private final MigrationLock lock;
        private final Connection work;
        private final int workPid;
        private final Blockers blockers;

        Session() throws SQLException {
            Connection w = open();
            MigrationLock l;
            int pid;
            try {
                w.setAutoCommit(true);
                pid = setApplicationName(w, options.applicationName());
                l = MigrationLock.acquire(w, MigrationLock.keyFor(options.versionSchema()), options.migrationLockWait(), clock,
                        listener, source.describe());
            } catch (SQLException | RuntimeException e) {
                closeQuietly(w);
                throw e;
            }
            this.lock = l;
            this.work = w;
            this.workPid = pid;
            this.blockers = new Blockers(source, options.applicationName());
        }

        StepRunner runner() throws SQLException {
            return new StepRunner(work, workPid, tables, options, clock, listener, blockers, source.describe(), batchEnvironment);
        }

        @Override
        public void close() {
            blockers.close();
            lock.close();
            closeQuietly(work);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a connection: {}", Secrets.mask(e.getMessage()));
        }
    }
}

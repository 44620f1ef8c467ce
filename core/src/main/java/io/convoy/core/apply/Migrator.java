package io.convoy.core.apply;

import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies plans to one PostgreSQL database: version tables, the session migration lock,
 * lock_timeout and retries, transactional and non-transactional revisions, stamp, check.
 * SKELETON: the signatures are the contract; the bodies are written by the apply work.
 */
public final class Migrator {
    private final ConnectionSource source;
    private final ApplyOptions options;
    private final Clock clock;
    private final Consumer<MigrationEvent> listener;

    public Migrator(ConnectionSource source, ApplyOptions options, Clock clock, Consumer<MigrationEvent> listener) {
        this.source = source;
        this.options = options;
        this.clock = clock;
        this.listener = listener;
    }

    /** The heads in the version table; empty when nothing (or no version table) is there. Never creates tables. */
    public Set<String> currentHeads() { throw new UnsupportedOperationException("skeleton"); }

    /**
     * Applies the plan under the migration lock. Fails with MIG004 (nothing applied) when the
     * database's heads are not {@code plan.fromHeads()}. Returns the heads afterwards.
     */
    public Set<String> apply(Plan plan) { throw new UnsupportedOperationException("skeleton"); }

    /** Sets the version table to {@code heads} without running SQL; recorded in history as stamp. */
    public void stamp(Set<String> heads) { throw new UnsupportedOperationException("skeleton"); }

    /** Reads {@code alembic_version} (in the connection's search_path) and stamps its revisions; returns them. */
    public Set<String> adoptAlembic(String alembicVersionTable) { throw new UnsupportedOperationException("skeleton"); }

    /** convoy.history, oldest first; empty when the table does not exist. */
    public List<HistoryEntry> history() { throw new UnsupportedOperationException("skeleton"); }

    /** Compares the database with the graph: checksum drift, vanished files, heads, behind head. */
    public CheckReport check(RevisionGraph graph) { throw new UnsupportedOperationException("skeleton"); }
}

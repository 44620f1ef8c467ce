package io.convoy.core.autogen;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.Migrator;
import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.CatalogOptions;
import io.convoy.core.catalog.CatalogReader;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.NewRevision;
import io.convoy.core.script.Revision;
import io.convoy.core.script.ScriptDirectory;
import io.convoy.core.shadow.ShadowDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code convoy revision --autogenerate}: builds the current schema (every revision replayed to
 * head with the real {@link Migrator}, or a live database read read-only) and the desired schema
 * ({@code schema/*.sql}) in throwaway databases of a {@link ShadowDatabase}, reads both catalogs and
 * diffs them. {@link #write} turns the result into revision files; an empty result is the answer
 * of {@code check} mode ("the revisions describe the desired schema").
 */
public final class Autogenerator {
    private final ShadowDatabase shadow;
    private final ApplyOptions applyOptions;
    private final CatalogOptions options;
    private final Clock clock;

    /** Catalogs leave out {@code options}' schemas; revisions are replayed with {@link ApplyOptions#defaults()}. */
    public Autogenerator(ShadowDatabase shadow, CatalogOptions options) {
        this(shadow, ApplyOptions.defaults(), options, Clock.systemUTC());
    }

    /** Revisions are replayed with {@code applyOptions}; catalogs leave out its version schema. */
    public Autogenerator(ShadowDatabase shadow, ApplyOptions applyOptions, Clock clock) {
        this(shadow, applyOptions, CatalogOptions.excludingVersionSchema(applyOptions.versionSchema()), clock);
    }

    private Autogenerator(ShadowDatabase shadow, ApplyOptions applyOptions, CatalogOptions options, Clock clock) {
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.applyOptions = Objects.requireNonNull(applyOptions, "applyOptions");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The catalog of one database of the shadow server. */
    public Catalog read(String database) {
        try (Connection c = shadow.connect(database)) {
            return CatalogReader.read(c, options);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + database + ": " + e.getMessage(), e);
        }
    }

    /** The {@code *.sql} files of a schema directory in name order; MIG020 when there is no such directory or no file. */
    public static List<Path> schemaFiles(Path schemaDir) {
        if (!Files.isDirectory(schemaDir)) {
            throw new ConvoyException(ErrorCode.MIG020, "schema directory " + schemaDir + " does not exist");
        }
        try (Stream<Path> files = Files.list(schemaDir)) {
            List<Path> sql = files.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p))
                    .sorted((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString())).toList();
            if (sql.isEmpty()) {
                throw new ConvoyException(ErrorCode.MIG020, "schema directory " + schemaDir + " holds no *.sql file");
            }
            return sql;
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot list schema directory " + schemaDir + ": " + e.getMessage(), e);
        }
    }

    /** Loads desired-schema files into a fresh shadow database and reads its catalog. */
    public Catalog desired(List<Path> schemaFiles) {
        String db = shadow.createDatabase();
        try {
            shadow.loadSqlFiles(db, schemaFiles);
            return read(db);
        } finally {
            shadow.dropDatabase(db);
        }
    }

    /**
     * Side A: every revision replayed from base to the single head in a fresh shadow database with
     * the real Migrator (MIG001 when there are several heads: merge them first). No revisions: an
     * empty database. Side B: the schema files.
     */
    public AutogenResult fromRevisions(Collection<Revision> revisions, List<Path> schemaFiles, RenameHints hints) {
        Catalog desired = desired(schemaFiles);
        String db = shadow.createDatabase();
        try {
            replay(db, revisions);
            return diff(db, desired, hints);
        } finally {
            shadow.dropDatabase(db);
        }
    }

    /**
     * {@code check} mode: what autogenerate would write, as summary lines; empty when the revisions
     * already describe the desired schema.
     */
    public List<String> check(Collection<Revision> revisions, List<Path> schemaFiles) {
        return fromRevisions(revisions, schemaFiles, RenameHints.none()).summary();
    }

    /** Applies every revision to head in shadow database {@code db} with the Migrator. */
    public void replay(String db, Collection<Revision> revisions) {
        if (revisions.isEmpty()) {
            return;
        }
        RevisionGraph graph = RevisionGraph.of(revisions);
        graph.singleHead();
        Migrator migrator = new Migrator(shadow.connectionSource(db), applyOptions, clock, e -> {});
        migrator.apply(graph.upgrade(Set.of(), "head"));
    }

    /**
     * Side A: a live database, only read (one REPEATABLE READ READ ONLY transaction). With rename
     * hints, that schema is first rebuilt in a shadow database (the renames must run somewhere).
     */
    public AutogenResult fromDatabase(ConnectionSource live, List<Path> schemaFiles, RenameHints hints) {
        Catalog current;
        try (Connection c = live.open()) {
            current = CatalogReader.read(c, options);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "cannot connect to " + live.describe() + ": " + e.getMessage(), e);
        }
        Catalog desired = desired(schemaFiles);
        if (hints.isEmpty()) {
            return Differ.diff(current, desired);
        }
        String db = materialize(current);
        try {
            return diff(db, desired, hints);
        } finally {
            shadow.dropDatabase(db);
        }
    }

    /** A fresh shadow database holding {@code catalog}, built from the diff of an empty database to it. */
    public String materialize(Catalog catalog) {
        String db = shadow.createDatabase();
        try {
            apply(db, Differ.diff(read(db), catalog));
            Catalog built = read(db);
            if (!built.equals(catalog)) {
                throw new ConvoyException(ErrorCode.MIG099, "could not rebuild the current schema in the shadow database;"
                        + " it differs by (- rebuilt, + current):\n" + Catalog.diffText(built, catalog));
            }
            return db;
        } catch (RuntimeException e) {
            shadow.dropDatabase(db);
            throw e;
        }
    }

    /** Runs a result's upgrade parts in shadow database {@code db}, each the way the Migrator would. */
    public void apply(String db, AutogenResult result) {
        for (RevisionPart p : result.parts()) {
            if (p.transactional()) {
                shadow.executeInTransaction(db, p.upgrade(), "autogenerated " + p.part());
            } else {
                shadow.executeEach(db, p.upgrade(), "autogenerated " + p.part());
            }
        }
    }

    /**
     * The changes taking shadow database {@code currentDb} to {@code desired}. With rename hints, the
     * renames run first on a copy of {@code currentDb} and the rest is diffed against that copy, so
     * that everything PostgreSQL renames along (views, defaults, index definitions) is seen as it is.
     */
    public AutogenResult diff(String currentDb, Catalog desired, RenameHints hints) {
        Catalog current = read(currentDb);
        if (hints.isEmpty()) {
            return Differ.diff(current, desired);
        }
        List<Change> renames = hints.changes(current, desired);
        String copy = shadow.cloneDatabase(currentDb);
        try {
            shadow.executeInTransaction(copy, renames.stream().flatMap(c -> c.upgrade().stream()).toList(), "rename hints");
            return Differ.diff(read(copy), desired, renames);
        } finally {
            shadow.dropDatabase(copy);
        }
    }

    /**
     * Writes one revision per part of {@code result}, chained: the first on {@code downRevisions}
     * (with {@code branchLabels}), each next one on the previous. Parts other than the main one get
     * their purpose appended to the message; the concurrent part is written {@code transactional:
     * false}. Returns the revisions written, in order; none for an empty result.
     */
    public static List<Revision> write(ScriptDirectory directory, AutogenResult result, String message,
            List<String> downRevisions, Set<String> branchLabels) {
        List<Revision> written = new ArrayList<>();
        List<String> parents = List.copyOf(downRevisions);
        Set<String> labels = Set.copyOf(branchLabels);
        for (RevisionPart p : result.parts()) {
            String m = p.part().label().isEmpty() ? message
                    : message.isBlank() ? p.part().label() : message + " (" + p.part().label() + ")";
            String down = p.downgrade().isEmpty()
                    ? "-- Nothing to undo: validating a constraint leaves nothing behind; the revision before drops it."
                    : p.downgradeScript();
            Revision r = directory.create(new NewRevision(Optional.empty(), m, parents, labels, List.of(), p.transactional(),
                    Optional.of(p.upgradeScript()), Optional.of(down)));
            written.add(r);
            parents = List.of(r.id());
            labels = Set.of();
        }
        return written;
    }
}

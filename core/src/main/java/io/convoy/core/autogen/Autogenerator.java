package io.convoy.core.autogen;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.CatalogOptions;
import io.convoy.core.catalog.CatalogReader;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.shadow.ShadowDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * {@code convoy revision --autogenerate}: builds the current and the desired schema in throwaway
 * databases of a {@link ShadowDatabase}, reads both catalogs and diffs them.
 */
public final class Autogenerator {
    private final ShadowDatabase shadow;
    private final CatalogOptions options;

    public Autogenerator(ShadowDatabase shadow, CatalogOptions options) {
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The catalog of one database of the shadow server. */
    public Catalog read(String database) {
        try (Connection c = shadow.connect(database)) {
            return CatalogReader.read(c, options);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + database + ": " + e.getMessage(), e);
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
}

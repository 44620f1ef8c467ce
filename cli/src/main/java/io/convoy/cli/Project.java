package io.convoy.cli;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.apply.Migrator;
import io.convoy.core.autogen.Autogenerator;
import io.convoy.core.config.ConfigKey;
import io.convoy.core.config.ConvoyConfig;
import io.convoy.core.shadow.ShadowDatabase;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.ScriptDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/** A configuration with what it leads to: the versions directory, the graph and a migrator. */
public final class Project {
    private final ConvoyConfig config;
    private final Clock clock;

    public Project(ConvoyConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public ConvoyConfig config() { return config; }

    public ScriptDirectory scripts() {
        if (!Files.isDirectory(config.versionsDirectory())) {
            throw new ConvoyException(ErrorCode.MIG020, "versions directory " + config.versionsDirectory()
                    + " does not exist (from " + config.setting(ConfigKey.VERSIONS).source()
                    + "); run convoy init, or set versions / --versions");
        }
        return new ScriptDirectory(config.versionsDirectory(), config.fileNameTemplate(), clock);
    }

    /** Loads and validates every revision file (MIG010 / MIG001 on bad files or graphs). */
    public RevisionGraph graph() {
        return RevisionGraph.of(scripts().load());
    }

    public Migrator migrator(Consumer<MigrationEvent> listener) {
        return new Migrator(config.connectionSource(), config.toApplyOptions(), clock, listener);
    }

    /**
     * The desired-schema files (the models): {@code *.sql} in {@code schema_dir}, in name order.
     * MIG020 naming the directory (and where its setting came from) when it does not exist or holds no file.
     */
    public List<Path> schemaFiles() {
        Path dir = config.schemaDirectory();
        if (!Files.isDirectory(dir)) {
            throw new ConvoyException(ErrorCode.MIG020, "schema directory " + dir + " does not exist (from "
                    + config.setting(ConfigKey.SCHEMA_DIR).source() + "); keep the desired schema as SQL files there, or set schema_dir / --schema-dir");
        }
        return Autogenerator.schemaFiles(dir);
    }

    /** Whether a models directory is there to compare with (check compares only when it is). */
    public boolean hasModels() {
        return Files.isDirectory(config.schemaDirectory());
    }

    /** An autogenerator over a throwaway PostgreSQL; close the shadow when done. */
    public Autogenerator autogenerator(ShadowDatabase shadow) {
        return new Autogenerator(shadow, config.toApplyOptions(), clock);
    }

    /** The database as it may be printed (credentials masked). */
    public String target() {
        return config.connectionSource().describe();
    }
}

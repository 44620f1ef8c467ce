package io.convoy.cli;

import io.convoy.core.config.ConfigKey;
import io.convoy.core.config.ConfigLoader;
import io.convoy.core.config.ConvoyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code convoy} command: global options shared by every verb. */
@Command(name = "convoy",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = ConvoyCommand.Version.class,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpAutoWidth = true,
        description = "Schema migrations for PostgreSQL: Alembic's revision graph with Flyway's safety.",
        footer = {"", "Configuration: defaults < convoy.yaml < CONVOY_* environment < flags (see: convoy config --keys).",
                "Exit codes: 0 ok, 2 usage, otherwise the error code's exit code (MIG001 11, MIG004 14, MIG005 15, MIG010 20, ...)."})
public final class ConvoyCommand implements Runnable {
    private final CliContext context;
    private final Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "<file>", scope = ScopeType.INHERIT,
            description = "configuration file (default: convoy.yaml in the working directory, if present)")
    Path configFile;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "more detail: full revision entries, applied-at/by in history, statement timings, stack traces of errors")
    boolean verbose;

    ConvoyCommand(CliContext context) {
        this.context = context;
    }

    void setFlag(ConfigKey key, String value) {
        if (value == null) {
            flags.remove(key);
        } else {
            flags.put(key, value);
        }
    }

    public CliContext context() { return context; }

    public boolean verbose() { return verbose; }

    public Optional<Path> configFile() { return Optional.ofNullable(configFile); }

    /** The effective configuration of this run (layers: defaults, convoy.yaml, environment, flags). */
    public ConvoyConfig config() {
        return warn(ConfigLoader.load(context.workingDirectory(), configFile(), context.env(), flags));
    }

    private ConvoyConfig warn(ConvoyConfig config) {
        config.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        return config;
    }

    /** Like {@link #config()}, but with convoy.yaml taken from {@code directory} unless --config names one. */
    public ConvoyConfig config(Path directory) {
        Optional<Path> file = configFile().or(() -> {
            Path f = directory.resolve(ConfigLoader.FILE_NAME);
            return java.nio.file.Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
        });
        return warn(ConfigLoader.load(context.workingDirectory(), file, context.env(), flags));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required, e.g. convoy upgrade head (see convoy --help)");
    }

    /** The version from the build. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ConvoyCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"convoy " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}

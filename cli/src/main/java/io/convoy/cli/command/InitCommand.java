package io.convoy.cli.command;

import io.convoy.core.config.ConfigKey;
import io.convoy.core.config.ConfigLoader;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "init", description = "Create convoy.yaml and the versions directory (refuses to overwrite).")
public final class InitCommand extends AbstractCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<directory>", description = "project directory (default: the working directory)")
    Path directory;

    @Override
    int execute() throws IOException {
        Path dir = root.context().workingDirectory().resolve(directory == null ? Path.of("") : directory).normalize();
        Path file = dir.resolve(ConfigLoader.FILE_NAME);
        if (Files.exists(file)) {
            throw new ConvoyException(ErrorCode.MIG020, file + " already exists; convoy init does not overwrite it");
        }
        String versions = ConfigKey.VERSIONS.defaultValue().orElseThrow();
        Path versionsDir = dir.resolve(versions);
        Files.createDirectories(dir);
        Files.writeString(file, template(versions), StandardCharsets.UTF_8);
        out().println("Created " + file);
        if (Files.isDirectory(versionsDir)) {
            out().println("Kept existing " + versionsDir);
        } else {
            Files.createDirectories(versionsDir);
            out().println("Created " + versionsDir);
        }
        out().println("Next: set url in " + ConfigLoader.FILE_NAME + " (or CONVOY_URL), then convoy revision -m \"first revision\"");
        return 0;
    }

    /** Every key, commented out with its default and documentation; versions set explicitly. */
    static String template(String versions) {
        StringBuilder b = new StringBuilder("""
                # Convoy configuration. Precedence: defaults < this file < CONVOY_* environment variables < flags.
                # Every key with its default and meaning: convoy config --keys. Effective values: convoy config.
                # Keep passwords out of this file: use CONVOY_PASSWORD or password_file.

                """);
        String group = "";
        for (ConfigKey k : ConfigKey.values()) {
            String name = k.key();
            String indent = "";
            if (name.contains(".")) {
                String g = name.substring(0, name.indexOf('.'));
                if (!g.equals(group)) {
                    b.append("# ").append(g).append(":\n");
                    group = g;
                }
                name = name.substring(name.indexOf('.') + 1);
                indent = "  ";
            }
            b.append("# ").append(indent).append(k.doc()).append('\n');
            if (k == ConfigKey.VERSIONS) {
                b.append(name).append(": ").append(versions).append("\n\n");
            } else {
                b.append('#').append(indent).append(name).append(": ").append(k.defaultValue().map(InitCommand::quote).orElse("")).append("\n\n");
            }
        }
        return b.toString();
    }

    private static String quote(String v) {
        return v.contains("%") || v.contains(":") || v.contains("#") ? "'" + v + "'" : v;
    }
}

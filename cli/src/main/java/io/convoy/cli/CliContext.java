package io.convoy.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command needs from its process: the working directory, the environment and a clock.
 * Injected so that tests run commands in-process with their own values.
 */
public record CliContext(Path workingDirectory, Map<String, String> env, Clock clock) {
    public CliContext {
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
        env = Map.copyOf(env);
    }

    public static CliContext system() {
        return new CliContext(Path.of(""), System.getenv(), Clock.systemUTC());
    }
}
